from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grants.extensions import db
from grants.models.types import UTCDateTime, utcnow
from grants.workflows import ASSIGNMENT, REVIEW

CONFLICT_TYPES = ("affiliation", "family", "financial", "collaboration", "other")
RECOMMENDATIONS = ("fund", "fund_with_changes", "do_not_fund")


class PanelMember(db.Model):
    """A reviewer on a call's expert panel (评审专家)."""

    __tablename__ = "panel_members"
    __table_args__ = (UniqueConstraint("call_id", "reviewer_id", name="uq_panel_members_call_reviewer"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    affiliation: Mapped[str | None] = mapped_column(String(200))  # organisation name or USCC
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    reviewer: Mapped[User] = relationship()  # noqa: F821


class Conflict(db.Model):
    """A conflict of interest: of a reviewer with one proposal, or standing with an organisation."""

    __tablename__ = "conflicts"
    __table_args__ = (
        CheckConstraint(
            "conflict_type IN ('affiliation','family','financial','collaboration','other')", name="type_known"
        ),
        CheckConstraint("proposal_id IS NOT NULL OR organisation_id IS NOT NULL", name="has_target"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    conflict_type: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ReviewAssignment(db.Model):
    """A proposal assigned to a reviewer; the reviewer declares conflicts before opening it."""

    __tablename__ = "review_assignments"
    __table_args__ = (
        UniqueConstraint("proposal_id", "reviewer_id", name="uq_review_assignments_proposal_reviewer"),
        CheckConstraint(ASSIGNMENT.check_sql(), name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"), index=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    # assigned -> cleared (declared no conflict) | recused (declared a conflict); removed by staff.
    status: Mapped[str] = mapped_column(String(20), default="assigned")
    # Optimistic-lock counter (SQLAlchemy version_id_col): a write based on a stale read fails.
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}
    declared_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    proposal: Mapped[Proposal] = relationship()  # noqa: F821
    reviewer: Mapped[User] = relationship(foreign_keys=[reviewer_id])  # noqa: F821


class Review(db.Model):
    __tablename__ = "reviews"
    __table_args__ = (
        UniqueConstraint("proposal_id", "reviewer_id", name="uq_reviews_proposal_reviewer"),
        CheckConstraint(REVIEW.check_sql(), name="status_known"),
        CheckConstraint(
            "recommendation IS NULL OR recommendation IN ('fund','fund_with_changes','do_not_fund')",
            name="recommendation_known",
        ),
        CheckConstraint("weighted_total IS NULL OR (weighted_total >= 0 AND weighted_total <= 100)",
                        name="total_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"), index=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="draft")
    # Optimistic-lock counter (SQLAlchemy version_id_col): a write based on a stale read fails.
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}
    overall_comment: Mapped[str] = mapped_column(Text, default="")
    recommendation: Mapped[str | None] = mapped_column(String(20))
    # Σ weight × score / max on a 100-point scale, fixed when the review is submitted.
    weighted_total: Mapped[Decimal | None] = mapped_column(Numeric(7, 3))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    scores: Mapped[list[CriterionScore]] = relationship(back_populates="review", cascade="all, delete-orphan")
    reviewer: Mapped[User] = relationship()  # noqa: F821
    proposal: Mapped[Proposal] = relationship()  # noqa: F821


class CriterionScore(db.Model):
    __tablename__ = "criterion_scores"
    __table_args__ = (
        UniqueConstraint("review_id", "criterion_id", name="uq_criterion_scores_review_criterion"),
        CheckConstraint("score >= 0", name="score_nonneg"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"), index=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("rubric_criteria.id", ondelete="CASCADE"), index=True)
    score: Mapped[Decimal] = mapped_column(Numeric(5, 1))  # whole or half points
    comment: Mapped[str] = mapped_column(Text, default="")

    review: Mapped[Review] = relationship(back_populates="scores")


class ReviewReminder(db.Model):
    """A reminder mail sent to a reviewer about unfinished reviews: at most one per reviewer per
    local (Asia/Shanghai) day, whether staff pressed the button or `flask reviews remind` ran."""

    __tablename__ = "review_reminders"
    __table_args__ = (
        UniqueConstraint("reviewer_id", "sent_on", name="uq_review_reminders_reviewer_day"),
        CheckConstraint("kind IN ('manual','scheduled')", name="kind_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    call_id: Mapped[int | None] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    sent_on: Mapped[date] = mapped_column(Date)  # local day
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    kind: Mapped[str] = mapped_column(String(20), default="manual")
    unfinished: Mapped[int] = mapped_column(Integer, default=0)
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
