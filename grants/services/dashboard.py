"""What the dashboard shows each user, loaded in a fixed number of queries. The view passes the
result to the template; templates receive data and never query.

Staff get a to-do list (what waits for them, with counts and deadlines) and charts; reviewers
their assignments with deadlines; applicants their proposals and the open calls they may still
apply to."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import case, func, select
from sqlalchemy.orm import selectinload

from grants import permissions
from grants.charts import Chart
from grants.extensions import db
from grants.labels import CATEGORY_LABELS
from grants.models import Award, AwardNotice, Call, Contract, Disbursement, Organisation, Proposal, User
from grants.money import quantize
from grants.services import hub, registry
from grants.services import proposals as proposal_service
from grants.services.proposals import SCREENING_STATUSES, timelines
from grants.timeutil import local_today, now_utc, to_local
from grants.workflows import DISBURSEMENT, PROPOSAL

LIMIT = 10
REVIEWS_DUE_SOON_DAYS = 7
CHART_MONTHS = 12
# Calls whose stages still need staff work.
LIVE_CALLS = ("open", "closed", "decided")


@dataclass
class Todo:
    """One line of a to-do list: what, how many, where to do it, by when."""

    key: str
    label: str
    count: int
    url: tuple[str, dict]          # (endpoint, url arguments)
    deadline: datetime | date | None = None
    urgent: bool = False


@dataclass
class OpenCall:
    call: Call
    existing: int          # proposals the organisation already has on it
    can_start: bool        # proposals.limit_reached says no more


@dataclass
class Dashboard:
    org: Organisation | None = None
    # (proposal, applicant-facing timeline), most recently changed first
    proposals: list[tuple[Proposal, list[dict]]] = field(default_factory=list)
    # (call, proposals waiting for screening), calls with submissions, latest closing first
    screening_calls: list[tuple[Call, int]] = field(default_factory=list)
    open_calls: list[OpenCall] = field(default_factory=list)
    # 定向邀请: the organisation's invitations to calls still open (services.registry)
    invitations: list = field(default_factory=list)
    staff_todo: list[Todo] = field(default_factory=list)
    finance_todo: list[Todo] = field(default_factory=list)
    reviewer_todo: list[Todo] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)


def my_proposals(org: Organisation, limit: int = LIMIT) -> list[tuple[Proposal, list[dict]]]:
    props = list(db.session.scalars(
        select(Proposal).where(Proposal.organisation_id == org.id).options(selectinload(Proposal.call))
        .order_by(Proposal.updated_at.desc(), Proposal.id.desc()).limit(limit)
    ))
    tl = timelines([p.id for p in props])
    return [(p, tl[p.id]) for p in props]


def screening_calls(limit: int = LIMIT) -> list[tuple[Call, int]]:
    """Calls that have received proposals, latest closing first, with how many wait for screening."""
    waiting = func.sum(case((Proposal.status == "submitted", 1), else_=0))
    rows = db.session.execute(
        select(Call, waiting).join(Proposal, Proposal.call_id == Call.id)
        .where(Proposal.status.in_(SCREENING_STATUSES))
        .group_by(Call.id).order_by(Call.closes_at.desc()).limit(limit)
    ).all()
    return [(call, int(n or 0)) for call, n in rows]


def open_calls_for(org: Organisation, now: datetime | None = None) -> list[OpenCall]:
    """Open calls, closing soonest first, each with whether `org` may still start a proposal on
    it (the same rule `proposals.start` applies). Two statements."""
    now = now or now_utc()
    calls = [c for c in db.session.scalars(select(Call).where(Call.status == "open").order_by(Call.closes_at, Call.id))
             if proposal_service._accepting(c, now)]
    counts = proposal_service.counts_by_call(org, [c.id for c in calls])
    return [OpenCall(c, counts[c.id], not proposal_service.limit_reached(c, counts[c.id])) for c in calls]


@dataclass
class LiveFacts:
    """What the staff to-do list, the finance to-do list and the charts share: the live calls
    (latest closing first) with their review and report counts, and the payment requests waiting
    per status, and the proposals waiting for screening per call. Four statements, asked once per
    dashboard."""
    calls: list[Call]
    to_screen: dict[int, int]
    reviews: dict[int, dict[str, int]]
    reports: dict[int, dict]
    payments_waiting: dict[str, int]


def live_facts(today: date | None = None) -> LiveFacts:
    today = today or local_today()
    submitted = (select(func.count()).where(Proposal.call_id == Call.id, Proposal.status == "submitted")
                 .correlate(Call).scalar_subquery())
    rows = db.session.execute(select(Call, submitted).where(Call.status.in_(LIVE_CALLS))
                              .order_by(Call.closes_at.desc(), Call.id.desc())).all()
    calls = [call for call, _n in rows]
    ids = [c.id for c in calls]
    waiting = dict(db.session.execute(
        select(Disbursement.status, func.count())
        .where(Disbursement.status.in_(("requested", "first_approved", "approved")))
        .group_by(Disbursement.status)).all())
    return LiveFacts(calls, {call.id: n or 0 for call, n in rows},
                     hub.review_counts(ids) if ids else {}, hub.report_counts(ids, today) if ids else {}, waiting)


def staff_todo(today: date | None = None, facts: LiveFacts | None = None) -> list[Todo]:
    """What waits for program staff, with counts and deadlines; empty items are left out."""
    today = today or local_today()
    facts = facts or live_facts(today)
    items: list[Todo] = []
    count = lambda model, *where: select(func.count()).select_from(model).where(*where).scalar_subquery()  # noqa: E731
    pending, generated, signed = db.session.execute(select(
        count(Organisation, Organisation.status == "pending"),
        count(Contract, Contract.status == "generated"),
        count(Contract, Contract.status == "signed_uploaded"))).one()
    if pending:
        items.append(Todo("organisations", _("Organisations to verify"), pending,
                          ("organisations.index", {"status": "pending"})))
    calls = facts.calls
    to_screen = facts.to_screen
    reviews = facts.reviews
    reports = facts.reports
    soon = now_utc() + timedelta(days=REVIEWS_DUE_SOON_DAYS)
    for call in calls:
        if to_screen.get(call.id):
            items.append(Todo(f"screen-{call.id}", _("Proposals to screen: %(call)s", call=call.title),
                              to_screen[call.id], ("proposals.screening", {"call_id": call.id, "status": "submitted"}),
                              call.closes_at))
        outstanding = reviews.get(call.id, {}).get("outstanding", 0)
        if outstanding:
            due_soon = call.review_deadline is not None and call.review_deadline <= soon
            items.append(Todo(f"reviews-{call.id}",
                              (_("Reviews due soon: %(call)s", call=call.title) if due_soon
                               else _("Reviews outstanding: %(call)s", call=call.title)),
                              outstanding, ("panel.assignments", {"call_id": call.id}), call.review_deadline,
                              urgent=due_soon))
    notices = db.session.execute(
        select(Award.call_id, func.count(), func.max(AwardNotice.ends_on))
        .outerjoin(AwardNotice, AwardNotice.call_id == Award.call_id)
        .where(Award.status == "in_notice").group_by(Award.call_id)).all()
    titles = {c.id: c.title for c in calls}
    for call_id, n, ends_on in notices:
        items.append(Todo(f"notice-{call_id}", _("Awards in public notice: %(call)s",
                                                 call=titles.get(call_id, "")), n,
                          ("awards.call", {"call_id": call_id}), _as_date(ends_on)))
    if signed:
        items.append(Todo("contracts-check", _("Signed contracts to check"), signed,
                          ("contracts.index", {}), urgent=True))
    if generated:
        items.append(Todo("contracts-sign", _("Contracts awaiting the organisation's signature"),
                          generated, ("contracts.index", {})))
    for call in calls:
        r = reports.get(call.id)
        if r and r["to_review"]:
            items.append(Todo(f"reports-review-{call.id}", _("Reports to review: %(call)s", call=call.title),
                              r["to_review"], ("reports.call", {"call_id": call.id})))
        if r and r["overdue"]:
            items.append(Todo(f"reports-overdue-{call.id}", _("Reports overdue: %(call)s", call=call.title),
                              r["overdue"], ("reports.call", {"call_id": call.id}), urgent=True))
    return items


def finance_todo(facts: LiveFacts | None = None) -> list[Todo]:
    """Payment requests waiting for finance: first approval, second approval, payment."""
    counts = (facts or live_facts()).payments_waiting
    items = []
    for status in ("requested", "first_approved", "approved"):
        if counts.get(status):
            items.append(Todo(f"disbursements-{status}", str(DISBURSEMENT.label(status)), counts[status],
                              ("finance.queue", {}), urgent=status == "approved"))
    return items


def reviewer_todo(reviewer: User) -> list[Todo]:
    """Per call: conflict declarations and reviews still to do, with the review deadline."""
    from grants.services import panel

    rows = panel.queue_for(reviewer)
    done = panel.submitted_proposal_ids(reviewer, [a.proposal_id for a in rows])
    per_call: dict[int, dict] = {}
    for a in rows:
        call = a.proposal.call
        entry = per_call.setdefault(call.id, {"call": call, "declare": 0, "score": 0})
        if a.status == "assigned":
            entry["declare"] += 1
        elif a.proposal_id not in done:
            entry["score"] += 1
    soon = now_utc() + timedelta(days=REVIEWS_DUE_SOON_DAYS)
    items = []
    for entry in per_call.values():
        call = entry["call"]
        urgent = call.review_deadline is not None and call.review_deadline <= soon
        if entry["declare"]:
            items.append(Todo(f"declare-{call.id}", _("Conflict declarations to make: %(call)s", call=call.title),
                              entry["declare"], ("panel.queue", {}), call.review_deadline, urgent))
        if entry["score"]:
            items.append(Todo(f"score-{call.id}", _("Proposals to review: %(call)s", call=call.title),
                              entry["score"], ("panel.queue", {}), call.review_deadline, urgent))
    return items


# -- charts ------------------------------------------------------------------------------------
def _as_date(value) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _months(today: date, n: int = CHART_MONTHS) -> list[str]:
    year, month = today.year, today.month
    out = []
    for _i in range(n):
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return list(reversed(out))


def staff_charts(today: date | None = None, facts: LiveFacts | None = None) -> list[Chart]:
    """Proposals by status and category, review progress per call, money by month, overdue
    reports per call and payment requests waiting for approval: four statements besides the
    shared facts."""
    today = today or local_today()
    facts = facts or live_facts(today)
    by_status: dict[str, int] = defaultdict(int)
    by_category: dict[str | None, int] = defaultdict(int)
    for status, category, n in db.session.execute(
            select(Proposal.status, Proposal.category, func.count()).where(Proposal.status != "draft")
            .group_by(Proposal.status, Proposal.category)).all():
        by_status[status] += n
        by_category[category] += n
    order = [s for s in PROPOSAL.statuses if s in by_status]
    charts = [Chart("status", _("Proposals by status"), [_("Proposals")],
                    [(str(PROPOSAL.label(s)), [by_status[s]]) for s in order], label_heading=_("Status"))]
    categories = sorted(by_category.items(), key=lambda kv: (-kv[1], kv[0] or ""))
    charts.append(Chart("category", _("Proposals by category"), [_("Proposals")],
                        [(str(CATEGORY_LABELS.get(c, c)) if c else _("(none)"), [n]) for c, n in categories],
                        label_heading=_("Category")))
    calls = facts.calls[:6]
    reviews = facts.reviews
    charts.append(Chart("reviews", _("Review progress"), [_("Done"), _("Outstanding")],
                        [(c.title, [reviews[c.id]["done"], reviews[c.id]["outstanding"]])
                         for c in calls if reviews[c.id]["expected"]], label_heading=_("Call")))
    charts.append(_money_chart(today))
    reports = facts.reports
    charts.append(Chart("overdue", _("Overdue reports"), [_("Overdue"), _("Due within 14 days")],
                        [(c.title, [reports[c.id]["overdue"], reports[c.id]["due_soon"]]) for c in calls
                         if reports[c.id]["overdue"] or reports[c.id]["due_soon"]], label_heading=_("Call")))
    pending = facts.payments_waiting
    charts.append(Chart("approvals", _("Payment requests waiting"), [_("Requests")],
                        [(str(DISBURSEMENT.label(s)), [pending.get(s, 0)])
                         for s in ("requested", "first_approved", "approved")], label_heading=_("Status")))
    return charts


def _money_chart(today: date) -> Chart:
    """Budget pools (by the month calls open), awards confirmed and money paid, by month over
    the last twelve months. Three statements, each summed in SQL by day."""
    months = _months(today)
    first = date.fromisoformat(months[0] + "-01")
    sums: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal("0")] * 3)
    for opens_at, pool in db.session.execute(
            select(Call.opens_at, Call.budget_pool).where(Call.status != "draft")).all():
        sums[to_local(opens_at).strftime("%Y-%m")][0] += pool
    confirmed = func.coalesce(Award.confirmed_at, Award.decided_at)
    for confirmed_at, amount in db.session.execute(
            select(confirmed, func.sum(Award.amount)).where(Award.status == "confirmed")
            .group_by(confirmed)).all():
        if confirmed_at is not None:
            sums[to_local(confirmed_at).strftime("%Y-%m")][1] += Decimal(amount or 0)
    for paid_on, amount in db.session.execute(
            select(Disbursement.paid_on, func.sum(Disbursement.amount))
            .where(Disbursement.status == "paid", Disbursement.paid_on >= first)
            .group_by(Disbursement.paid_on)).all():
        sums[_as_date(paid_on).strftime("%Y-%m")][2] += Decimal(amount or 0)
    rows = [(m, [quantize(v) for v in sums[m]]) for m in months if m in sums]
    return Chart("money", _("Money by month: pool, awarded, paid"), [_("Budget pool"), _("Awarded"), _("Paid")],
                 rows, money=True, label_heading=_("Month"))


def for_user(actor: User) -> Dashboard:
    """The sections `actor` may see: their organisation's proposals and open calls (applicants),
    to-do lists and charts (staff, finance) and assignments (reviewers)."""
    board = Dashboard()
    if permissions.is_applicant(actor):
        board.org = actor.organisation
    if board.org is not None:
        board.proposals = my_proposals(board.org)
        board.open_calls = open_calls_for(board.org)
        board.invitations = registry.invitations_for(board.org.id)
    if permissions.can_screen_proposals(actor):
        board.screening_calls = screening_calls()
    if permissions.is_staff(actor) or permissions.is_finance(actor):
        facts = live_facts()
        if permissions.is_staff(actor):
            board.staff_todo = staff_todo(facts=facts)
        board.finance_todo = finance_todo(facts)
        board.charts = staff_charts(facts=facts)
    if permissions.is_reviewer(actor):
        board.reviewer_todo = reviewer_todo(actor)
    return board
