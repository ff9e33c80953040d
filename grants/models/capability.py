"""The emergency capability registry: what an organisation can do in an emergency (declared by
its members, confirmed yearly), and staff's targeted invitations of organisations to a call.

Shape: one `CapabilityDeclaration` per organisation with the counts as columns (filterable by
`>=` in SQL), and the two multi-valued answers — capability types and districts covered — as
child rows `(declaration_id, code)` with a composite primary key and an index on `(code,
declaration_id)`. "Any of these capabilities" and "covers this district" are then indexed
EXISTS sub-queries, and the counts per district / per capability are one GROUP BY each, so the
staff search is a constant number of statements at 4,600 organisations (bench/registry_search.py).
A JSON list column would be simpler to write but is neither indexable nor countable the same way
on SQLite and PostgreSQL.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grants.extensions import db
from grants.models.types import UTCDateTime, utcnow

# Counts a declaration keeps (column name -> upper bound checked by the service).
COUNT_FIELDS = ("people_available", "volunteers_available", "counsellors", "social_workers", "medical_staff",
                "other_certified")


class CapabilityDeclaration(db.Model):
    """An organisation's emergency capability declaration (应急能力登记); one per organisation."""

    __tablename__ = "capability_declarations"
    __table_args__ = tuple(
        CheckConstraint(f"{name} >= 0", name=f"{name}_not_negative") for name in COUNT_FIELDS
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), unique=True)
    people_available: Mapped[int] = mapped_column(Integer, default=0, index=True)
    volunteers_available: Mapped[int] = mapped_column(Integer, default=0, index=True)
    counsellors: Mapped[int] = mapped_column(Integer, default=0)       # 心理咨询师
    social_workers: Mapped[int] = mapped_column(Integer, default=0)    # 持证社会工作者
    medical_staff: Mapped[int] = mapped_column(Integer, default=0)     # 医护人员
    other_certified: Mapped[int] = mapped_column(Integer, default=0)
    certified_note: Mapped[str] = mapped_column(Text, default="")
    equipment: Mapped[str] = mapped_column(Text, default="")
    # The 24-hour contact: private (staff and the organisation only, never on a public page).
    contact_name: Mapped[str] = mapped_column(String(100))
    contact_phone: Mapped[str] = mapped_column(String(30))
    confirmed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The last yearly reminder (flask registry remind sends at most one a year).
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}

    organisation: Mapped[Organisation] = relationship()  # noqa: F821
    confirmed_by: Mapped[User | None] = relationship()  # noqa: F821
    capability_rows: Mapped[list[DeclaredCapability]] = relationship(
        cascade="all, delete-orphan", order_by="DeclaredCapability.capability")
    district_rows: Mapped[list[DeclaredDistrict]] = relationship(
        cascade="all, delete-orphan", order_by="DeclaredDistrict.district")

    @property
    def capabilities(self) -> list[str]:
        return [row.capability for row in self.capability_rows]

    @property
    def districts(self) -> list[str]:
        return [row.district for row in self.district_rows]

    @property
    def certified_total(self) -> int:
        return self.counsellors + self.social_workers + self.medical_staff + self.other_certified


class DeclaredCapability(db.Model):
    __tablename__ = "declared_capabilities"
    __table_args__ = (Index("ix_declared_capabilities_capability", "capability", "declaration_id"),)

    declaration_id: Mapped[int] = mapped_column(
        ForeignKey("capability_declarations.id", ondelete="CASCADE"), primary_key=True)
    capability: Mapped[str] = mapped_column(String(30), primary_key=True)


class DeclaredDistrict(db.Model):
    __tablename__ = "declared_districts"
    __table_args__ = (Index("ix_declared_districts_district", "district", "declaration_id"),)

    declaration_id: Mapped[int] = mapped_column(
        ForeignKey("capability_declarations.id", ondelete="CASCADE"), primary_key=True)
    district: Mapped[str] = mapped_column(String(50), primary_key=True)


class CallInvitation(db.Model):
    """定向邀请: staff invited an organisation to apply to a call (one row per call and organisation;
    not the accounts `Invitation` of a colleague)."""

    __tablename__ = "call_invitations"
    __table_args__ = (UniqueConstraint("call_id", "organisation_id", name="uq_call_invitations_call_org"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    invited_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    call: Mapped[Call] = relationship()  # noqa: F821
    organisation: Mapped[Organisation] = relationship()  # noqa: F821
    invited_by: Mapped[User | None] = relationship()  # noqa: F821
