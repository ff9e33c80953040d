"""The department API (/api/v1/): tokens created by admins for other departments, and the log of
every call made with (or without) one."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.types import JSON

from grants.extensions import db
from grants.models.types import UTCDateTime, utcnow

READ_PUBLIC = "read:public"
READ_PRIVATE = "read:private"
# A scope and the scopes it includes.
IMPLIED_SCOPES = {READ_PRIVATE: {READ_PUBLIC}}


def implied_scopes(scopes) -> set[str]:
    out = set()
    for scope in scopes:
        out.add(scope)
        out |= IMPLIED_SCOPES.get(scope, set())
    return out


class ApiToken(db.Model):
    """A bearer token of one department (财政, 审计, 税务 …). Only the SHA-256 of the secret is
    stored; the secret itself is shown once, when the token is created. Revoked or expired
    tokens answer 401; nothing is deleted, so the call log keeps its meaning."""

    __tablename__ = "api_tokens"
    __table_args__ = (UniqueConstraint("token_hash", name="uq_api_tokens_token_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    department: Mapped[str] = mapped_column(String(100))
    scopes: Mapped[list] = mapped_column(JSON, default=list)
    token_hash: Mapped[str] = mapped_column(String(64))
    # The first characters of the secret, shown in lists so an admin can tell tokens apart.
    hint: Mapped[str] = mapped_column(String(12))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Written with a plain UPDATE on each call (no version counter: concurrent calls must not clash).
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])  # noqa: F821

    def has_scope(self, scope: str) -> bool:
        return scope in implied_scopes(self.scopes or [])

    def state(self, now: datetime) -> str:
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at <= now:
            return "expired"
        return "active"


class ApiCall(db.Model):
    """One request to /api/v1/: which token (none when it was missing or unknown), when, what,
    the answer's status and the client's address. Append-only."""

    __tablename__ = "api_calls"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_id: Mapped[int | None] = mapped_column(ForeignKey("api_tokens.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    method: Mapped[str] = mapped_column(String(10))
    path: Mapped[str] = mapped_column(String(500))
    status: Mapped[int] = mapped_column(Integer)
    remote_addr: Mapped[str | None] = mapped_column(String(64))

    token: Mapped[ApiToken | None] = relationship()
