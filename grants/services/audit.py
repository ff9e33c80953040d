from __future__ import annotations

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
