"""Services: every state change happens here, in one transaction.

A service takes the acting user as an argument and never reads request or session.
It raises ServiceError (a user-facing, already translated message) when the change is refused;
nothing is written in that case.
"""
from __future__ import annotations

from contextlib import contextmanager

from grants.extensions import db


class ServiceError(Exception):
    """A refused change, with a message fit to show the user (and optional field errors)."""

    def __init__(self, message: str, field_errors: dict | None = None):
        super().__init__(str(message))
        self.message = str(message)
        self.field_errors = field_errors or {}


@contextmanager
def atomic():
    """Commit what the block did, or roll all of it back if it raises."""
    try:
        yield db.session
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
