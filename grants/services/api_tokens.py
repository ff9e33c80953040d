"""Department API tokens: created by admins (the secret shown once, only its SHA-256 stored),
revoked, checked on every API call, and the log of calls.

Scopes:
- `read:public`: what the public pages and open data publish (calls, published awards,
  announced contracts, paid disbursements, organisations' public records);
- `read:private`: also the grantees' bank accounts and payment references (audit and finance
  departments); it includes `read:public`.
No scope shows reviewers' identities or individual scores: the API has no field for them.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import date, datetime

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.orm import joinedload

from grants.extensions import db
from grants.models import ApiCall, ApiToken
from grants.models.api import READ_PRIVATE, READ_PUBLIC
from grants.services import ServiceError, atomic, lock
from grants.services import audit as audit_service
from grants.timeutil import end_of_local_day, local_today, now_utc

SCOPES = {
    READ_PUBLIC: _l("Public records (calls, awards, contracts, payments, organisations)"),
    READ_PRIVATE: _l("Also private fields: grantees' bank accounts and payment references"),
}
TOKEN_PREFIX = "gapi_"


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create(actor, *, name: str, department: str, scopes, expires_on: date) -> tuple[ApiToken, str]:
    """A new token; returns it with its secret, which is never stored and never shown again."""
    name, department = (name or "").strip(), (department or "").strip()
    scopes = sorted({s for s in (scopes or []) if s in SCOPES})
    errors: dict[str, list] = {}
    if not name:
        errors["name"] = [_("Give the token a name.")]
    if not department:
        errors["department"] = [_("Name the department that will use the token.")]
    if not scopes:
        errors["scopes"] = [_("Choose at least one scope.")]
    today = local_today()
    longest = int(current_app.config["API_TOKEN_MAX_DAYS"])
    if expires_on is None or expires_on < today:
        errors["expires_on"] = [_("The expiry date must be today or later.")]
    elif (expires_on - today).days > longest:
        errors["expires_on"] = [_("A token may live at most %(days)s days.", days=longest)]
    if errors:
        raise ServiceError(_("The token was not created."), errors)
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with atomic():
        token = ApiToken(name=name, department=department, scopes=scopes, token_hash=hash_secret(secret),
                         hint=secret[:len(TOKEN_PREFIX) + 4], expires_at=end_of_local_day(expires_on),
                         created_by_id=actor.id)
        db.session.add(token)
        audit_service.record(actor, token, "api_token.create",
                             data={"name": name, "department": department, "scopes": scopes,
                                   "expires_on": expires_on.isoformat()})
    return token, secret


def revoke(actor, token: ApiToken) -> None:
    with atomic():
        lock(token)
        if token.revoked_at is not None:
            raise ServiceError(_("This token was already revoked."))
        token.revoked_at = now_utc()
        token.revoked_by_id = actor.id
        audit_service.record(actor, token, "api_token.revoke", data={"name": token.name,
                                                                     "department": token.department})


def authenticate(header: str | None, now: datetime) -> tuple[ApiToken | None, str | None]:
    """The token named by an `Authorization: Bearer …` header, and why it is refused (or None).

    An unknown, revoked or expired token is refused alike in kind (401), each with its reason."""
    scheme, _sep, secret = (header or "").strip().partition(" ")
    secret = secret.strip()
    if scheme.lower() != "bearer" or not secret:
        return None, _("Send a department API token: Authorization: Bearer <token>.")
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_secret(secret)))
    if token is None:
        return None, _("This API token is not known.")
    state = token.state(now)
    if state == "revoked":
        return token, _("This API token was revoked.")
    if state == "expired":
        return token, _("This API token has expired.")
    return token, None


def log_call(token_id: int | None, *, method: str, path: str, status: int, remote_addr: str | None,
             now: datetime) -> None:
    """Record one API call (and the token's last use) in its own small transaction."""
    db.session.rollback()  # the API only reads: nothing of the request is pending
    db.session.add(ApiCall(token_id=token_id, at=now, method=method[:10], path=path[:500], status=status,
                           remote_addr=(remote_addr or "")[:64] or None))
    if token_id is not None and status < 400:
        db.session.execute(update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=now))
    db.session.commit()


def token_list():
    """Every token, newest first."""
    return select(ApiToken).order_by(ApiToken.id.desc())


def call_counts(tokens) -> dict[int, int]:
    """The number of calls made with each of `tokens` (one statement for a page of them)."""
    ids = [t.id for t in tokens]
    if not ids:
        return {}
    return dict(db.session.execute(select(ApiCall.token_id, func.count(ApiCall.id))
                                   .where(ApiCall.token_id.in_(ids)).group_by(ApiCall.token_id)).all())


def call_log(token_id: int | None = None):
    stmt = select(ApiCall).options(joinedload(ApiCall.token)).order_by(ApiCall.id.desc())
    if token_id is not None:
        stmt = stmt.where(ApiCall.token_id == token_id)
    return stmt
