from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.types import JSON

from grants.extensions import db
from grants.models.files import StoredFile, StoredFileFacts
from grants.models.types import Money, UTCDateTime, utcnow
from grants.workflows import PROPOSAL

PROPOSAL_STATUSES = PROPOSAL.statuses
BUDGET_CATEGORIES = ("personnel", "activities", "materials", "travel", "administration", "other")


class Proposal(db.Model):
    """An organisation's application (申报) to a call."""

    __tablename__ = "proposals"
    __table_args__ = (
        CheckConstraint(PROPOSAL.check_sql(), name="status_known"),
        CheckConstraint("amount_requested IS NULL OR amount_requested >= 0", name="requested_nonneg"),
        CheckConstraint("matching_funds IS NULL OR matching_funds >= 0", name="matching_nonneg"),
        CheckConstraint("start_date IS NULL OR end_date IS NULL OR end_date >= start_date", name="dates_order"),
        # a call's proposals by status (ranking, panel, screening filters) and in submission order
        # (the screening list and its last pages, the staff dashboard)
        Index("ix_proposals_call_status", "call_id", "status"),
        Index("ix_proposals_call_submitted", "call_id", "submitted_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    # Optimistic-lock counter (SQLAlchemy version_id_col): a write based on a stale read fails.
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}

    # Everything below may be empty while a draft.
    title: Mapped[str] = mapped_column(String(200), default="")
    category: Mapped[str | None] = mapped_column(String(30))
    # The emergency capability (grants.labels.CAPABILITY_TYPES) an emergency proposal provides.
    capability: Mapped[str | None] = mapped_column(String(20))
    summary: Mapped[str] = mapped_column(Text, default="")
    need_analysis: Mapped[str] = mapped_column(Text, default="")
    objectives: Mapped[str] = mapped_column(Text, default="")
    beneficiaries: Mapped[str] = mapped_column(Text, default="")
    beneficiary_count: Mapped[int | None] = mapped_column(Integer)
    activities: Mapped[str] = mapped_column(Text, default="")
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    amount_requested = mapped_column(Money)
    matching_funds = mapped_column(Money)
    matching_source: Mapped[str] = mapped_column(Text, default="")
    # What the applicant typed that could not be saved (a draft never loses work): the raw text
    # of each invalid field and the raw values of each invalid row, shown back with their errors
    # until corrected. {"fields": {name: text}, "rows": {section: [{"at": n, "values": {…}}]}}
    draft_raw: Mapped[dict | None] = mapped_column(JSON)

    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    submission_count: Mapped[int] = mapped_column(Integer, default=0)
    # What was submitted, frozen: the proposal's content and the call's rules and rubric.
    # Deferred: ~6.5 KB of JSON no list, export or ranking reads (loaded when first touched).
    snapshot: Mapped[dict | None] = mapped_column(JSON, deferred=True)
    screening_note: Mapped[str | None] = mapped_column(Text)
    screened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    screened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    call: Mapped[Call] = relationship()  # noqa: F821
    organisation: Mapped[Organisation] = relationship()  # noqa: F821
    budget_lines: Mapped[list[BudgetLine]] = relationship(
        back_populates="proposal", cascade="all, delete-orphan", order_by="BudgetLine.position"
    )
    indicators: Mapped[list[Indicator]] = relationship(
        back_populates="proposal", cascade="all, delete-orphan", order_by="Indicator.position"
    )
    milestones: Mapped[list[ProposedMilestone]] = relationship(
        back_populates="proposal", cascade="all, delete-orphan", order_by="ProposedMilestone.position"
    )
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="proposal", cascade="all, delete-orphan", order_by="Attachment.id"
    )

    def __repr__(self) -> str:
        return f"<Proposal {self.id} {self.title}>"


class BudgetLine(db.Model):
    __tablename__ = "budget_lines"
    __table_args__ = (
        CheckConstraint(
            "category IN ('personnel','activities','materials','travel','administration','other')",
            name="category_known",
        ),
        CheckConstraint("funded_by IN ('grant','matching')", name="funded_by_known"),
        CheckConstraint("unit_price >= 0 AND quantity > 0 AND total >= 0", name="amounts_valid"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    category: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(String(300))
    unit_price = mapped_column(Money, nullable=False)
    quantity: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    # Computed on the server: unit_price × quantity, rounded half-up to the fen.
    total = mapped_column(Money, nullable=False)
    # Paid from the grant requested or from the organisation's matching funds.
    funded_by: Mapped[str] = mapped_column(String(10), default="grant")

    proposal: Mapped[Proposal] = relationship(back_populates="budget_lines")


class Indicator(db.Model):
    """A measurable indicator (KPI) with its target."""

    __tablename__ = "indicators"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    target: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    unit: Mapped[str] = mapped_column(String(30))

    proposal: Mapped[Proposal] = relationship(back_populates="indicators")


class ProposedMilestone(db.Model):
    __tablename__ = "proposed_milestones"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    due_date: Mapped[date] = mapped_column(Date)
    deliverable: Mapped[str] = mapped_column(Text, default="")

    proposal: Mapped[Proposal] = relationship(back_populates="milestones")


class Attachment(StoredFileFacts, db.Model):
    """A file attached to a proposal; the bytes live under UPLOAD_ROOT by content hash."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"), index=True)
    original_name: Mapped[str] = mapped_column(String(255))
    stored_file_id: Mapped[int] = mapped_column(ForeignKey("stored_files.id"), index=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    proposal: Mapped[Proposal] = relationship(back_populates="attachments")
    stored_file: Mapped[StoredFile] = relationship(lazy="joined")
