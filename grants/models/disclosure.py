"""What is disclosed about an organisation beyond its registration: enforcement records kept by
staff (执法: sanctions other than the 严重违法失信 flag) and the organisation's own annual
disclosure (年度信息公开: activities, financial summary, donations), public once staff approve it."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grants.extensions import db
from grants.models.types import Money, UTCDateTime, utcnow
from grants.workflows import DISCLOSURE

ENFORCEMENT_KINDS = ("warning", "fine", "confiscation", "suspension", "revocation", "abnormal_list", "other")


class EnforcementRecord(db.Model):
    """A sanction or measure taken against an organisation (行政处罚、活动异常名录 …), recorded by
    staff. Never deleted: a record entered in error, or quashed, is withdrawn (with the reason) and
    leaves the public page; the audit trail keeps both steps."""

    __tablename__ = "enforcement_records"
    __table_args__ = (
        CheckConstraint("kind IN (" + ",".join(f"'{k}'" for k in ENFORCEMENT_KINDS) + ")", name="kind_known"),
        CheckConstraint("ends_on IS NULL OR ends_on >= decided_on", name="dates_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    decided_on: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(20))
    authority: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text)
    ends_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    withdrawn_reason: Mapped[str | None] = mapped_column(Text)

    organisation: Mapped[Organisation] = relationship()  # noqa: F821


class AnnualDisclosure(db.Model):
    """An organisation's yearly disclosure (年度信息公开), written by its members, approved by
    staff before it is public. One per organisation and year."""

    __tablename__ = "annual_disclosures"
    __table_args__ = (
        UniqueConstraint("organisation_id", "year", name="uq_annual_disclosures_org_year"),
        CheckConstraint(DISCLOSURE.check_sql(), name="status_known"),
        CheckConstraint("income IS NULL OR income >= 0", name="income_nonneg"),
        CheckConstraint("expenditure IS NULL OR expenditure >= 0", name="expenditure_nonneg"),
        CheckConstraint("donations_received IS NULL OR donations_received >= 0", name="donations_nonneg"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}

    activities: Mapped[str] = mapped_column(Text, default="")       # 年度主要活动
    income = mapped_column(Money)                                   # 年度收入（元）
    expenditure = mapped_column(Money)                              # 年度支出（元）
    net_assets = mapped_column(Money)                               # 年末净资产（元，可为负）
    donations_received = mapped_column(Money)                       # 接受捐赠（元）
    donations_use: Mapped[str] = mapped_column(Text, default="")    # 捐赠使用情况
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    return_reason: Mapped[str | None] = mapped_column(Text)

    organisation: Mapped[Organisation] = relationship()  # noqa: F821
