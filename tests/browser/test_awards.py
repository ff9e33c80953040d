"""Awards and contracts in the browser: staff propose an award from the ranking and publish the
notice; the notice runs out (the clock fixture moves it into the past); staff confirm and
generate the contract; the organisation downloads it, uploads the signed scan; staff put it in
force; a visitor verifies the printed code. Screenshots of each step, and page 1 of the PDF."""
from __future__ import annotations

import shutil
import subprocess
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from grants.extensions import db
from grants.models import Award, AwardNotice, Contract
from tests.browser.conftest import SCREENSHOTS, log_in, log_out
from tests.factories import PASSWORD, create_applicant, create_call, create_org, create_proposal, create_user
from tests.factories_reviews import cleared, create_review


@pytest.fixture
def notice_clock():
    """Time passes: move a call's notice (and its dates) back by `days` days."""
    def run_out(call_id: int, days: int = 14) -> None:
        notice = db.session.scalar(select(AwardNotice).where(AwardNotice.call_id == call_id))
        db.session.execute(update(AwardNotice).where(AwardNotice.id == notice.id).values(
            starts_on=notice.starts_on - timedelta(days=days), ends_on=notice.ends_on - timedelta(days=days)))
        db.session.commit()
    return run_out


def test_award_notice_contract_signing_and_verification(page, browser, live_server, shot, notice_clock, tmp_path):
    page.on("dialog", lambda dialog: dialog.accept())
    staff = create_user("staff", name="陈主任", email="award-staff@example.org")
    call = create_call(status="closed", title="2026年度嘉兴市公益创投（立项）", budget_pool="200000.00",
                       per_project_cap="100000.00")
    org = create_org(name="嘉兴市南湖区堃𠮷社会工作服务中心")
    member = create_applicant(org, name="周静", email="grantee-browser@example.org")
    winner = create_proposal(call, org, status="screened_in", title="银龄守护关爱服务", amount_requested="90000.00")
    other = create_proposal(call, create_org(name="平湖市青少年成长中心"), status="screened_in",
                            title="青少年心理支持", amount_requested="80000.00")
    create_review(winner, cleared(winner, name="评审甲"), total=88)
    create_review(other, cleared(other, name="评审乙"), total=61)

    # staff: propose from the ranking, publish the notice
    log_in(page, staff.email, PASSWORD)
    page.goto(f"{page.base}/awards/calls/{call.id}")
    page.fill(f"#propose-{winner.id}", "85,000")
    page.fill(f"#note-{winner.id}", "排名第一，方案完整")
    page.click(f"#award-row-{winner.id} button:has-text('拟资助')")
    page.wait_for_load_state()
    assert "¥85,000.00" in page.inner_text(f"#award-row-{winner.id}")
    shot(page, "awards-1-proposed")
    page.click("#award-steps button:has-text('发布立项公示')")
    page.wait_for_load_state()
    assert "公示中" in page.inner_text(f"#award-row-{winner.id}")
    assert "公示期满后方可确认" in page.inner_text("#award-steps")
    shot(page, "awards-2-in-notice")

    # the public notice page
    page.goto(f"{page.base}/public/calls/{call.id}/notice")
    assert "银龄守护关爱服务" in page.inner_text("#notice-awards") and "青少年心理支持" not in page.content()
    shot(page, "awards-3-public-notice")

    # the notice runs out; staff confirm and generate the contract
    notice_clock(call.id)
    page.goto(f"{page.base}/awards/calls/{call.id}")
    page.click("#award-steps button:has-text('确认立项资助')")
    page.wait_for_load_state()
    assert "已确认" in page.inner_text(f"#award-row-{winner.id}")
    page.goto(f"{page.base}/contracts/calls/{call.id}")
    page.click("#pending-contracts button:has-text('生成合同')")
    page.wait_for_load_state()
    contract = db.session.scalar(select(Contract).join(Award).where(Award.proposal_id == winner.id))
    assert contract is not None and contract.number in page.inner_text("h1")
    shot(page, "awards-4-contract-generated")
    log_out(page)

    # the organisation downloads, signs and uploads the scan
    log_in(page, member.email, PASSWORD)
    page.click("nav >> text=合同")
    page.click(f"text={contract.number}")
    with page.expect_download() as download_info:
        page.click("#contract-versions >> text=下载 PDF")
    pdf_path = tmp_path / "contract.pdf"
    download_info.value.save_as(pdf_path)
    assert pdf_path.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftoppm"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf_path),
                        str(SCREENSHOTS / "awards-contract-page")], check=True)
        assert list(SCREENSHOTS.glob("awards-contract-page*.png"))
    page.set_input_files("#signed-form input[type=file]", str(pdf_path))
    page.click("#signed-form button[type=submit]")
    page.wait_for_load_state()
    assert "核对中" in page.inner_text("#contract-status")
    shot(page, "awards-5-signed-uploaded")
    log_out(page)

    # staff put it in force
    log_in(page, staff.email, PASSWORD)
    page.goto(f"{page.base}/contracts/{contract.id}")
    page.click("button:has-text('接受签章件，合同生效')")
    page.wait_for_load_state()
    assert "已生效" in page.inner_text("#contract-status")
    code = page.inner_text("#contract-versions tbody tr:first-child td:nth-child(3)").strip()
    shot(page, "awards-6-active")

    # a visitor checks the printed code
    visitor = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    vpage = visitor.new_page()
    vpage.goto(f"{live_server}/verify/{code}")
    facts = vpage.inner_text("#verify-facts")
    assert contract.number in facts and "¥85,000.00" in facts and "堃𠮷" in facts
    shot(vpage, "awards-7-verified-phone")
    vpage.goto(f"{live_server}/public/contracts")
    assert contract.number in vpage.inner_text("#public-contracts")
    visitor.close()
