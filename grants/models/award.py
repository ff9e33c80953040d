from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.types import JSON

from grants.extensions import db
from grants.models.types import Money, UTCDateTime, utcnow
from grants.workflows import AWARD, OBJECTION


class Award(db.Model):
    """A decision to fund one proposal with an amount (立项), through public notice to confirmation.

    `basis` freezes what the decision was based on when it was made: the proposal's rank,
    scores and the ranking method and inputs. The live ranking may change later (a review
    reopened); the record of why this was funded does not.
    """

    __tablename__ = "awards"
    __table_args__ = (
        CheckConstraint(AWARD.check_sql(), name="status_known"),
        CheckConstraint("amount > 0", name="amount_positive"),
        UniqueConstraint("proposal_id", name="uq_awards_proposal_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id"), index=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="proposed", index=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}

    amount = mapped_column(Money, nullable=False)
    decision_note: Mapped[str] = mapped_column(Text, default="")
    basis: Mapped[dict] = mapped_column(JSON)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_reason: Mapped[str | None] = mapped_column(Text)

    call: Mapped[Call] = relationship()  # noqa: F821
    proposal: Mapped[Proposal] = relationship()  # noqa: F821
    organisation: Mapped[Organisation] = relationship()  # noqa: F821


class AwardNotice(db.Model):
    """The public notice (公示) of a call's proposed awards: published once, for N working days."""

    __tablename__ = "award_notices"
    __table_args__ = (
        UniqueConstraint("call_id", name="uq_award_notices_call_id"),
        CheckConstraint("ends_on >= starts_on", name="dates_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id"))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    working_days: Mapped[int] = mapped_column(Integer)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    call: Mapped[Call] = relationship()  # noqa: F821


class Objection(db.Model):
    """An objection (异议) lodged by anyone during the notice, resolved by staff."""

    __tablename__ = "objections"
    __table_args__ = (
        CheckConstraint(OBJECTION.check_sql(), name="status_known"),
        UniqueConstraint("reference", name="uq_objections_reference"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(40))
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id"), index=True)
    award_id: Mapped[int | None] = mapped_column(ForeignKey("awards.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}

    # The objector's identity is private: shown to staff, never on a public page.
    name: Mapped[str] = mapped_column(String(100))
    contact: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    lodged_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolution: Mapped[str | None] = mapped_column(Text)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    award: Mapped[Award | None] = relationship()
