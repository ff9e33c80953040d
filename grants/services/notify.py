"""One `notify()`: the audit event and the mail about it, written together.

Every state change a person should hear about goes through here, so the audit log and the
mail can never drift apart (one records what the other announces), and both land in the
caller's transaction: nothing is queued for a change that was rolled back. Mail text is
rendered in each recipient's language with links built from BASE_URL, never from the host
of the request that caused the change.
"""
from __future__ import annotations

from grants.services import outbox
from grants.services.audit import record


def notify(actor, obj, action: str, *, to=(), template: str | None = None, kind: str | None = None,
           from_status=None, to_status=None, note=None, data=None, context: dict | None = None):
    """Record `action` on `obj` by `actor` and queue `template` to each user in `to` (once each).

    Returns the audit event. `context` is passed to the mail template (besides `recipient`); it
    may be a function of the recipient returning the dict, when each recipient's mail differs.
    """
    event = record(actor, obj, action, from_status=from_status, to_status=to_status, note=note, data=data)
    if template:
        if callable(context):
            seen = set()
            for user in to:
                if user is None or user.id in seen:
                    continue
                seen.add(user.id)
                outbox.queue(user, template, kind=kind or action, **context(user))
        else:
            outbox.queue_many(to, template, kind=kind or action, **(context or {}))
    return event
