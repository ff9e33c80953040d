"""Mail outbox: queue in the caller's transaction, deliver later over SMTP with retries."""
from __future__ import annotations

import smtplib
import ssl
from datetime import timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from types import SimpleNamespace

from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy import select

from grants.extensions import db
from grants.models import OutboxMessage, User
from grants.models.audit import OUTBOX_FAILED, OUTBOX_QUEUED, OUTBOX_SENT
from grants.timeutil import now_utc


def queue(recipient: User, template: str, *, kind: str = "notice", **context) -> OutboxMessage | None:
    """Render templates/mail/<template>.txt in the recipient's language and queue it.

    The template's first line is the subject. Inactive users get no mail.
    """
    if recipient is None or not recipient.active or not recipient.email:
        return None
    subject, body = render(recipient, template, **context)
    message = OutboxMessage(
        recipient_id=recipient.id,
        to_address=recipient.email,
        subject=subject,
        body=body,
        kind=kind,
    )
    db.session.add(message)
    return message


def queue_to_address(address: str, template: str, *, kind: str, name: str = "", locale: str | None = None,
                     **context) -> OutboxMessage:
    """Queue mail to someone who has no account yet (an invitation): `recipient` in the template
    has only `email`, `name` and `locale`."""
    recipient = SimpleNamespace(id=None, email=address, name=name, locale=locale, active=True)
    subject, body = render(recipient, template, **context)
    message = OutboxMessage(recipient_id=None, to_address=address, subject=subject, body=body, kind=kind)
    db.session.add(message)
    return message


def render(recipient, template: str, **context) -> tuple[str, str]:
    """The subject and body of templates/mail/<template>.txt for `recipient`, in their language."""
    locale = recipient.locale or current_app.config["BABEL_DEFAULT_LOCALE"]
    # Links in mail always point at BASE_URL: rendered in a request context of its own, never
    # with the host of the request that caused the mail (a forged Host header must not become
    # the link a user clicks), and the same from a command (no request at all).
    with current_app.test_request_context(base_url=current_app.config["BASE_URL"]), force_locale(locale):
        text = render_template(f"mail/{template}.txt", recipient=recipient, **context)
    subject, _, body = text.strip().partition("\n")
    return subject.strip()[:300], body.strip() + "\n"


def queue_many(recipients, template: str, **kwargs) -> list[OutboxMessage]:
    seen, out = set(), []
    for user in recipients:
        if user is None or user.id in seen:
            continue
        seen.add(user.id)
        msg = queue(user, template, **kwargs)
        if msg is not None:
            out.append(msg)
    return out


def _connect():
    cfg = current_app.config
    timeout = cfg["MAIL_TIMEOUT"]
    if cfg["MAIL_USE_SSL"]:
        smtp = smtplib.SMTP_SSL(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=timeout,
                                context=ssl.create_default_context())
    else:
        smtp = smtplib.SMTP(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=timeout)
        if cfg["MAIL_USE_TLS"]:
            smtp.starttls(context=ssl.create_default_context())
    if cfg["MAIL_USERNAME"]:
        smtp.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"] or "")
    return smtp


def _as_email(message: OutboxMessage) -> EmailMessage:
    email = EmailMessage()
    email["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    email["To"] = message.to_address
    email["Subject"] = message.subject
    email["Date"] = formatdate(localtime=False)
    email["Message-ID"] = make_msgid(domain="grants.local")
    email.set_content(message.body)
    return email


def _claim_next(now):
    """The next due message, locked for this run (PostgreSQL: rows another run holds are skipped,
    so two cron runs at once never send the same message)."""
    return db.session.scalar(
        select(OutboxMessage)
        .where(OutboxMessage.status == OUTBOX_QUEUED, OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )


def deliver(limit: int = 200) -> dict:
    """Send due messages, one claimed (locked) and committed at a time. Each failure is counted;
    after OUTBOX_MAX_ATTEMPTS a message is marked failed, before that it waits
    OUTBOX_BACKOFF_SECONDS × 2^(attempts-1). Returns counts {'sent': n, 'retry': n, 'failed': n}.
    """
    cfg = current_app.config
    now = now_utc()
    counts = {"sent": 0, "retry": 0, "failed": 0}
    smtp = None
    connect_error = None
    connected = False
    try:
        for _ in range(limit):
            message = _claim_next(now)
            if message is None:
                break
            if not connected:
                connected = True
                try:
                    smtp = _connect()
                except (OSError, smtplib.SMTPException) as exc:
                    connect_error = exc
            error = connect_error
            if smtp is not None:
                try:
                    smtp.send_message(_as_email(message))
                except (OSError, smtplib.SMTPException) as exc:
                    error = exc
            message.attempts += 1
            if error is None:
                message.status = OUTBOX_SENT
                message.sent_at = now_utc()
                message.last_error = None
                counts["sent"] += 1
            else:
                message.last_error = f"{type(error).__name__}: {error}"[:1000]
                if message.attempts >= cfg["OUTBOX_MAX_ATTEMPTS"]:
                    message.status = OUTBOX_FAILED
                    counts["failed"] += 1
                else:
                    delay = cfg["OUTBOX_BACKOFF_SECONDS"] * 2 ** (message.attempts - 1)
                    message.next_attempt_at = now_utc() + timedelta(seconds=delay)
                    counts["retry"] += 1
            # One commit per message: a crash half-way never resends what was sent.
            db.session.commit()
    finally:
        if smtp is not None:
            try:
                smtp.quit()
            except (OSError, smtplib.SMTPException):
                pass
    return counts
