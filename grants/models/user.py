from __future__ import annotations

import secrets
from datetime import datetime

from flask import current_app, has_app_context
from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from grants.extensions import db
from grants.models.types import UTCDateTime, utcnow

APPLICANT = "applicant"
REVIEWER = "reviewer"
STAFF = "staff"
FINANCE = "finance"
FINANCE_SENIOR = "finance_senior"
ADMIN = "admin"
EVALUATOR = "evaluator"  # a third-party evaluation agency's user (第三方评估)
ROLES = (APPLICANT, REVIEWER, STAFF, FINANCE, FINANCE_SENIOR, ADMIN, EVALUATOR)


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(30))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    locale: Mapped[str | None] = mapped_column(String(10))
    # Rotated at every login and password change; part of the login session id, so an old
    # session cookie stops working once it changes.
    session_token: Mapped[str] = mapped_column(String(64), default=lambda: secrets.token_hex(16))
    # Affiliation of reviewers (an organisation name or USCC), used for conflict checks.
    affiliation: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The privacy notice (隐私声明) the user accepted, and when (at registration or on joining).
    privacy_accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    privacy_version: Mapped[str | None] = mapped_column(String(20))

    role_rows: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )
    memberships: Mapped[list[Membership]] = relationship(  # noqa: F821
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    # -- roles ---------------------------------------------------------------
    @property
    def roles(self) -> set[str]:
        return {r.role for r in self.role_rows}

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    def set_roles(self, roles) -> None:
        wanted = set(roles)
        unknown = wanted - set(ROLES)
        if unknown:
            raise ValueError(f"unknown roles {unknown}")
        self.role_rows[:] = [r for r in self.role_rows if r.role in wanted]
        for role in sorted(wanted - self.roles):
            self.role_rows.append(UserRole(role=role))

    # -- passwords and sessions -------------------------------------------------
    def set_password(self, password: str) -> None:
        method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt") if has_app_context() else "scrypt"
        self.password_hash = generate_password_hash(password, method=method)
        self.rotate_session()

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def rotate_session(self) -> None:
        self.session_token = secrets.token_hex(16)

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return bool(self.active)

    # -- organisations -------------------------------------------------------
    @property
    def organisation_ids(self) -> set[int]:
        return {m.organisation_id for m in self.memberships}

    @property
    def organisation(self):
        """The applicant's organisation (first membership), or None."""
        return self.memberships[0].organisation if self.memberships else None

    def __repr__(self) -> str:
        return f"<User {self.email}>"


class UserRole(db.Model):
    __tablename__ = "user_roles"
    __table_args__ = (
        CheckConstraint("role IN (" + ",".join(f"'{r}'" for r in ROLES) + ")", name="role_known"),
    )

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(20), primary_key=True)

    user: Mapped[User] = relationship(back_populates="role_rows")
