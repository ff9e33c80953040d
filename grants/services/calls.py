"""Calls for proposals: create, edit (frozen once open), state steps, and the clock.

Opening and closing from the clock (choice documented here): a cron job runs
`flask calls tick` (e.g. every minute). It opens every *draft call marked as scheduled* whose
`opens_at` has passed and closes every open call whose `closes_at` has passed. Staff may also
open or close a call by hand. Whether a call accepts proposals never depends on the cron job
running on time: `accepting_at(call, when)` checks the status AND the window, so a submission
one second after `closes_at` is refused even if the tick has not yet closed the call.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from grants.extensions import db
from grants.models import Call, Proposal, RubricCriterion, TrancheRule
from grants.models.call import CATEGORIES, TRANCHE_CONDITIONS
from grants.services import ServiceError, atomic, lock
from grants.services.audit import record
from grants.services.workflow import transition
from grants.timeutil import now_utc
from grants.workflows import CALL

# 需求分析20 / 项目设计25 / 执行能力20 / 预算合理性15 / 创新性10 / 可持续性10
DEFAULT_RUBRIC = (
    ("需求分析", "服务需求是否真实、具体，有调研数据支撑。", 20),
    ("项目设计", "目标、活动与指标是否清晰、可衡量、逻辑一致。", 25),
    ("执行能力", "团队、经验与管理制度能否保证项目实施。", 20),
    ("预算合理性", "预算是否细致、合理，与活动相匹配，配套资金落实。", 15),
    ("创新性", "服务方式或内容是否有创新，能否示范推广。", 10),
    ("可持续性", "项目结束后服务能否持续，资源能否整合。", 10),
)
DEFAULT_MAX_SCORE = 10

# Tranche presets: (percentage, condition, milestone number)
TRANCHE_PRESETS = {
    "50_30_20": ((50, "signing", None), (30, "milestone", 1), (20, "final", None)),
    "30_40_30": ((30, "signing", None), (40, "milestone", 1), (30, "final", None)),
}

# Fields that may still change once a call has opened; everything else is frozen.
# Editable after the call opens: its texts, and the review timetable (not a rule applicants rely on).
FREE_FIELDS = ("title", "description", "review_deadline", "show_scores_after_submit",
               "contact_name", "contact_phone", "contact_email")
CALL_FIELDS = (
    "title", "description", "categories", "budget_pool", "per_project_cap", "min_matching_share",
    "max_personnel_share", "max_proposals_per_org", "term_min_months", "term_max_months", "opens_at",
    "closes_at", "allow_resubmit", "min_grade", "min_years_registered", "require_verified",
    "require_inspection_passed", "exclude_blacklisted", "districts", "reviewers_per_proposal",
    "blind_review", "notice_working_days", "review_deadline", "show_scores_after_submit",
    "contact_name", "contact_phone", "contact_email",
)
# Form field that shows the message for a model field (dates are entered as day + time).
FIELD_FOR = {"opens_at": "opens_on", "closes_at": "closes_on"}

FROZEN_MESSAGE = _l("This call is already open: the rubric, amounts, eligibility rules, dates and tranche plan "
                    "are frozen and can no longer be changed. Only the title and description can be edited.")


@dataclass
class CriterionRow:
    name: str
    description: str
    weight: int
    max_score: int

    def key(self):
        return (self.name, self.description or "", int(self.weight), int(self.max_score))


@dataclass
class TrancheRow:
    percentage: int
    condition: str
    milestone_number: int | None = None

    def key(self):
        return (int(self.percentage), self.condition,
                self.milestone_number if self.condition == "milestone" else None)


def default_rubric() -> list[CriterionRow]:
    return [CriterionRow(n, d, w, DEFAULT_MAX_SCORE) for n, d, w in DEFAULT_RUBRIC]


def preset_tranches(name: str) -> list[TrancheRow]:
    return [TrancheRow(p, c, m) for p, c, m in TRANCHE_PRESETS[name]]


# -- validation ----------------------------------------------------------------------------
def _review_deadline_errors(deadline, closes_at) -> dict:
    if deadline is not None and closes_at is not None and deadline <= closes_at:
        return {"review_deadline_on": [_("The review deadline must come after the call closes.")]}
    return {}


def _validate(data: dict, criteria: list[CriterionRow], tranches: list[TrancheRow]) -> dict:
    errors: dict[str, list] = dict(_review_deadline_errors(data.get("review_deadline"), data.get("closes_at")))

    def add(field, message):
        errors.setdefault(FIELD_FOR.get(field, field), []).append(message)

    pool, cap = data["budget_pool"], data["per_project_cap"]
    for key, value in (("budget_pool", pool), ("per_project_cap", cap)):
        if value is None:
            add(key, _("Enter an amount."))
    if pool is not None and pool <= 0:
        add("budget_pool", _("The budget pool must be more than zero."))
    if cap is not None and cap <= 0:
        add("per_project_cap", _("The per-project cap must be more than zero."))
    if pool is not None and cap is not None and cap > pool:
        add("per_project_cap", _("The per-project cap cannot be larger than the budget pool."))
    if data["term_min_months"] > data["term_max_months"]:
        add("term_max_months", _("The longest project term cannot be shorter than the shortest."))
    if data["closes_at"] <= data["opens_at"]:
        add("closes_at", _("The call must close after it opens."))
    unknown = [c for c in data.get("categories") or [] if c not in CATEGORIES]
    if unknown:
        add("categories", _("Choose categories from the list."))

    if not criteria:
        add("criteria", _("Add at least one rubric criterion."))
    else:
        total = sum(int(c.weight) for c in criteria)
        if total != 100:
            add("criteria", _("The rubric weights add up to %(total)d; they must add up to 100.", total=total))
        names = [c.name for c in criteria]
        if len(set(names)) != len(names):
            add("criteria", _("Two rubric criteria have the same name."))
    if not tranches:
        add("tranches", _("Add at least one tranche."))
    else:
        total = sum(int(t.percentage) for t in tranches)
        if total != 100:
            add("tranches", _("The tranche percentages add up to %(total)d; they must add up to 100.", total=total))
        for t in tranches:
            if t.condition not in TRANCHE_CONDITIONS:
                add("tranches", _("Choose a release condition for every tranche."))
            elif t.condition == "milestone" and not t.milestone_number:
                add("tranches", _("Give the milestone number for a tranche released on a milestone."))
        if tranches and tranches[-1].condition != "final":
            add("tranches", _("The last tranche is released on passing the final evaluation."))
    return errors


def _apply(call: Call, data: dict, criteria, tranches) -> None:
    for key in CALL_FIELDS:
        if key in data:
            setattr(call, key, data[key])
    if call.id is not None:
        # Delete the old rows first: (call_id, position) is unique.
        call.criteria.clear()
        call.tranches.clear()
        db.session.flush()
    call.criteria = [
        RubricCriterion(position=i, name=c.name, description=c.description or "", weight=int(c.weight),
                        max_score=int(c.max_score))
        for i, c in enumerate(criteria)
    ]
    call.tranches = [
        TrancheRule(position=i, percentage=int(t.percentage), condition=t.condition,
                    milestone_number=t.milestone_number if t.condition == "milestone" else None)
        for i, t in enumerate(tranches)
    ]


def _plain(value):
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _snapshot(call: Call) -> dict:
    out = {}
    for key in CALL_FIELDS:
        out[key] = _plain(getattr(call, key))
    out["criteria"] = [[c.name, c.weight, c.max_score] for c in call.criteria]
    out["tranches"] = [[t.percentage, t.condition, t.milestone_number] for t in call.tranches]
    return out


def create_call(actor, data: dict, criteria: list[CriterionRow], tranches: list[TrancheRow]) -> Call:
    errors = _validate(data, criteria, tranches)
    if errors:
        raise ServiceError(_("Please correct the marked fields."), errors)
    with atomic():
        call = Call(status="draft", created_by_id=actor.id if actor else None)
        _apply(call, data, criteria, tranches)
        db.session.add(call)
        db.session.flush()
        record(actor, call, "call.create", data=_snapshot(call))
    return call


def _same(a, b) -> bool:
    if isinstance(a, list) or isinstance(b, list):
        return sorted(a or []) == sorted(b or [])
    return a == b


def frozen_changes(call: Call, data: dict, criteria, tranches) -> list[str]:
    """Names of frozen things this edit would change (empty while the call is a draft)."""
    changed = [k for k in CALL_FIELDS if k not in FREE_FIELDS and k in data and not _same(getattr(call, k), data[k])]
    if [c.key() for c in criteria] != [(c.name, c.description or "", c.weight, c.max_score) for c in call.criteria]:
        changed.append("criteria")
    if [t.key() for t in tranches] != [(t.percentage, t.condition, t.milestone_number) for t in call.tranches]:
        changed.append("tranches")
    return changed


def update_call(actor, call: Call, data: dict, criteria: list[CriterionRow], tranches: list[TrancheRow]) -> None:
    """Edit a call. A draft changes freely; once open only the title and description change."""
    if call.status != "draft":
        changed = frozen_changes(call, data, criteria, tranches)
        if changed:
            message = str(FROZEN_MESSAGE)
            raise ServiceError(message, {FIELD_FOR.get(k, k): [message] for k in changed})
        with atomic():
            lock(call)
            errors = _review_deadline_errors(data.get("review_deadline"), call.closes_at)
            if errors:
                raise ServiceError(_("Please correct the marked fields."), errors)
            before = {k: _plain(getattr(call, k)) for k in FREE_FIELDS}
            for key in FREE_FIELDS:
                if key in data:
                    setattr(call, key, data[key])
            record(actor, call, "call.update",
                   data={"before": before, "after": {k: _plain(getattr(call, k)) for k in FREE_FIELDS}})
        return
    errors = _validate(data, criteria, tranches)
    if errors:
        raise ServiceError(_("Please correct the marked fields."), errors)
    with atomic():
        lock(call)
        if call.status != "draft":
            raise ServiceError(str(FROZEN_MESSAGE))
        before = _snapshot(call)
        _apply(call, data, criteria, tranches)
        db.session.flush()
        record(actor, call, "call.update", data={"before": before, "after": _snapshot(call)})


# -- states --------------------------------------------------------------------------------
def _check_complete(call: Call) -> None:
    errors = _validate({k: getattr(call, k) for k in CALL_FIELDS},
                       [CriterionRow(c.name, c.description, c.weight, c.max_score) for c in call.criteria],
                       [TrancheRow(t.percentage, t.condition, t.milestone_number) for t in call.tranches])
    if errors:
        raise ServiceError(_("This call cannot open yet: %(problems)s",
                             problems=" ".join(str(m) for ms in errors.values() for m in ms)))


def open_call(actor, call: Call, now: datetime | None = None) -> None:
    """Publish a call (draft → open). It accepts proposals between its opening and closing times."""
    now = now or now_utc()
    if call.status == "draft":
        _check_complete(call)
        if call.closes_at <= now:
            raise ServiceError(_("The closing time has already passed: change the dates before opening the call."))
    with atomic():
        transition(CALL, call, "open", actor, now=now)
        call.scheduled = False


def close_call(actor, call: Call) -> None:
    with atomic():
        transition(CALL, call, "closed", actor)


def decide_call(actor, call: Call) -> None:
    with atomic():
        transition(CALL, call, "decided", actor)


def archive_call(actor, call: Call) -> None:
    with atomic():
        transition(CALL, call, "archived", actor)


STEPS = {"open": open_call, "closed": close_call, "decided": decide_call, "archived": archive_call}


def take_step(actor, call: Call, target: str) -> None:
    step = STEPS.get(target)
    if step is None:
        raise ServiceError(_("Unknown step."))
    step(actor, call)


def set_scheduled(actor, call: Call, scheduled: bool, now: datetime | None = None) -> None:
    """Mark a draft to be opened by the clock at its opening time (or take the mark away)."""
    now = now or now_utc()
    if call.status != "draft":
        raise ServiceError(_("Only a draft call can be scheduled."))
    if scheduled:
        _check_complete(call)
        if call.closes_at <= now:
            raise ServiceError(_("The closing time has already passed: change the dates before opening the call."))
    with atomic():
        lock(call)
        if call.status != "draft":
            raise ServiceError(_("Only a draft call can be scheduled."))
        call.scheduled = scheduled
        record(actor, call, "call.schedule" if scheduled else "call.unschedule",
               data={"opens_at": call.opens_at.isoformat()})


def tick(now: datetime | None = None) -> dict:
    """Apply the clock: open scheduled drafts whose time has come, close calls past their end.

    Run from cron (`flask calls tick`). Returns {'opened': [ids], 'closed': [ids]}.
    """
    now = now or now_utc()
    opened, closed = [], []
    due = db.session.scalars(select(Call).where(Call.status == "draft", Call.scheduled.is_(True),
                                                Call.opens_at <= now).order_by(Call.id)).all()
    for call in due:
        try:
            with atomic():
                lock(call)
                if not (call.status == "draft" and call.scheduled):
                    continue  # another tick or a person got there first
                call.scheduled = False
                if call.closes_at > now:
                    transition(CALL, call, "open", None, note="clock")
                    opened.append(call.id)
                else:
                    record(None, call, "call.unschedule", note="clock",
                           data={"opens_at": call.opens_at.isoformat(), "reason": "closes_at passed"})
        except ServiceError:
            continue
    ending = db.session.scalars(select(Call).where(Call.status == "open", Call.closes_at < now)
                                .order_by(Call.id)).all()
    for call in ending:
        try:
            with atomic():
                transition(CALL, call, "closed", None, note="clock")
                closed.append(call.id)
        except ServiceError:
            continue  # closed meanwhile by a person or another tick
    return {"opened": opened, "closed": closed}


def accepting_at(call: Call, when_utc: datetime) -> bool:
    """Is this call accepting proposals at this instant (an aware datetime)?

    True iff the call is open and opens_at <= when <= closes_at. closes_at is inclusive to the
    second: a call closing on 2026-03-31 (23:59:59 Asia/Shanghai) accepts at 23:59:59 and
    refuses at 00:00:00 the next day.
    """
    if when_utc.tzinfo is None:
        raise ValueError("accepting_at needs an aware datetime")
    return call.status == "open" and call.opens_at <= when_utc <= call.closes_at


# -- queries ------------------------------------------------------------------------------
def proposal_counts(call: Call) -> dict[str, int]:
    rows = db.session.execute(
        select(Proposal.status, func.count()).where(Proposal.call_id == call.id).group_by(Proposal.status)
    ).all()
    return {status: n for status, n in rows}


def open_calls(limit: int | None = None):
    stmt = select(Call).where(Call.status == "open").order_by(Call.closes_at, Call.id)
    if limit:
        stmt = stmt.limit(limit)
    return db.session.scalars(stmt).all()
