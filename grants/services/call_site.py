"""What a call shows the public besides its rules: the time left to apply, and the guide and
template files staff attach to it (申报指南, 申报书模板…).

Attachments follow the one upload rule (`files.checked_upload`: PDF, JPEG, PNG, DOCX or XLSX,
at most 10 MB, type judged by the bytes) and are kept by content hash like every other file.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _

from grants.extensions import db
from grants.models import Call, CallAttachment
from grants.services import ServiceError, atomic, files, lock
from grants.services.audit import record
from grants.timeutil import now_utc

MAX_FILES_PER_CALL = 20
TITLE_MAX = 200


@dataclass(frozen=True)
class TimeLeft:
    """Whole days and hours left until a deadline (rounded down); `closed` once it has passed."""

    days: int
    hours: int
    closed: bool


def time_left(deadline: datetime, now: datetime | None = None) -> TimeLeft:
    now = now or now_utc()
    seconds = int((deadline - now).total_seconds())
    if seconds <= 0:
        return TimeLeft(0, 0, True)
    return TimeLeft(seconds // 86400, seconds % 86400 // 3600, False)


def call_time_left(call: Call, now: datetime | None = None) -> TimeLeft:
    """Time left to apply: closed once the call is no longer open or its closing time has passed."""
    if call.status != "open":
        return TimeLeft(0, 0, True)
    return time_left(call.closes_at, now)


def add_attachment(actor, call: Call, filename: str | None, data: bytes, title: str = "") -> CallAttachment:
    content_type = files.checked_upload(filename, data)
    title = (title or "").strip()
    if len(title) > TITLE_MAX:
        msg = _("At most %(n)d characters.", n=TITLE_MAX)
        raise ServiceError(msg, {"title": [msg]})
    with atomic():
        lock(call)
        if len(call.attachments) >= MAX_FILES_PER_CALL:
            msg = _("A call can have at most %(n)d files. Remove one first.", n=MAX_FILES_PER_CALL)
            raise ServiceError(msg, {"file": [msg]})
        stored = files.store(data, content_type)
        name = files.sanitise_name(filename, content_type)
        attachment = CallAttachment(call_id=call.id, title=title or name.rpartition(".")[0] or name,
                                    original_name=name, stored_file=stored, uploaded_by_id=actor.id)
        call.attachments.append(attachment)
        db.session.flush()
        record(actor, call, "call.attach", data={"attachment_id": attachment.id, "name": name,
                                                 "title": attachment.title, "sha256": stored.sha256})
    return attachment


def remove_attachment(actor, attachment: CallAttachment) -> None:
    call = attachment.call
    with atomic():
        lock(call)
        record(actor, call, "call.detach", data={"attachment_id": attachment.id, "name": attachment.original_name,
                                                 "title": attachment.title})
        stored_file_id = attachment.stored_file_id
        call.attachments.remove(attachment)
        db.session.flush()
        files.remove_if_unused(stored_file_id)
