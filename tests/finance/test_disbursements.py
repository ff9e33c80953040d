"""Payment requests: raised by staff with the invoice, approved by finance (maker-checker; two
different approvers at or above the threshold, the second a finance_senior), paid once, never
changed after; a failed payment stays approved; a terminated contract cancels open requests."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from grants.extensions import db
from grants.models import AuditEvent, Disbursement, OutboxMessage
from grants.models.finance import PaidIsFinal
from grants.services import ServiceError, contracts, disbursements
from grants.timeutil import local_today
from tests.factories import create_user
from tests.factories_finance import PDF, PNG, accept_milestone, create_active_contract, request_first


@pytest.fixture
def people():
    return {"staff": create_user("staff"), "staff2": create_user("staff"), "finance": create_user("finance"),
            "finance2": create_user("finance"), "senior": create_user("finance", "finance_senior"),
            "senior2": create_user("finance", "finance_senior")}


def _tranche(contract, n=1):
    return disbursements.tranches_of(contract)[n - 1]


def test_staff_request_an_eligible_tranche_with_the_invoice(people):
    contract = create_active_contract("80000.00")
    tranche = _tranche(contract)
    d = disbursements.request(people["staff"], tranche, Decimal("40000"), "发票.pdf", PDF)
    assert (d.status, d.amount, d.invoice_name, d.requested_by_id) == (
        "requested", Decimal("40000.00"), "发票.pdf", people["staff"].id)
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "disbursement"))
    assert list(actions) == ["disbursement.request"]
    kinds = set(db.session.scalars(select(OutboxMessage.kind)))
    assert "disbursement.requested" in kinds


@pytest.mark.parametrize("amount, name, data, message", [
    ("40000", "x.pdf", b"", "发票文件是空的"),
    ("40000", None, b"", "请附上社会组织开具的发票"),
    ("40000", "x.docx", b"PK\x03\x04not really", "PDF、JPEG 或 PNG"),
    ("40000", "big.pdf", PDF + b"0" * (10 * 1024 * 1024), "10 MB"),
    ("39999.99", "x.png", PNG, "金额必须一致"),
    (None, "x.png", PNG, "请填写发票金额"),
])
def test_a_bad_request_is_refused_with_a_message(people, amount, name, data, message):
    contract = create_active_contract("80000.00")
    with pytest.raises(ServiceError) as exc:
        disbursements.request(people["staff"], _tranche(contract), Decimal(amount) if amount else None, name, data)
    assert message in exc.value.message
    assert db.session.scalar(select(Disbursement.id)) is None


def test_only_an_eligible_tranche_without_an_open_request_can_be_requested(people):
    contract = create_active_contract("80000.00")
    with pytest.raises(ServiceError, match="尚未验收"):
        disbursements.request(people["staff"], _tranche(contract, 2), Decimal("24000"), "x.png", PNG)
    request_first(contract, people["staff"])
    with pytest.raises(ServiceError, match="已有一笔未完成的拨付申请"):
        request_first(contract, people["staff2"])


def test_finance_cannot_raise_a_request(people):
    contract = create_active_contract("80000.00")
    with pytest.raises(ServiceError, match="只有项目管理人员"):
        request_first(contract, people["finance"])


def test_the_requester_can_never_approve_their_own_request(people):
    both = create_user("staff", "finance")
    contract = create_active_contract("80000.00")
    d = request_first(contract, both)
    with pytest.raises(ServiceError, match="须由他人审批"):
        disbursements.approve(both, d)
    assert d.status == "requested"
    assert d not in db.session.scalars(disbursements.awaiting(both)).unique().all()
    disbursements.approve(people["finance"], d)
    assert (d.status, d.first_approver_id) == ("approved", people["finance"].id)


def test_staff_cannot_approve(people):
    d = request_first(create_active_contract("80000.00"), people["staff"])
    with pytest.raises(ServiceError, match="无权"):
        disbursements.approve(people["staff2"], d)


def test_at_or_above_the_threshold_two_different_people_approve_the_second_a_senior(people):
    contract = create_active_contract("200000.00", tranches=((50, "signing", None), (50, "final", None)))
    d = request_first(contract, people["staff"])
    assert d.amount == Decimal("100000.00")  # exactly the threshold: two approvals
    disbursements.approve(people["finance"], d)
    assert d.status == "first_approved"
    with pytest.raises(ServiceError, match="无权"):
        disbursements.approve(people["finance2"], d)  # not a senior
    with pytest.raises(ServiceError):
        disbursements.record_payment(people["finance2"], d, local_today(), "REF-1")
    assert d.status == "first_approved"
    disbursements.approve(people["senior"], d)
    assert (d.status, d.first_approver_id, d.second_approver_id) == (
        "approved", people["finance"].id, people["senior"].id)


def test_the_first_approver_cannot_give_the_second_approval(people):
    contract = create_active_contract("300000.00", tranches=((50, "signing", None), (50, "final", None)))
    d = request_first(contract, people["staff"])
    disbursements.approve(people["senior"], d)
    with pytest.raises(ServiceError, match="第二次审批必须由另一人"):
        disbursements.approve(people["senior"], d)
    assert d not in db.session.scalars(disbursements.awaiting(people["senior"])).unique().all()
    assert d in db.session.scalars(disbursements.awaiting(people["senior2"])).unique().all()
    disbursements.approve(people["senior2"], d)
    assert d.status == "approved"


def test_below_the_threshold_one_approval_is_enough(people):
    d = request_first(create_active_contract("199999.98", tranches=((50, "signing", None), (50, "final", None))),
                      people["staff"])
    assert d.amount == Decimal("99999.99")
    disbursements.approve(people["finance"], d)
    assert d.status == "approved"


def test_finance_return_with_a_reason_and_staff_request_again(people):
    contract = create_active_contract("80000.00")
    d = request_first(contract, people["staff"])
    with pytest.raises(ServiceError, match="退回原因"):
        disbursements.return_request(people["finance"], d, "  ")
    disbursements.return_request(people["finance"], d, "发票抬头有误")
    assert (d.status, d.returned_reason) == ("returned", "发票抬头有误")
    again = request_first(contract, people["staff"])
    assert again.status == "requested"


def test_payment_is_recorded_once_and_the_paid_row_never_changes(people):
    contract = create_active_contract("80000.00")
    d = request_first(contract, people["staff"])
    disbursements.approve(people["finance"], d)
    with pytest.raises(ServiceError, match="不能晚于今天"):
        disbursements.record_payment(people["finance"], d, local_today() + timedelta(days=1), "REF")
    with pytest.raises(ServiceError, match="银行流水号或凭证号"):
        disbursements.record_payment(people["finance"], d, local_today(), " ")
    disbursements.record_payment(people["finance"], d, local_today(), "  JX2026-0001 ")
    assert (d.status, d.payment_reference, d.paid_on) == ("paid", "JX2026-0001", local_today())
    with pytest.raises(ServiceError, match="已拨付"):
        disbursements.record_payment(people["finance2"], d, local_today(), "AGAIN")
    with pytest.raises(ServiceError, match="已拨付"):
        request_first(contract, people["staff"])
    d.payment_reference = "CHANGED"
    with pytest.raises(PaidIsFinal):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.get(Disbursement, d.id))
    with pytest.raises(PaidIsFinal):
        db.session.flush()
    db.session.rollback()
    assert db.session.get(Disbursement, d.id).payment_reference == "JX2026-0001"


def test_a_failed_payment_stays_approved_for_a_retry_and_is_audited(people):
    d = request_first(create_active_contract("80000.00"), people["staff"])
    disbursements.approve(people["finance"], d)
    with pytest.raises(ServiceError, match="失败原因"):
        disbursements.payment_failed(people["finance"], d, "")
    disbursements.payment_failed(people["finance"], d, "收款账号户名不符，银行退票")
    assert d.status == "approved"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "disbursement.payment_failed"))
    assert event.note == "收款账号户名不符，银行退票"
    disbursements.record_payment(people["finance2"], d, local_today(), "RETRY-1")
    assert d.status == "paid"


def test_terminating_a_contract_cancels_its_open_requests(people):
    contract = create_active_contract("80000.00")
    accept_milestone(contract, 1)
    first = request_first(contract, people["staff"])
    disbursements.approve(people["finance"], first)
    disbursements.record_payment(people["finance"], first, local_today(), "P-1")
    second = request_first(contract, people["staff"], number=2)
    with pytest.raises(ServiceError, match="终止原因"):
        contracts.terminate(people["staff"], contract, "")
    with pytest.raises(ServiceError, match="只有项目管理人员"):
        contracts.terminate(people["finance"], contract, "违约")
    contracts.terminate(people["staff"], contract, "承接单位严重违约")
    assert contract.status == "terminated"
    assert (first.status, second.status) == ("paid", "cancelled")
    with pytest.raises(ServiceError, match="合同尚未生效"):
        request_first(contract, people["staff"], number=2)


def test_requests_never_exceed_the_award(people):
    contract = create_active_contract("80000.00", tranches=((100, "signing", None),))
    d = request_first(contract, people["staff"])
    assert disbursements.committed_total(contract.id) == Decimal("80000.00") == contract.amount
    disbursements.return_request(people["finance"], d, "重开")
    assert disbursements.committed_total(contract.id) == Decimal("0.00")


def test_batch_approve_checks_each_item_on_its_own(people):
    mine = request_first(create_active_contract("80000.00"), people["finance"] if False else people["staff"])
    own = create_user("staff", "finance")
    theirs = request_first(create_active_contract("80000.00"), own)
    results = disbursements.batch_approve(own, [str(mine.id), str(theirs.id), "999999", "abc", str(mine.id)])
    by_id = {r.id: r for r in results}
    assert by_id[mine.id].ok and mine.status == "approved"
    assert not by_id[theirs.id].ok and "须由他人审批" in by_id[theirs.id].message
    assert not by_id[999999].ok
    assert len(results) == 3


def test_the_payment_approval_pdf_shows_amounts_and_the_chain(people):
    import io

    from pypdf import PdfReader

    contract = create_active_contract("250000.00", tranches=((50, "signing", None), (50, "final", None)))
    d = request_first(contract, people["staff"])
    disbursements.approve(people["finance"], d)
    disbursements.approve(people["senior"], d)
    disbursements.record_payment(people["finance"], d, date.today() - timedelta(days=0), "BANK-778")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(disbursements.approval_pdf(d))).pages)
    compact = text.replace(" ", "").replace("\n", "")
    for expected in ("付款审批单", contract.number, "¥125,000.00", "人民币壹拾贰万伍仟元整", "BANK-778",
                     people["staff"].name, people["finance"].name, people["senior"].name,
                     "拨付第一次审批", "拨付第二次审批"):
        assert expected.replace(" ", "") in compact, expected
