"""One call carried through every stage, with known numbers, for the hub, the dashboards and the
charts (and their browser test)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from grants.extensions import db
from grants.models import Call, Contract, Disbursement, Milestone, Report
from grants.timeutil import local_today, now_utc
from tests.factories import create_applicant, create_call, create_org, create_proposal, create_user
from tests.factories_awards import create_award
from tests.factories_finance import create_active_contract, request_first
from tests.factories_panel import create_assignment, create_reviewer
from tests.factories_reviews import create_review


@dataclass
class World:
    call: Call
    staff: object
    finance: object
    reviewer: object
    applicant: object
    contracts: list


def _report(contract, number, due, status):
    milestone = Milestone(contract_id=contract.id, number=number, title=f"里程碑{number}", due_date=due,
                          deliverable="报告")
    db.session.add(milestone)
    db.session.flush()
    db.session.add(Report(milestone_id=milestone.id, contract_id=contract.id, status=status, narrative=""))
    db.session.commit()


def build() -> World:
    """The numbers the tests expect:
    proposals: 1 draft, 2 submitted, 1 screened_out, 2 screened_in, 3 awarded, 1 recommended (in notice);
    reviews: 4 live assignments (+1 removed), 1 submitted review (+1 draft) → done 1, outstanding 3;
    awards: 2 confirmed with contracts in force (¥80,000 + ¥60,000), 1 confirmed with a contract
    awaiting signature (¥40,000), 1 in notice (¥50,000) → awarded ¥180,000;
    reports: 1 overdue, 1 due in 3 days, 1 submitted (to review), 1 accepted;
    money: pool ¥1,000,000; paid ¥40,000 (tranche 1 of the first contract); 1 request waiting (¥30,000).
    """
    today = local_today()
    staff = create_user("staff", name="王晓燕", email="hub-staff@example.org")
    finance = create_user("finance", name="财务科", email="hub-finance@example.org")
    call = create_call(title="2027年度社区治理公益创投", status="decided",
                       review_deadline=now_utc() + timedelta(days=3))
    org = create_org(name="嘉兴市乐龄社工服务中心")
    applicant = create_applicant(org, email="hub-applicant@example.org", name="李娜")
    create_proposal(call, org, status="draft", title="草稿项目")
    for i in range(2):
        create_proposal(call, status="submitted", title=f"待审项目{i}")
    create_proposal(call, status="screened_out", title="未通过项目")
    screened = [create_proposal(call, status="screened_in", title=f"评审项目{i}") for i in range(2)]
    reviewer = create_reviewer(name="赵专家", email="hub-reviewer@example.org")
    other = create_reviewer(name="钱专家")
    for p in screened:
        create_assignment(p, reviewer, status="cleared")
        create_assignment(p, other, status="assigned" if p is screened[0] else "cleared")
    create_assignment(screened[0], create_reviewer(), status="removed")
    create_review(screened[1], other, total=80)
    create_review(screened[1], reviewer, total=70, status="draft")
    first = create_active_contract("80000.00", call=call, org=org)
    second = create_active_contract("60000.00", call=call)
    for contract in (first, second):
        contract.announcement_due_on = today
    award = create_award(call=call, amount="40000.00")
    db.session.add(Contract(award_id=award.id, call_id=call.id, organisation_id=award.organisation_id,
                            number="TEST-HUB-0001", status="generated", amount=Decimal("40000.00")))
    create_award(call=call, amount="50000.00", status="in_notice")
    db.session.commit()
    paid = request_first(first, staff)
    paid.status, paid.paid_on, paid.paid_at, paid.payment_reference = "paid", today, now_utc(), "BANK-1"
    db.session.commit()
    request_first(second, staff)
    _report(first, 1, today - timedelta(days=5), "draft")
    _report(first, 2, today + timedelta(days=3), "draft")
    _report(second, 1, today - timedelta(days=20), "submitted")
    _report(second, 2, today - timedelta(days=40), "accepted")
    create_org(name="待核验社会组织", status="pending")
    return World(call=call, staff=staff, finance=finance, reviewer=reviewer, applicant=applicant,
                 contracts=[first, second])


def disbursement_count() -> int:
    return db.session.query(Disbursement).count()
