"""Signed, expiring tokens for links sent by mail (password reset, invitations).

A token is the payload plus its expiry, signed with SECRET_KEY and a salt per purpose (a reset
token is never accepted as an invitation). Nothing about the token is stored: whether it is
still unused is decided by what it is bound to (the password hash it was made for; the
invitation row still pending), so it dies once used.
"""
from __future__ import annotations

from datetime import timedelta

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from grants.timeutil import now_utc

INVALID, EXPIRED, USED = "invalid", "expired", "used"


class TokenError(Exception):
    """A token that cannot be used: `reason` is INVALID (tampered, wrong purpose), EXPIRED, or
    USED (what it was bound to has changed: used already, or cancelled)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _serializer(purpose: str) -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=f"grants.{purpose}")


def make(purpose: str, payload: dict, max_age: timedelta) -> str:
    expires = int((now_utc() + max_age).timestamp())
    return _serializer(purpose).dumps({**payload, "exp": expires})


def read(purpose: str, token: str) -> dict:
    """The payload of a token made for `purpose`, or TokenError."""
    try:
        data = _serializer(purpose).loads(token or "")
    except (BadSignature, ValueError, TypeError):
        raise TokenError(INVALID) from None
    if not isinstance(data, dict) or not isinstance(data.get("exp"), int):
        raise TokenError(INVALID)
    if now_utc().timestamp() >= data["exp"]:
        raise TokenError(EXPIRED)
    return data
