"""Apply a workflow step: lock, re-check, move, audit (and mail) — in the caller's transaction."""
from __future__ import annotations

from datetime import datetime

from grants.services import ServiceError, lock
from grants.services.notify import notify
from grants.workflows import Workflow


def can_take(workflow: Workflow, obj, target: str, actor, now: datetime | None = None) -> bool:
    return workflow.allows(obj, target, actor, now)


def transition(workflow: Workflow, obj, target: str, actor, *, note=None, data=None, now: datetime | None = None,
               to=(), template: str | None = None, context=None, kind: str | None = None):
    """Take the step `obj.status → target` for `actor`, or raise ServiceError with the reason.

    The row is locked and re-read first (`lock`), so two people taking a step on the same object
    at once cannot both succeed: the second sees the status the first committed and is refused
    with the workflow's message. Writes the audit event, and queues `template` to `to` through
    `notify()`. Does not commit: the calling service's `atomic()` block does.
    """
    lock(obj)
    reason = workflow.refusal(obj, target, actor, now)
    if reason is not None:
        raise ServiceError(reason)
    source = obj.status
    step = workflow.find(source, target)
    obj.status = target
    return notify(actor, obj, f"{workflow.name}.{step.action}", from_status=source, to_status=target,
                  note=note, data=data, to=to, template=template, context=context, kind=kind)
