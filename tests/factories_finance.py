"""Factories for tranches and payment requests: contracts in force made directly (no PDF), and
milestone, report and evaluation rows that make tranche conditions true."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from grants.extensions import db
from grants.models import Contract, Disbursement, Evaluation, Milestone, Report
from grants.services import disbursements
from grants.timeutil import local_today, now_utc
from tests.factories import create_call, create_user
from tests.factories_awards import create_award

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

_seq = iter(range(1, 10**6))


def create_active_contract(amount="80000.00", *, call=None, org=None, status="active", tranches=None) -> Contract:
    """A contract in force (status active) with its tranches, as `contracts.activate` leaves it."""
    if call is None:
        call = create_call(status="decided", **({"tranches": tranches} if tranches else {}))
    award = create_award(call=call, org=org, amount=amount, requested="80000.00")
    contract = Contract(award_id=award.id, call_id=call.id, organisation_id=award.organisation_id,
                        number=f"TEST-2026-{next(_seq):04d}", status=status, amount=Decimal(amount),
                        starts_on=date(2027, 1, 1), ends_on=date(2027, 12, 31), signed_on=local_today(),
                        activated_at=now_utc(), announced_on=local_today())
    db.session.add(contract)
    db.session.flush()
    disbursements.create_tranches(contract)
    db.session.commit()
    return contract


def accept_milestone(contract: Contract, number: int, status: str = "accepted") -> Report:
    milestone = Milestone(contract_id=contract.id, number=number, title=f"里程碑{number}",
                          due_date=date(2027, 6, 30), deliverable="报告")
    db.session.add(milestone)
    db.session.flush()
    report = Report(milestone_id=milestone.id, contract_id=contract.id, status=status, narrative="按计划完成。")
    db.session.add(report)
    db.session.commit()
    return report


def evaluate(contract: Contract, kind: str, conclusion: str) -> Evaluation:
    evaluation = Evaluation(contract_id=contract.id, kind=kind, status="submitted", score=Decimal("80") if
                            conclusion == "pass" else Decimal("50"), conclusion=conclusion, text="评估意见",
                            submitted_at=now_utc())
    db.session.add(evaluation)
    db.session.commit()
    return evaluation


def request_first(contract: Contract, staff=None, number: int = 1) -> Disbursement:
    """Staff request tranche `number` (it must be eligible) with a PNG invoice."""
    staff = staff or create_user("staff")
    tranche = disbursements.tranches_of(contract)[number - 1]
    return disbursements.request(staff, tranche, tranche.amount, "发票.png", PNG)
