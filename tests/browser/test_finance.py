"""Money in the browser: staff request the first tranche with the invoice from the contract's
finance page; above the threshold finance give the first approval and a senior finance user the
second; finance record the payment; the totals and the approval chain show it. Screenshots."""
from __future__ import annotations

import shutil
import subprocess

from sqlalchemy import select

from grants.extensions import db
from grants.models import Disbursement
from tests.browser.conftest import SCREENSHOTS, log_in, log_out
from tests.factories import PASSWORD, create_call, create_org, create_user
from tests.factories_finance import PNG, create_active_contract


def test_staff_request_two_approvers_and_finance_pay(page, shot, tmp_path):
    page.on("dialog", lambda dialog: dialog.accept())
    staff = create_user("staff", name="陈主任", email="money-staff@example.org")
    finance = create_user("finance", name="李会计", email="money-finance@example.org")
    senior = create_user("finance", "finance_senior", name="周处长", email="money-senior@example.org")
    call = create_call(status="decided", title="2026年度嘉兴市公益创投（拨付）",
                       tranches=((50, "signing", None), (30, "milestone", 1), (20, "final", None)))
    contract = create_active_contract("240000.00", call=call, org=create_org(name="嘉兴市南湖区长者服务中心"))

    # staff: the tranche table says what may be paid; request the first tranche with the invoice
    log_in(page, staff.email, PASSWORD)
    page.goto(f"{page.base}/finance/contracts/{contract.id}")
    assert "可以：拨付条件已满足。" in page.inner_text("#tranche-1")
    assert "尚未验收" in page.inner_text("#tranche-2")
    shot(page, "finance-1-tranches")
    page.fill("#invoice_amount-1", "12万")
    page.set_input_files("#invoice-1", files=[{"name": "发票.png", "mimeType": "image/png", "buffer": PNG}])
    page.click("#request-1 button[type=submit]")
    page.wait_for_load_state()
    assert "已申请：等待财务审批" in page.inner_text("#request-status")
    assert "¥120,000.00" in page.inner_text("#request-amount")
    shot(page, "finance-2-requested")
    log_out(page)

    # finance: the first approval (at or above ¥100,000 a second is needed)
    log_in(page, finance.email, PASSWORD)
    page.goto(f"{page.base}/finance/queue")
    page.click("#requests a:has-text('" + str(_request_id()) + "')")
    page.wait_for_load_state()
    page.click("button:has-text('第一次审批通过')")
    page.wait_for_load_state()
    assert "等待第二次审批" in page.inner_text("#request-status")
    shot(page, "finance-3-first-approval")
    log_out(page)

    # a senior finance user gives the second approval
    log_in(page, senior.email, PASSWORD)
    page.goto(f"{page.base}/finance/disbursements/{_request_id()}")
    page.click("button:has-text('第二次审批通过')")
    page.wait_for_load_state()
    assert "已审批：待支付" in page.inner_text("#request-status")
    log_out(page)

    # finance record the payment
    log_in(page, finance.email, PASSWORD)
    page.goto(f"{page.base}/finance/disbursements/{_request_id()}")
    page.fill("#reference", "JXCZ-2026-000123")
    page.fill("#paid_on", _today())
    page.click("#pay-form button[type=submit]")
    page.wait_for_load_state()
    assert "已支付" in page.inner_text("#request-status")
    assert "JXCZ-2026-000123" in page.inner_text("#payment-reference")
    chain = page.inner_text("#approval-chain")
    for name in ("陈主任", "李会计", "周处长"):
        assert name in chain
    shot(page, "finance-4-paid")
    with page.expect_download() as download_info:
        page.click("#approval-pdf")
    pdf_path = tmp_path / "approval.pdf"
    download_info.value.save_as(pdf_path)
    assert pdf_path.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftoppm"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(pdf_path),
                        str(SCREENSHOTS / "finance-payment-approval-pdf")], check=True)
    page.goto(f"{page.base}/finance/calls/{call.id}")
    assert page.inner_text("#total-paid") == "¥120,000.00"
    shot(page, "finance-5-call-totals")


def _request_id() -> int:
    db.session.expire_all()
    return db.session.scalar(select(Disbursement.id).order_by(Disbursement.id.desc()))


def _today() -> str:
    from grants.timeutil import local_today

    return local_today().isoformat()
