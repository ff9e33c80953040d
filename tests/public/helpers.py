"""Funded projects for the public-disclosure tests: confirmed awards with contracts in force,
paid tranches, accepted (or not) milestone reports with figures, and evaluations — rows made
directly, with exactly the numbers each test sums."""
from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from grants.extensions import db
from grants.models import Disbursement, Evaluation, Milestone, Report
from grants.services import disbursements
from tests.factories_finance import create_active_contract


def funded(amount="80000.00", *, org=None, call=None, category="elderly", confirmed=None, paid=(), reports=(),
           evaluations=(), title=None):
    """A confirmed award in force. `paid`: tranche numbers paid; `reports`: (status, person_times,
    hours, volunteers) per milestone; `evaluations`: (kind, conclusion, score)."""
    contract = create_active_contract(amount, call=call, org=org)
    award = contract.award
    award.proposal.category = category
    if title:
        award.proposal.title = title
    award.confirmed_at = confirmed or datetime(2026, 3, 1, 4, 0, tzinfo=UTC)
    tranches = disbursements.tranches_of(contract)
    for number in paid:
        t = tranches[number - 1]
        db.session.add(Disbursement(tranche_id=t.id, contract_id=contract.id, status="paid", amount=t.amount,
                                    paid_on=date(2026, 4, number), payment_reference=f"PAY-SECRET-{t.id}"))
    for number, (status, person_times, hours, volunteers) in enumerate(reports, start=1):
        m = Milestone(contract_id=contract.id, number=number, title=f"第{number}阶段", due_date=date(2026, 6, number))
        db.session.add(m)
        db.session.flush()
        db.session.add(Report(milestone_id=m.id, contract_id=contract.id, status=status, person_times=person_times,
                              service_hours=Decimal(str(hours)), volunteers=volunteers, narrative="内部叙述"))
    for kind, conclusion, score in evaluations:
        db.session.add(Evaluation(contract_id=contract.id, kind=kind, status="submitted", conclusion=conclusion,
                                  score=Decimal(str(score)), text="评估意见（内部）",
                                  submitted_at=datetime(2026, 7, 1, tzinfo=UTC)))
    db.session.commit()
    return award
