"""Implementation of an active contract: milestones, milestone reports (with every submitted
version kept) and evaluations (mid-term and final, by staff or a third-party evaluator)."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.types import JSON

from grants.extensions import db
from grants.models.types import UTCDateTime, utcnow
from grants.workflows import EVALUATION, REPORT


class Milestone(db.Model):
    """One milestone of a contract, copied from the proposal when the contract comes into force."""

    __tablename__ = "milestones"
    __table_args__ = (UniqueConstraint("contract_id", "number", name="uq_milestones_contract_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)  # 1, 2, … in due-date order
    title: Mapped[str] = mapped_column(String(200))
    due_date: Mapped[date] = mapped_column(Date, index=True)
    deliverable: Mapped[str] = mapped_column(Text, default="")
    is_final: Mapped[bool] = mapped_column(default=False)

    contract: Mapped[Contract] = relationship()  # noqa: F821
    report: Mapped[Report | None] = relationship(back_populates="milestone", uselist=False)


class Report(db.Model):
    """The grantee's report on a milestone: one row, its current content, and a version per
    submission (ReportVersion) so returned-and-resubmitted reports keep their history."""

    __tablename__ = "reports"
    __table_args__ = (
        CheckConstraint(REPORT.check_sql(), name="status_known"),
        UniqueConstraint("milestone_id", name="uq_reports_milestone_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    milestone_id: Mapped[int] = mapped_column(ForeignKey("milestones.id"))
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}

    narrative: Mapped[str] = mapped_column(Text, default="")
    beneficiaries_served: Mapped[int | None] = mapped_column(Integer)
    person_times: Mapped[int | None] = mapped_column(Integer)          # 服务人次
    service_hours: Mapped[Decimal | None] = mapped_column(Numeric(12, 1))  # 服务时长
    volunteers: Mapped[int | None] = mapped_column(Integer)            # 带动志愿者
    kpi_actuals: Mapped[list | None] = mapped_column(JSON)   # [{"indicator_id", "name", "target", "unit", "actual"}]
    spending: Mapped[list | None] = mapped_column(JSON)      # [{"category", "budget", "spent"}] (yuan as strings)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    review_comment: Mapped[str | None] = mapped_column(Text)

    milestone: Mapped[Milestone] = relationship(back_populates="report")
    contract: Mapped[Contract] = relationship()  # noqa: F821
    evidence: Mapped[list[ReportEvidence]] = relationship(back_populates="report", order_by="ReportEvidence.id")
    versions: Mapped[list[ReportVersion]] = relationship(back_populates="report", order_by="ReportVersion.number")


class ReportEvidence(db.Model):
    """An evidence file of a report (photos, sign-in sheets, invoices), bytes in the stored-file table."""

    __tablename__ = "report_evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), index=True)
    stored_file_id: Mapped[int] = mapped_column(ForeignKey("stored_files.id"), index=True)
    original_name: Mapped[str] = mapped_column(String(255))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    report: Mapped[Report] = relationship(back_populates="evidence")
    stored_file: Mapped[StoredFile] = relationship(lazy="joined")  # noqa: F821


class MilestoneReminder(db.Model):
    """A reminder mail about a milestone report: one per milestone, kind and due date, however
    often `flask milestones remind` runs (the unique key is the guard)."""

    __tablename__ = "milestone_reminders"
    __table_args__ = (
        UniqueConstraint("milestone_id", "kind", "due_date", name="uq_milestone_reminders_milestone_kind_due"),
        CheckConstraint("kind IN ('due_soon','overdue')", name="kind_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    milestone_id: Mapped[int] = mapped_column(ForeignKey("milestones.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    due_date: Mapped[date] = mapped_column(Date)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class EvaluatorAssignment(db.Model):
    """A third-party evaluator assigned to every contract of a call (assignments per project are
    Evaluation.evaluator_id)."""

    __tablename__ = "evaluator_assignments"
    __table_args__ = (UniqueConstraint("call_id", "evaluator_id", name="uq_evaluator_assignments_call_evaluator"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id"), index=True)
    evaluator_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    evaluator: Mapped[User] = relationship(foreign_keys=[evaluator_id])  # noqa: F821


class ReportVersion(db.Model):
    """What was submitted, frozen (content and evidence file ids), one row per submission."""

    __tablename__ = "report_versions"
    __table_args__ = (UniqueConstraint("report_id", "number", name="uq_report_versions_report_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    data: Mapped[dict] = mapped_column(JSON)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    report: Mapped[Report] = relationship(back_populates="versions")


class Evaluation(db.Model):
    """A mid-term or final evaluation (中期/末期评估) of a contract: a score 0–100 on the call's
    evaluation criteria, pass/fail, a text and a PDF report; by staff or by a third-party
    evaluator (role "evaluator") assigned to the project or its call."""

    __tablename__ = "evaluations"
    __table_args__ = (
        CheckConstraint(EVALUATION.check_sql(), name="status_known"),
        CheckConstraint("kind IN ('mid','final')", name="kind_known"),
        CheckConstraint("conclusion IS NULL OR conclusion IN ('pass','fail')", name="conclusion_known"),
        CheckConstraint("score IS NULL OR (score >= 0 AND score <= 100)", name="score_range"),
        UniqueConstraint("contract_id", "kind", name="uq_evaluations_contract_kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(20), default="assigned", index=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}

    evaluator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    score: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    conclusion: Mapped[str | None] = mapped_column(String(10))
    text: Mapped[str] = mapped_column(Text, default="")
    criteria_scores: Mapped[list | None] = mapped_column(JSON)
    report_file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_files.id"), index=True)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    contract: Mapped[Contract] = relationship()  # noqa: F821
    evaluator: Mapped[User | None] = relationship()  # noqa: F821
    report_file: Mapped[StoredFile | None] = relationship()  # noqa: F821
