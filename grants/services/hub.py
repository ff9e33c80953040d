"""The staff hub of one call: every stage's counts and deadlines on one page, by aggregate SQL in
a fixed number of statements (proposals, reviews, awards, contracts, reports, money, notice)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import and_, case, exists, func, literal, select, union_all

from grants.extensions import db
from grants.models import (
    AwardNotice,
    Call,
    CallInvitation,
    Contract,
    Milestone,
    Proposal,
    Report,
    Review,
    ReviewAssignment,
)
from grants.models.award import Award
from grants.services.finance import totals_by_call
from grants.timeutil import local_today

# Proposals that have been through screening (passed or not, and everything after it).
SCREENED = ("screened_in", "screened_out", "recommended", "awarded", "not_funded")
# Assignments still expecting a review.
LIVE_ASSIGNMENTS = ("assigned", "cleared")
# Reports the organisation still has to submit.
UNSUBMITTED_REPORTS = ("draft", "returned")
DUE_SOON_DAYS = 14


@dataclass
class CallHub:
    call: Call
    proposals: dict[str, int] = field(default_factory=dict)   # by status, drafts included
    reviews: dict[str, int] = field(default_factory=dict)     # expected, done, outstanding
    awards: dict[str, int] = field(default_factory=dict)      # by status
    contracts: dict[str, int] = field(default_factory=dict)   # by status
    reports: dict[str, int] = field(default_factory=dict)     # to_review, due_soon, overdue, accepted
    money: dict[str, Decimal] = field(default_factory=dict)   # pool, awarded, paid, … (services.finance)
    notice: AwardNotice | None = None
    invited: int = 0                                           # organisations invited (定向邀请)
    next_report_due: date | None = None
    deadlines: list[tuple[str, datetime | date]] = field(default_factory=list)

    @property
    def submitted(self) -> int:
        return sum(n for s, n in self.proposals.items() if s != "draft")

    @property
    def to_screen(self) -> int:
        return self.proposals.get("submitted", 0)

    @property
    def screened(self) -> int:
        return sum(self.proposals.get(s, 0) for s in SCREENED)


def review_counts(call_ids: list[int]) -> dict[int, dict[str, int]]:
    """Per call: reviews expected (live assignments), done (submitted) and outstanding (a live
    assignment without a submitted review). One statement."""
    submitted = exists().where(Review.proposal_id == ReviewAssignment.proposal_id,
                               Review.reviewer_id == ReviewAssignment.reviewer_id, Review.status == "submitted")
    rows = db.session.execute(
        select(Proposal.call_id, func.count(ReviewAssignment.id),
               func.sum(case((submitted, 1), else_=0)))
        .join(Proposal, Proposal.id == ReviewAssignment.proposal_id)
        .where(Proposal.call_id.in_(call_ids), ReviewAssignment.status.in_(LIVE_ASSIGNMENTS))
        .group_by(Proposal.call_id)).all()
    out = {i: {"expected": 0, "done": 0, "outstanding": 0} for i in call_ids}
    for call_id, expected, done in rows:
        done = int(done or 0)
        out[call_id] = {"expected": int(expected), "done": done, "outstanding": int(expected) - done}
    return out


def report_counts(call_ids: list[int], today: date, soon_days: int = DUE_SOON_DAYS) -> dict[int, dict]:
    """Per call: reports submitted and waiting for review, reports due within `soon_days`, overdue
    reports (not submitted, due date passed) and the next due date. One statement."""
    open_report = Report.status.in_(UNSUBMITTED_REPORTS)
    rows = db.session.execute(
        select(Contract.call_id,
               func.sum(case((Report.status == "submitted", 1), else_=0)),
               func.sum(case((and_(open_report, Milestone.due_date >= today,
                                   Milestone.due_date <= today + timedelta(days=soon_days)), 1), else_=0)),
               func.sum(case((and_(open_report, Milestone.due_date < today), 1), else_=0)),
               func.sum(case((Report.status == "accepted", 1), else_=0)),
               func.min(case((and_(open_report, Milestone.due_date >= today), Milestone.due_date), else_=None)))
        .join(Milestone, Milestone.id == Report.milestone_id)
        .join(Contract, Contract.id == Report.contract_id)
        .where(Contract.call_id.in_(call_ids), Contract.status == "active")
        .group_by(Contract.call_id)).all()
    out = {i: {"to_review": 0, "due_soon": 0, "overdue": 0, "accepted": 0, "next_due": None} for i in call_ids}
    for call_id, to_review, due_soon, overdue, accepted, next_due in rows:
        if isinstance(next_due, str):  # SQLite returns MIN() of a date expression as text
            next_due = date.fromisoformat(next_due)
        out[call_id] = {"to_review": int(to_review or 0), "due_soon": int(due_soon or 0),
                        "overdue": int(overdue or 0), "accepted": int(accepted or 0), "next_due": next_due}
    return out


def _by_status(call_id: int, *models) -> tuple[list[dict[str, int]], int]:
    """Per model, the call's rows counted by status, and the organisations invited to the call:
    one UNION ALL statement."""
    parts = [select(literal(i).label("part"), m.status, func.count()).where(m.call_id == call_id)
             .group_by(m.status) for i, m in enumerate(models)]
    invited_part = len(models)
    parts.append(select(literal(invited_part).label("part"), literal("invited").label("status"), func.count())
                 .select_from(CallInvitation).where(CallInvitation.call_id == call_id))
    out: list[dict[str, int]] = [{} for _ in models]
    invited = 0
    for part, status, n in db.session.execute(union_all(*parts)).all():
        if part == invited_part:
            invited = int(n)
        else:
            out[part][status] = n
    return out, invited


def for_call(call: Call, today: date | None = None) -> CallHub:
    """Everything the hub shows about `call`, in seven statements whatever the call's size."""
    today = today or local_today()
    hub = CallHub(call=call)
    (hub.proposals, hub.awards, hub.contracts), hub.invited = _by_status(call.id, Proposal, Award, Contract)
    hub.reviews = review_counts([call.id])[call.id]
    reports = report_counts([call.id], today)[call.id]
    hub.next_report_due = reports.pop("next_due")
    hub.reports = reports
    hub.money = totals_by_call([call.id])[call.id]
    hub.notice = db.session.scalar(select(AwardNotice).where(AwardNotice.call_id == call.id))
    hub.deadlines = [(key, when) for key, when in (
        ("opens", call.opens_at), ("closes", call.closes_at), ("review", call.review_deadline),
        ("notice_ends", hub.notice.ends_on if hub.notice else None), ("next_report", hub.next_report_due),
    ) if when is not None]
    return hub
