"""双随机 spot checks: the inspector pool, draws (immutable once made), their items and results.

A draw stores everything needed to re-run it (draw date, the sorted candidate ids, the nonce,
the rates, each item's eligible inspector ids); `grants.services.spotchecks` holds the
algorithm. Draws, items and inspector assignments are append-only: the ORM refuses to update
or delete them (see `_refuse_change`).
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column, object_session, relationship
from sqlalchemy.types import JSON

from grants.extensions import db
from grants.models.types import UTCDateTime, utcnow

POPULATIONS = ("awards", "organisations")
RATINGS = ("qualified", "basically_qualified", "unqualified")


class Inspector(db.Model):
    """A person in the inspector pool (检查人员名录库): staff of the bureau or outside experts."""

    __tablename__ = "inspectors"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    affiliation: Mapped[str] = mapped_column(String(200), default="")
    # A user account of the same person, if any: used for the conflict checks (membership of the
    # organisation; program officer of the award).
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    user: Mapped[User | None] = relationship(foreign_keys=[user_id])  # noqa: F821


class SpotCheckDraw(db.Model):
    """One draw (抽查) for a period over a population; one per period and population."""

    __tablename__ = "spot_check_draws"
    __table_args__ = (
        UniqueConstraint("population", "period", name="uq_spot_check_draws_population_period"),
        CheckConstraint("population IN ('awards','organisations')", name="population_known"),
        CheckConstraint("document_rate >= 5 AND document_rate <= 100", name="document_rate_range"),
        CheckConstraint("onsite_rate >= 0.5 AND onsite_rate <= document_rate", name="onsite_rate_range"),
        CheckConstraint("inspectors_per_item BETWEEN 1 AND 5", name="inspectors_per_item_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    period: Mapped[str] = mapped_column(String(40))
    population: Mapped[str] = mapped_column(String(20))
    draw_date: Mapped[date] = mapped_column(Date)
    nonce: Mapped[str] = mapped_column(String(64))
    seed: Mapped[str] = mapped_column(String(64))
    algorithm: Mapped[str] = mapped_column(String(20))
    # Percentages, e.g. 5.00 and 0.50.
    document_rate = mapped_column(Numeric(5, 2), nullable=False)
    onsite_rate = mapped_column(Numeric(5, 2), nullable=False)
    inspectors_per_item: Mapped[int] = mapped_column(Integer, default=2)
    candidate_ids: Mapped[list] = mapped_column(JSON)
    candidate_count: Mapped[int] = mapped_column(Integer)
    document_count: Mapped[int] = mapped_column(Integer)
    onsite_count: Mapped[int] = mapped_column(Integer)
    # The active pool at draw time (sorted ids), printed with the draw.
    pool_ids: Mapped[list] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    items: Mapped[list[SpotCheckItem]] = relationship(back_populates="draw", order_by="SpotCheckItem.position")


class SpotCheckItem(db.Model):
    """One drawn candidate: document check (书面检查), or on-site check (实地检查, which includes
    the document check). `position` is its place in the document ranking."""

    __tablename__ = "spot_check_items"
    __table_args__ = (
        UniqueConstraint("draw_id", "target_id", name="uq_spot_check_items_draw_target"),
        CheckConstraint("(award_id IS NULL) OR (award_id = target_id)", name="award_is_target"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    draw_id: Mapped[int] = mapped_column(ForeignKey("spot_check_draws.id"), index=True)
    target_id: Mapped[int] = mapped_column(Integer)  # the candidate id: an award's or an organisation's
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    award_id: Mapped[int | None] = mapped_column(ForeignKey("awards.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    onsite: Mapped[bool] = mapped_column(Boolean, default=False)
    eligible_inspector_ids: Mapped[list] = mapped_column(JSON)

    draw: Mapped[SpotCheckDraw] = relationship(back_populates="items")
    organisation: Mapped[Organisation] = relationship()  # noqa: F821
    award: Mapped[Award | None] = relationship()  # noqa: F821
    inspectors: Mapped[list[SpotCheckInspector]] = relationship(order_by="SpotCheckInspector.position",
                                                                  lazy="selectin")
    result: Mapped[SpotCheckResult | None] = relationship(back_populates="item", lazy="selectin")


class SpotCheckInspector(db.Model):
    """An inspector drawn for an item."""

    __tablename__ = "spot_check_inspectors"
    __table_args__ = (UniqueConstraint("item_id", "inspector_id", name="uq_spot_check_inspectors_item_inspector"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("spot_check_items.id"), index=True)
    inspector_id: Mapped[int] = mapped_column(ForeignKey("inspectors.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)

    inspector: Mapped[Inspector] = relationship(lazy="joined")


class SpotCheckResult(db.Model):
    """The result of one item's check, entered by staff and published on the public draw page."""

    __tablename__ = "spot_check_results"
    __table_args__ = (
        UniqueConstraint("item_id", name="uq_spot_check_results_item_id"),
        CheckConstraint("rating IN ('qualified','basically_qualified','unqualified')", name="rating_known"),
        CheckConstraint("(NOT rectification_required) OR (rectification_due_on IS NOT NULL)",
                        name="rectification_has_deadline"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("spot_check_items.id"))
    findings: Mapped[str] = mapped_column(Text)
    rating: Mapped[str] = mapped_column(String(30))
    rectification_required: Mapped[bool] = mapped_column(Boolean, default=False)
    rectification_due_on: Mapped[date | None] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    item: Mapped[SpotCheckItem] = relationship(back_populates="result")


class ImmutableDraw(RuntimeError):
    """A draw, its items and drawn inspectors are never changed or deleted once made."""


def _refuse_update(mapper, connection, target):
    # A relationship filled in later (an item's result) marks the row dirty; only a changed
    # column is a change.
    if object_session(target).is_modified(target, include_collections=False):
        _refuse_change(mapper, connection, target)


def _refuse_change(mapper, connection, target):
    raise ImmutableDraw(f"{type(target).__name__} {target.id} is part of a draw and cannot be changed")


for _model in (SpotCheckDraw, SpotCheckItem, SpotCheckInspector):
    event.listen(_model, "before_update", _refuse_update)
    event.listen(_model, "before_delete", _refuse_change)
