from __future__ import annotations

from dataclasses import dataclass

from grants.extensions import db
from grants.models import AuditEvent


def object_type(obj) -> str:
    return type(obj).__name__.lower()


def record(actor, obj, action: str, *, from_status=None, to_status=None, note=None, data=None) -> AuditEvent:
    """Add an audit event for `obj` to the current transaction (flushes to get ids)."""
    if obj.id is None:
        db.session.flush()
    event = AuditEvent(
        actor_id=actor.id if actor is not None else None,
        object_type=object_type(obj),
        object_id=obj.id,
        action=action,
        from_status=from_status,
        to_status=to_status,
        note=note or None,
        data=data,
    )
    db.session.add(event)
    return event


def history(obj) -> list[AuditEvent]:
    from sqlalchemy import select

    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.object_type == object_type(obj), AuditEvent.object_id == obj.id)
            .order_by(AuditEvent.at, AuditEvent.id)
        )
    )


# -- the audit log page ------------------------------------------------------------------------
# object_type -> (model, workflow name, the attribute naming it, endpoint, url argument)
_OBJECTS = {
    "user": ("User", None, "name", "admin.user_edit", "user_id"),
    "organisation": ("Organisation", "organisation", "name", "organisations.detail", "org_id"),
    "call": ("Call", "call", "title", "calls.detail", "call_id"),
    "proposal": ("Proposal", "proposal", "title", "proposals.detail", "proposal_id"),
    "review": ("Review", "review", None, None, None),
    "reviewassignment": ("ReviewAssignment", "assignment", None, None, None),
    "award": ("Award", "award", None, None, None),
    "objection": ("Objection", "objection", "reference", None, None),
    "contract": ("Contract", "contract", "number", "contracts.detail", "contract_id"),
    "disbursement": ("Disbursement", "disbursement", None, None, None),
    "tranche": ("Tranche", None, None, None, None),
    "milestone": ("Milestone", None, "title", None, None),
    "report": ("Report", "report", None, None, None),
    "evaluation": ("Evaluation", "evaluation", None, None, None),
    "annualdisclosure": ("AnnualDisclosure", "disclosure", None, None, None),
    "enforcementrecord": ("EnforcementRecord", None, None, None, None),
    "apitoken": ("ApiToken", None, "name", None, None),
}


def object_types() -> list[str]:
    return sorted(_OBJECTS)


def workflow_of(object_type: str) -> str | None:
    entry = _OBJECTS.get(object_type)
    return entry[1] if entry else None


def log_query(*, actor_id=None, object_type=None, action=None, since=None, until=None):
    """The audit log, newest first, filtered (dates are local days, inclusive)."""
    from sqlalchemy import select

    from grants.timeutil import end_of_local_day, start_of_local_day

    stmt = select(AuditEvent).order_by(AuditEvent.id.desc())
    if actor_id:
        stmt = stmt.where(AuditEvent.actor_id == actor_id)
    if object_type:
        stmt = stmt.where(AuditEvent.object_type == object_type)
    if action:
        stmt = stmt.where(AuditEvent.action == action)
    if since:
        stmt = stmt.where(AuditEvent.at >= start_of_local_day(since))
    if until:
        stmt = stmt.where(AuditEvent.at <= end_of_local_day(until))
    return stmt


@dataclass
class KeysetPage:
    """One page of the audit log: `items` newest first; `next_before` the keyset of the next
    (older) page, None on the last; `newer` whether this is not the first page."""
    items: list
    next_before: int | None
    newer: bool


AUDIT_PAGE_SIZE = 50


def log_page(*, before: int | None = None, per_page: int | None = None, **filters) -> KeysetPage:
    """A page of log_query(**filters) older than event `before` (the newest when None), with
    each actor's name: 1 statement (an index range scan on the primary key)."""
    from sqlalchemy.orm import joinedload

    from grants.models import User

    per_page = per_page or AUDIT_PAGE_SIZE
    actor = joinedload(AuditEvent.actor)
    stmt = log_query(**filters).options(actor.lazyload(User.role_rows), actor.lazyload(User.memberships))
    if before:
        stmt = stmt.where(AuditEvent.id < before)
    rows = list(db.session.scalars(stmt.limit(per_page + 1)))
    more = len(rows) > per_page
    rows = rows[:per_page]
    return KeysetPage(rows, rows[-1].id if more and rows else None, bool(before))


def actor_choices(selected: int | None = None) -> list[tuple[int, str]]:
    """The "Who" filter's people: staff-side accounts (a handful, not the city's thousands of
    applicants and reviewers), plus the one selected (any account, e.g. from a link)."""
    from sqlalchemy import or_, select

    from grants.models import User, UserRole

    staff_side = select(UserRole.user_id).where(UserRole.role.in_(("admin", "staff", "finance", "finance_senior")))
    condition = User.id.in_(staff_side)
    if selected:
        condition = or_(condition, User.id == selected)
    return [tuple(r) for r in db.session.execute(select(User.id, User.name).where(condition).order_by(User.name))]


def describe(events) -> dict:
    """(object_type, id) -> (readable name, (endpoint, args) or None) for the events of a page:
    one query per object type present, so a page costs the same whatever its length."""
    from sqlalchemy import select

    import grants.models as models

    wanted: dict[str, set] = {}
    for e in events:
        if e.object_type in _OBJECTS:
            wanted.setdefault(e.object_type, set()).add(e.object_id)
    out = {}
    for object_type, ids in wanted.items():
        model_name, _wf, attr, endpoint, arg = _OBJECTS[object_type]
        model = getattr(models, model_name)
        if attr is None:
            continue
        for ident, name in db.session.execute(select(model.id, getattr(model, attr)).where(model.id.in_(ids))):
            out[(object_type, ident)] = (name or f"#{ident}", (endpoint, {arg: ident}) if endpoint else None)
    return out
