"""Money out: a contract's tranches (its payment schedule) and disbursement requests approved by
finance (maker-checker; a second, different senior approver at or above a threshold)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
    select,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grants.extensions import db
from grants.models.types import Money, UTCDateTime, utcnow
from grants.workflows import DISBURSEMENT

LIVE_DISBURSEMENT = "status IN ('requested','first_approved','approved')"


class Tranche(db.Model):
    """One row of a contract's payment schedule: the amounts add up exactly to the award
    (remainder fen in the last tranche), each released on its condition."""

    __tablename__ = "tranches"
    __table_args__ = (
        UniqueConstraint("contract_id", "number", name="uq_tranches_contract_number"),
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("condition IN ('signing','milestone','final')", name="condition_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    percentage: Mapped[int] = mapped_column(Integer)
    amount = mapped_column(Money, nullable=False)
    condition: Mapped[str] = mapped_column(String(20))
    milestone_number: Mapped[int | None] = mapped_column(Integer)

    contract: Mapped[Contract] = relationship()  # noqa: F821


class Disbursement(db.Model):
    """A request to pay one tranche (资金拨付申请), raised by staff with the organisation's invoice,
    approved by finance, then paid (date and bank reference recorded). Paid rows never change.
    At most one live request per tranche (a partial unique index, and the service's row lock)."""

    __tablename__ = "disbursements"
    __table_args__ = (
        CheckConstraint(DISBURSEMENT.check_sql(), name="status_known"),
        CheckConstraint("amount > 0", name="amount_positive"),
        Index("uq_disbursements_live_tranche", "tranche_id", unique=True,
              postgresql_where=text(LIVE_DISBURSEMENT), sqlite_where=text(LIVE_DISBURSEMENT)),
        Index("uq_disbursements_paid_tranche", "tranche_id", unique=True,
              postgresql_where=text("status = 'paid'"), sqlite_where=text("status = 'paid'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tranche_id: Mapped[int] = mapped_column(ForeignKey("tranches.id"), index=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="requested", index=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}

    amount = mapped_column(Money, nullable=False)
    invoice_file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_files.id"), index=True)
    invoice_name: Mapped[str | None] = mapped_column(String(255))
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    first_approver_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    first_approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    second_approver_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    second_approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    returned_reason: Mapped[str | None] = mapped_column(Text)
    paid_on: Mapped[date | None] = mapped_column(Date)
    payment_reference: Mapped[str | None] = mapped_column(String(100))
    paid_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    tranche: Mapped[Tranche] = relationship()
    contract: Mapped[Contract] = relationship()  # noqa: F821


class PaidIsFinal(RuntimeError):
    """A paid disbursement was about to change or be deleted (a programming error: paid is final)."""


def _was_paid(connection, target) -> bool:
    """The row's status as stored (in this transaction), whatever the object holds now."""
    stored = connection.scalar(select(Disbursement.__table__.c.status)
                               .where(Disbursement.__table__.c.id == target.id))
    return stored == "paid"


@event.listens_for(Disbursement, "before_update")
def _paid_is_final(mapper, connection, target):
    if _was_paid(connection, target):
        raise PaidIsFinal("a paid disbursement never changes")


@event.listens_for(Disbursement, "before_delete")
def _paid_is_kept(mapper, connection, target):
    if _was_paid(connection, target):
        raise PaidIsFinal("a paid disbursement is never deleted")
