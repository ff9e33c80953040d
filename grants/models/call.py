from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.types import JSON

from grants.extensions import db
from grants.models.files import StoredFile, StoredFileFacts
from grants.models.types import Money, UTCDateTime, utcnow
from grants.workflows import CALL

CALL_STATUSES = ("draft", "open", "closed", "decided", "archived")
# Service categories offered on calls (key -> label in grants/labels.py).
CATEGORIES = ("elderly", "disability", "youth", "community", "emergency", "other")
RANKING_METHODS = ("mean", "trimmed", "calibrated")
TRANCHE_CONDITIONS = ("signing", "milestone", "final")
# The criteria of mid-term and final evaluations (中期/末期评估), each scored 0–100 and weighted.
DEFAULT_EVALUATION_CRITERIA = (
    {"key": "execution", "name": "项目执行", "weight": 30},
    {"key": "objectives", "name": "目标达成", "weight": 30},
    {"key": "funds", "name": "资金使用", "weight": 20},
    {"key": "impact", "name": "社会成效", "weight": 20},
)


def default_evaluation_criteria() -> list[dict]:
    return [dict(c) for c in DEFAULT_EVALUATION_CRITERIA]


class Call(db.Model):
    """A call for proposals (项目征集) with its budget, rules, rubric and tranche plan."""

    __tablename__ = "calls"
    __table_args__ = (
        CheckConstraint(CALL.check_sql(), name="status_known"),
        CheckConstraint("budget_pool >= 0 AND per_project_cap >= 0", name="amounts_nonneg"),
        CheckConstraint("per_project_cap <= budget_pool", name="cap_within_pool"),
        CheckConstraint("closes_at > opens_at", name="window_order"),
        CheckConstraint("reviewers_per_proposal >= 1", name="reviewers_positive"),
        CheckConstraint("min_matching_share >= 0 AND min_matching_share <= 100", name="matching_pct"),
        CheckConstraint("max_personnel_share >= 0 AND max_personnel_share <= 100", name="personnel_pct"),
        CheckConstraint("ranking_method IN ('mean','trimmed','calibrated')", name="ranking_known"),
        CheckConstraint("report_grace_days >= 0", name="grace_nonneg"),
        CheckConstraint("kind IN ('ordinary','emergency')", name="kind_known"),
        CheckConstraint("decision_hours IS NULL OR decision_hours > 0", name="decision_hours_positive"),
        CheckConstraint("report_every_days IS NULL OR report_every_days > 0", name="report_every_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    # An emergency call (应急项目) is a call with other settings: it opens at once, takes
    # proposals until staff close it, promises a decision within `decision_hours` of each
    # submission, may award without the public notice period (`skip_notice`, emergency
    # procurement) and asks for a brief report every `report_every_days`.
    kind: Mapped[str] = mapped_column(String(20), default="ordinary", server_default="ordinary")
    decision_hours: Mapped[int | None] = mapped_column(Integer)
    skip_notice: Mapped[bool] = mapped_column(Boolean, default=False)
    report_every_days: Mapped[int | None] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(Text, default="")
    categories: Mapped[list] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    # Optimistic-lock counter (SQLAlchemy version_id_col): a write based on a stale read fails.
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}

    budget_pool = mapped_column(Money, nullable=False)
    per_project_cap = mapped_column(Money, nullable=False)
    # Percentages (0-100, two decimals).
    min_matching_share: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal("0"))
    max_personnel_share: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal("30"))
    max_proposals_per_org: Mapped[int] = mapped_column(Integer, default=1)
    term_min_months: Mapped[int] = mapped_column(Integer, default=1)
    term_max_months: Mapped[int] = mapped_column(Integer, default=12)
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    allow_resubmit: Mapped[bool] = mapped_column(Boolean, default=True)
    # A draft marked as scheduled is opened by `flask calls tick` once opens_at has passed.
    scheduled: Mapped[bool] = mapped_column(Boolean, default=False)

    # Eligibility rules (each optional).
    min_grade: Mapped[int | None] = mapped_column(Integer)
    min_years_registered: Mapped[int | None] = mapped_column(Integer)
    require_verified: Mapped[bool] = mapped_column(Boolean, default=True)
    require_inspection_passed: Mapped[bool] = mapped_column(Boolean, default=False)
    exclude_blacklisted: Mapped[bool] = mapped_column(Boolean, default=True)
    districts: Mapped[list | None] = mapped_column(JSON)

    # Review settings.
    reviewers_per_proposal: Mapped[int] = mapped_column(Integer, default=3)
    blind_review: Mapped[bool] = mapped_column(Boolean, default=False)
    show_scores_after_submit: Mapped[bool] = mapped_column(Boolean, default=True)
    review_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ranking_method: Mapped[str] = mapped_column(String(20), default="trimmed")
    disagreement_threshold: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal("15"))
    notice_working_days: Mapped[int] = mapped_column(Integer, default=5)

    # Implementation: a milestone report not submitted by its due date + these days is late.
    report_grace_days: Mapped[int] = mapped_column(Integer, default=10, server_default="10")
    evaluation_criteria: Mapped[list] = mapped_column(JSON, default=default_evaluation_criteria)

    # The person applicants ask about this call (shown on the public page).
    contact_name: Mapped[str] = mapped_column(String(50), default="", server_default="")
    contact_phone: Mapped[str] = mapped_column(String(30), default="", server_default="")
    contact_email: Mapped[str] = mapped_column(String(120), default="", server_default="")

    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    criteria: Mapped[list[RubricCriterion]] = relationship(
        back_populates="call", cascade="all, delete-orphan", order_by="RubricCriterion.position"
    )
    tranches: Mapped[list[TrancheRule]] = relationship(
        back_populates="call", cascade="all, delete-orphan", order_by="TrancheRule.position"
    )
    attachments: Mapped[list[CallAttachment]] = relationship(
        back_populates="call", cascade="all, delete-orphan", order_by="CallAttachment.id"
    )

    def __repr__(self) -> str:
        return f"<Call {self.id} {self.title}>"


class RubricCriterion(db.Model):
    __tablename__ = "rubric_criteria"
    __table_args__ = (
        UniqueConstraint("call_id", "position", name="uq_rubric_criteria_call_position"),
        CheckConstraint("weight > 0 AND weight <= 100", name="weight_range"),
        CheckConstraint("max_score > 0", name="max_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text, default="")
    weight: Mapped[int] = mapped_column(Integer)
    max_score: Mapped[int] = mapped_column(Integer, default=10)

    call: Mapped[Call] = relationship(back_populates="criteria")


class TrancheRule(db.Model):
    """One row of a call's tranche plan: a percentage released on a condition."""

    __tablename__ = "tranche_rules"
    __table_args__ = (
        UniqueConstraint("call_id", "position", name="uq_tranche_rules_call_position"),
        CheckConstraint("percentage > 0 AND percentage <= 100", name="pct_range"),
        CheckConstraint("condition IN ('signing','milestone','final')", name="condition_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    percentage: Mapped[int] = mapped_column(Integer)
    condition: Mapped[str] = mapped_column(String(20))
    milestone_number: Mapped[int | None] = mapped_column(Integer)

    call: Mapped[Call] = relationship(back_populates="tranches")


class CallAttachment(StoredFileFacts, db.Model):
    """A guide or template file staff attach to a call (申报指南, 申报书模板…), downloadable by
    everyone once the call is published. The bytes live under UPLOAD_ROOT by content hash."""

    __tablename__ = "call_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200), default="")
    original_name: Mapped[str] = mapped_column(String(255))
    stored_file_id: Mapped[int] = mapped_column(ForeignKey("stored_files.id"), index=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    call: Mapped[Call] = relationship(back_populates="attachments")
    stored_file: Mapped[StoredFile] = relationship(lazy="joined")
