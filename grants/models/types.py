"""Column types that keep money exact and times in UTC on every backend."""
from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import BigInteger, DateTime
from sqlalchemy.types import TypeDecorator

from grants.money import from_fen, to_fen


class Money(TypeDecorator):
    """Decimal yuan in Python, integer fen in the database (exact on SQLite and PostgreSQL).

    SQL aggregates (SUM) over a Money column come back as Decimal yuan too.
    """

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        return to_fen(value)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return from_fen(int(value))

    @property
    def python_type(self):
        return Decimal


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Aware datetimes in Python, stored as naive UTC. Naive input is refused."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: pass an aware datetime (UTC)")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC)

    @property
    def python_type(self):
        return datetime
