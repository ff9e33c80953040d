"""Users, roles and logins."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select

from grants.extensions import db
from grants.models import User
from grants.services import ServiceError, atomic, lock
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
