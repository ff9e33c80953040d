from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grants.extensions import db
from grants.models.types import UTCDateTime, utcnow
from grants.workflows import ORGANISATION

ORG_TYPES = ("social_group", "social_service", "foundation")
ORG_PENDING, ORG_VERIFIED, ORG_REJECTED = "pending", "verified", "rejected"
GRADE_VALID_YEARS = 5


class Organisation(db.Model):
    """A social organisation (社会组织) that applies for grants."""

    __tablename__ = "organisations"
    __table_args__ = (
        CheckConstraint("org_type IN ('social_group','social_service','foundation')", name="org_type_known"),
        CheckConstraint(ORGANISATION.check_sql(), name="status_known"),
        CheckConstraint("grade BETWEEN 0 AND 5", name="grade_range"),
        CheckConstraint("length(uscc) = 18", name="uscc_length"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    short_name: Mapped[str | None] = mapped_column(String(50))  # 简称, e.g. 阳光社工 (masked in blind review)
    uscc: Mapped[str] = mapped_column(String(18), unique=True)
    org_type: Mapped[str] = mapped_column(String(20))
    registration_date: Mapped[date] = mapped_column(Date)
    address: Mapped[str] = mapped_column(String(300))
    district: Mapped[str | None] = mapped_column(String(50))
    legal_representative: Mapped[str] = mapped_column(String(100))
    contact_name: Mapped[str] = mapped_column(String(100))
    contact_phone: Mapped[str] = mapped_column(String(30))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    bank_name: Mapped[str | None] = mapped_column(String(200))
    bank_account: Mapped[str | None] = mapped_column(String(64))
    service_areas: Mapped[str | None] = mapped_column(Text)

    # Kept by staff only.
    status: Mapped[str] = mapped_column(String(20), default=ORG_PENDING)
    # Optimistic-lock counter (SQLAlchemy version_id_col): a write based on a stale read fails.
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}
    status_note: Mapped[str | None] = mapped_column(Text)
    grade: Mapped[int] = mapped_column(Integer, default=0)  # 0 = none, 1..5 = 1A..5A
    grade_assessed_on: Mapped[date | None] = mapped_column(Date)
    blacklisted: Mapped[bool] = mapped_column(Boolean, default=False)  # 严重违法失信名单
    blacklisted_on: Mapped[date | None] = mapped_column(Date)
    blacklist_note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The scan of the 登记证书 uploaded at registration; staff verify against it.
    certificate_file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_files.id"))
    certificate_name: Mapped[str | None] = mapped_column(String(200))

    certificate_file: Mapped[StoredFile | None] = relationship()  # noqa: F821
    memberships: Mapped[list[Membership]] = relationship(back_populates="organisation", cascade="all, delete-orphan")
    inspections: Mapped[list[AnnualInspection]] = relationship(
        back_populates="organisation", cascade="all, delete-orphan", order_by="AnnualInspection.year"
    )

    def effective_grade(self, on: date) -> int:
        """The 等级评估 grade in force on a date: a grade older than 5 years counts as none."""
        if not self.grade or not self.grade_assessed_on:
            return 0
        try:
            expires = self.grade_assessed_on.replace(year=self.grade_assessed_on.year + GRADE_VALID_YEARS)
        except ValueError:  # 29 February
            expires = self.grade_assessed_on.replace(year=self.grade_assessed_on.year + GRADE_VALID_YEARS, day=28)
        return self.grade if on < expires else 0

    def inspection_result(self, year: int) -> str | None:
        for row in self.inspections:
            if row.year == year:
                return row.result
        return None

    def __repr__(self) -> str:
        return f"<Organisation {self.uscc} {self.name}>"


class Membership(db.Model):
    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("user_id", "organisation_id", name="uq_memberships_user_org"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    # The organisation's own administrator (the person who registered it): may invite colleagues.
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(back_populates="memberships")  # noqa: F821
    organisation: Mapped[Organisation] = relationship(back_populates="memberships", lazy="joined")


class AnnualInspection(db.Model):
    """年检 result of an organisation for one year."""

    __tablename__ = "annual_inspections"
    __table_args__ = (
        UniqueConstraint("organisation_id", "year", name="uq_annual_inspections_org_year"),
        CheckConstraint("result IN ('passed','basic_pass','failed')", name="result_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    year: Mapped[int] = mapped_column(Integer)
    result: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)

    organisation: Mapped[Organisation] = relationship(back_populates="inspections")


class Invitation(db.Model):
    """An organisation admin's invitation of a colleague by e-mail.

    Pending while neither accepted nor cancelled and not past `expires_at`. The link carries a
    signed token naming this row (never stored); it works once, while the row is pending.
    """

    __tablename__ = "invitations"
    __table_args__ = (
        CheckConstraint("accepted_at IS NULL OR cancelled_at IS NULL", name="accepted_or_cancelled"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    name: Mapped[str] = mapped_column(String(100))
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}

    organisation: Mapped[Organisation] = relationship()
    invited_by: Mapped[User | None] = relationship(foreign_keys=[invited_by_id])  # noqa: F821

    def is_pending(self, now: datetime) -> bool:
        return self.accepted_at is None and self.cancelled_at is None and now < self.expires_at
