"""When a tranche of a contract may be paid: the one answer both the finance service and the
pages ask. A tranche's condition is its call's tranche rule:
- signing: the contract is active (in force);
- milestone N: the report on milestone N has been accepted;
- final: the final evaluation was submitted with the conclusion "pass".
A failed evaluation (mid-term or final) blocks every tranche after it: no tranche later in the
schedule than the evaluation's point may be paid (the project is marked for attention).
"""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from grants.extensions import db
from grants.models import Contract, Evaluation, Milestone, Report, Tranche


def evaluation(contract: Contract, kind: str) -> Evaluation | None:
    return db.session.scalar(select(Evaluation).where(Evaluation.contract_id == contract.id, Evaluation.kind == kind))


def milestone_accepted(contract: Contract, number: int) -> bool:
    status = db.session.scalar(
        select(Report.status).join(Milestone, Milestone.id == Report.milestone_id)
        .where(Milestone.contract_id == contract.id, Milestone.number == number))
    return status == "accepted"


def failed_evaluation(contract: Contract) -> Evaluation | None:
    """The earliest submitted evaluation that failed, if any (mid-term before final)."""
    rows = db.session.scalars(select(Evaluation).where(
        Evaluation.contract_id == contract.id, Evaluation.status == "submitted", Evaluation.conclusion == "fail"))
    failed = sorted(rows, key=lambda e: 0 if e.kind == "mid" else 1)
    return failed[0] if failed else None


def needs_attention(contract: Contract) -> bool:
    return failed_evaluation(contract) is not None


def refusal(tranche: Tranche) -> str | None:
    """Why this tranche may not be paid now (a message to show), or None when it may."""
    contract = tranche.contract
    if contract.status != "active":
        return _("The contract is not in force.")
    failed = failed_evaluation(contract)
    if failed is not None and tranche.condition != "signing":
        if failed.kind == "mid" or tranche.condition == "final":
            return _("A failed evaluation blocks this tranche.")
    if tranche.condition == "milestone":
        number = tranche.milestone_number or 1
        if not milestone_accepted(contract, number):
            return _("The report on milestone %(n)d has not been accepted yet.", n=number)
    if tranche.condition == "final":
        final = evaluation(contract, "final")
        if final is None or final.status != "submitted" or final.conclusion != "pass":
            return _("The final evaluation has not been passed yet.")
    return None


def eligible(tranche: Tranche) -> bool:
    return refusal(tranche) is None
