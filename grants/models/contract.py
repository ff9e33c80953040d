from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.types import JSON

from grants.extensions import db
from grants.models.types import Money, UTCDateTime, utcnow
from grants.workflows import CONTRACT


class Contract(db.Model):
    """The 政府购买服务合同 of a confirmed award: its number, its generated versions, the signed
    scan uploaded by the organisation, activation by staff and its public announcement."""

    __tablename__ = "contracts"
    __table_args__ = (
        CheckConstraint(CONTRACT.check_sql(), name="status_known"),
        UniqueConstraint("award_id", name="uq_contracts_award_id"),
        UniqueConstraint("number", name="uq_contracts_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    award_id: Mapped[int] = mapped_column(ForeignKey("awards.id"))
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    number: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(20), default="generated", index=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}

    amount = mapped_column(Money, nullable=False)
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    signed_file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_files.id"), index=True)
    signed_name: Mapped[str | None] = mapped_column(String(255))
    signed_uploaded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    signed_uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    signed_on: Mapped[date | None] = mapped_column(Date)
    activated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    activated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Announced publicly on activation; the rule is within 2 working days of signing.
    announced_on: Mapped[date | None] = mapped_column(Date)
    announcement_due_on: Mapped[date | None] = mapped_column(Date)
    return_reason: Mapped[str | None] = mapped_column(Text)

    award: Mapped[Award] = relationship()  # noqa: F821
    organisation: Mapped[Organisation] = relationship()  # noqa: F821
    call: Mapped[Call] = relationship()  # noqa: F821
    signed_file: Mapped[StoredFile | None] = relationship()  # noqa: F821
    versions: Mapped[list[ContractVersion]] = relationship(
        back_populates="contract", order_by="ContractVersion.number")


class ContractVersion(db.Model):
    """One generated PDF of a contract, never overwritten: a regeneration adds a version.

    Its verification code is printed on the PDF (with a QR code to /verify/<code>), so anyone
    can check a printed copy against the number, parties, amount, version and SHA-256 here.
    `data` is the plain contract data the PDF was printed from.
    """

    __tablename__ = "contract_versions"
    __table_args__ = (
        UniqueConstraint("contract_id", "number", name="uq_contract_versions_contract_number"),
        UniqueConstraint("verification_code", name="uq_contract_versions_verification_code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"))
    number: Mapped[int] = mapped_column(Integer)
    verification_code: Mapped[str] = mapped_column(String(20))
    stored_file_id: Mapped[int] = mapped_column(ForeignKey("stored_files.id"), index=True)
    data: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    contract: Mapped[Contract] = relationship(back_populates="versions")
    stored_file: Mapped[StoredFile] = relationship(lazy="joined")  # noqa: F821
    created_by: Mapped[User | None] = relationship()  # noqa: F821


class ContractCounter(db.Model):
    """The last contract number given out per prefix and year; numbers are never reused."""

    __tablename__ = "contract_counters"

    prefix: Mapped[str] = mapped_column(String(20), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)


class ContractTemplate(db.Model):
    """A call's clause texts, edited by staff (rendered in a sandbox; defaults until edited)."""

    __tablename__ = "contract_templates"
    __table_args__ = (UniqueConstraint("call_id", name="uq_contract_templates_call_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id"))
    clauses: Mapped[list] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
