"""Identifiers in URLs and forms: the range a database id can take, and the URL converter.

Primary keys are INTEGER columns: 32-bit on PostgreSQL (SQLite stores 64). A value outside
1..2^31-1 names no object on any backend, so it is refused with 404 before it reaches a query,
where PostgreSQL would raise "integer out of range" and SQLite would overflow past 2^63.
"""
from __future__ import annotations

from werkzeug.exceptions import NotFound
from werkzeug.routing import IntegerConverter, ValidationError

MAX_ID = 2**31 - 1  # PostgreSQL INTEGER, the narrowest backend
MAX_DIGITS = len(str(MAX_ID))  # longer digit strings are refused before int() (which would
                               # raise ValueError past 4300 digits)


def parse_id(value) -> int | None:
    """`value` as a database id, or None when it cannot be one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    else:
        text = str(value or "").strip()
        if not text.isascii() or not text.isdigit() or len(text.lstrip("0")) > MAX_DIGITS:
            return None
        number = int(text)
    return number if 1 <= number <= MAX_ID else None


class IdConverter(IntegerConverter):
    """`<int:name>` everywhere: only values a database id can take match (others answer 404)."""

    def __init__(self, map, fixed_digits=0, min=1, max=MAX_ID, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=False)

    def to_python(self, value: str) -> int:
        # NotFound rather than Werkzeug's ValidationError: a POST route sharing its path with a
        # GET route would otherwise answer 405 for an id that cannot exist.
        if len(value.lstrip("0")) > MAX_DIGITS:
            raise NotFound()
        try:
            return super().to_python(value)
        except ValidationError:
            raise NotFound() from None


def init_app(app) -> None:
    """Replace Werkzeug's `int` converter; call before any blueprint is registered."""
    app.url_map.converters["int"] = IdConverter
