from __future__ import annotations

from flask_babel import gettext as _

from grants.services import ServiceError
from grants.services.audit import record
from grants.workflows import SYSTEM, Workflow


def can_take(workflow: Workflow, obj, target: str, actor) -> bool:
    step = workflow.find(obj.status, target)
    if step is None:
        return False
    if actor is None:
        return SYSTEM in step.roles
    return actor.has_role(*step.roles)


def transition(workflow: Workflow, obj, target: str, actor, *, note=None, data=None):
    """Check the step against the workflow, apply it and write the audit event.

    Does not commit: the calling service commits once, so the change, its audit event and
    its outbox mail are one transaction.
    """
    source = obj.status
    step = workflow.find(source, target)
    if step is None:
        raise ServiceError(
            _("This step is not possible now: %(source)s → %(target)s.",
              source=workflow.label(source), target=workflow.label(target))
        )
    if not can_take(workflow, obj, target, actor):
        raise ServiceError(_("You are not allowed to take this step."))
    obj.status = target
    return record(actor, obj, f"{workflow.name}.{step.action}", from_status=source, to_status=target,
                  note=note, data=data)
