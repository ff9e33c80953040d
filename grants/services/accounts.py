"""Users, roles and logins."""
from __future__ import annotations

import hashlib
from datetime import timedelta
from types import SimpleNamespace

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from grants.extensions import db
from grants.models import User
from grants.services import ServiceError, atomic, lock, outbox, tokens
from grants.services.audit import record
from grants.timeutil import now_utc


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def find_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


def authenticate(email: str, password: str) -> User | None:
    """The user for these credentials, or None. Inactive users never authenticate."""
    user = find_by_email(email)
    if user is None or not user.check_password(password or ""):
        return None
    if not user.active:
        return None
    return user


def record_login(user: User) -> None:
    with atomic():
        user.rotate_session()
        user.last_login_at = now_utc()
        record(user, user, "user.login")


def end_session(user: User) -> None:
    """Logout: a new session token, so every copy of this session's cookie, and its remember
    cookie, stop working (they carry the old token)."""
    with atomic():
        user.rotate_session()


def log_out_everywhere(user: User) -> None:
    """End every session of the user, on every device, including the one asking."""
    with atomic():
        user.rotate_session()
        record(user, user, "user.logout_everywhere")


def create_user(actor, *, email, name, password, roles=(), phone=None, affiliation=None, locale=None) -> User:
    email = normalise_email(email)
    if find_by_email(email) is not None:
        raise ServiceError(_("A user with this email address already exists."),
                           {"email": [_("A user with this email address already exists.")]})
    with atomic():
        user = User(email=email, name=name.strip(), phone=phone, affiliation=affiliation, locale=locale)
        user.set_password(password)
        user.set_roles(roles)
        db.session.add(user)
        db.session.flush()
        record(actor, user, "user.create", data={"roles": sorted(user.roles)})
    return user


def update_user(actor, user: User, *, name, roles, affiliation=None, phone=None) -> None:
    """Change a user's name, roles, affiliation and phone; the audit event lists every field that
    changed with its old and new value (the affiliation feeds conflict-of-interest checks)."""
    with atomic():
        lock(user)
        before = {"name": user.name, "affiliation": user.affiliation, "phone": user.phone,
                  "roles": sorted(user.roles)}
        user.name = name.strip()
        user.affiliation = affiliation or None
        user.phone = phone or None
        user.set_roles(roles)
        after = {"name": user.name, "affiliation": user.affiliation, "phone": user.phone,
                 "roles": sorted(user.roles)}
        changes = {key: [before[key], after[key]] for key in before if before[key] != after[key]}
        record(actor, user, "user.update", data={"roles_before": before["roles"], "roles_after": after["roles"],
                                                 "changes": changes})


def set_active(actor, user: User, active: bool) -> None:
    if actor is not None and actor.id == user.id and not active:
        raise ServiceError(_("You cannot deactivate your own account."))
    with atomic():
        user.active = active
        user.rotate_session()  # ends the user's open sessions
        record(actor, user, "user.activate" if active else "user.deactivate")


def change_password(user: User, current: str, new: str) -> None:
    if not user.check_password(current):
        raise ServiceError(_("The current password is not correct."),
                           {"current": [_("The current password is not correct.")]})
    with atomic():
        user.set_password(new)
        record(user, user, "user.password_change")


def set_locale(user: User, locale: str) -> None:
    with atomic():
        user.locale = locale


# -- privacy notice and forgotten passwords ----------------------------------------------------
# The version of the privacy notice (templates/auth/privacy.html) people accept at registration;
# change it whenever the notice changes.
PRIVACY_VERSION = "2026-11-28"
RESET = "password-reset"


def accept_privacy(user: User) -> None:
    """Record that `user` accepted the current privacy notice (inside the caller's transaction)."""
    user.privacy_accepted_at = now_utc()
    user.privacy_version = PRIVACY_VERSION


def _password_fingerprint(password_hash: str) -> str:
    """What a reset token is bound to: once the password changes (the reset itself, or any
    other change) every link made before stops working, so each link works once."""
    return hashlib.sha256(("password-reset:" + password_hash).encode()).hexdigest()[:32]


def _reset_max_age() -> timedelta:
    return timedelta(minutes=current_app.config["PASSWORD_RESET_MAX_AGE_MINUTES"])


def reset_token(user: User) -> str:
    return tokens.make(RESET, {"u": user.id, "p": _password_fingerprint(user.password_hash)}, _reset_max_age())


def _reset_mail_context(user: User, *, by_admin: bool) -> dict:
    return {"token": reset_token(user), "minutes": current_app.config["PASSWORD_RESET_MAX_AGE_MINUTES"],
            "by_admin": by_admin}


# A stand-in account for unknown addresses: the same signing and mail rendering happen, so the
# answer (and, as far as practical, its timing) does not tell whether the address has an account.
_NOBODY_HASH = "scrypt:32768:8:1$nobody$" + "0" * 128


def request_password_reset(email: str) -> None:
    """Mail a reset link to the active account with this address; do the same work, and say
    nothing different, when there is none."""
    user = find_by_email(email)
    if user is None or not user.active:
        stand_in = SimpleNamespace(id=0, email=normalise_email(email), name="", locale=None, active=True)
        tokens.make(RESET, {"u": 0, "p": _password_fingerprint(_NOBODY_HASH)}, _reset_max_age())
        outbox.render(stand_in, "password_reset", token="-", minutes=0, by_admin=False)
        return
    with atomic():
        record(None, user, "user.password_reset_requested")
        outbox.queue(user, "password_reset", kind="user.password_reset_requested",
                     **_reset_mail_context(user, by_admin=False))


def send_password_reset(actor, user: User) -> None:
    """An administrator sends `user` a reset link (the same link as a forgotten-password request)."""
    if not user.active:
        raise ServiceError(_("This account is deactivated. Reactivate it before sending a password reset link."))
    with atomic():
        record(actor, user, "user.password_reset_sent")
        outbox.queue(user, "password_reset", kind="user.password_reset_sent",
                     **_reset_mail_context(user, by_admin=True))


def user_for_reset(token: str) -> User:
    """The user a reset link is for, or TokenError: tampered (INVALID), too old (EXPIRED), or
    already used / the password changed since / account deactivated (USED)."""
    data = tokens.read(RESET, token)
    user_id = data.get("u")
    user = db.session.get(User, user_id) if isinstance(user_id, int) and user_id > 0 else None
    if user is None:
        raise tokens.TokenError(tokens.INVALID)
    if not user.active or data.get("p") != _password_fingerprint(user.password_hash):
        raise tokens.TokenError(tokens.USED)
    return user


def reset_password(token: str, new: str) -> User:
    """Set a new password through a reset link. Every session of the user ends (the session
    token rotates with the password) and the link, like any older one, stops working."""
    with atomic():
        user = user_for_reset(token)
        lock(user)
        user_for_reset(token)  # again under the row lock: two uses of one link at once, one wins
        user.set_password(new)
        record(user, user, "user.password_reset")
    return user
