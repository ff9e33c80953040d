"""Services: every state change happens here, in one transaction.

A service takes the acting user as an argument and never reads request or session.
It raises ServiceError (a user-facing, already translated message) when the change is refused;
nothing is written in that case.

Transactions (`atomic()`): blocks nest; only the outermost block commits. A service that calls
another service inside its own block therefore commits once, at the end of the outer block. If
an inner block raises and the outer block swallows the exception, the transaction is marked
rollback-only and the outer block refuses to commit (nothing half-done is ever written).
`after_commit(fn)` runs `fn` once the outermost block has committed (file clean-up, later PDF
work); it is dropped on rollback.

Concurrency: `lock(obj)` takes the row lock (SELECT … FOR UPDATE on PostgreSQL) and re-reads
the row, so a status is re-checked against what other transactions committed. Every table
with a status also has a version column (SQLAlchemy's version counter): a write based on a
stale read fails, also on SQLite, and `atomic()` turns that into a ServiceError asking the
user to reload, never a 500.
"""
from __future__ import annotations

from contextlib import contextmanager

from flask_babel import gettext as _
from sqlalchemy.orm.exc import StaleDataError

from grants.extensions import db

_DEPTH = "grants_atomic_depth"
_ROLLBACK_ONLY = "grants_atomic_rollback_only"
_AFTER_COMMIT = "grants_after_commit"


class ServiceError(Exception):
    """A refused change, with a message fit to show the user (and optional field errors)."""

    def __init__(self, message: str, field_errors: dict | None = None):
        super().__init__(str(message))
        self.message = str(message)
        self.field_errors = field_errors or {}


class ConcurrentChange(ServiceError):
    """Someone else changed the same row between our read and our write."""

    def __init__(self):
        super().__init__(_("Someone else changed this at the same time. Reload the page and try again."))


class RollbackOnly(RuntimeError):
    """An inner atomic block failed and its exception was swallowed: the whole transaction is void."""


def in_transaction() -> bool:
    return db.session.info.get(_DEPTH, 0) > 0


@contextmanager
def atomic():
    """One transaction: commit at the end of the outermost block, roll back if anything raises."""
    info = db.session.info
    depth = info.get(_DEPTH, 0)
    info[_DEPTH] = depth + 1
    outermost = depth == 0
    try:
        yield db.session
        if outermost:
            if info.get(_ROLLBACK_ONLY):
                raise RollbackOnly("an inner atomic() block failed; the transaction was rolled back")
            db.session.commit()
    except StaleDataError as exc:
        _fail(outermost)
        raise ConcurrentChange() from exc
    except BaseException:
        _fail(outermost)
        raise
    finally:
        info[_DEPTH] = depth
    if outermost:
        hooks = info.pop(_AFTER_COMMIT, [])
        for hook in hooks:
            hook()


def _fail(outermost: bool) -> None:
    info = db.session.info
    if outermost:
        db.session.rollback()
        info.pop(_ROLLBACK_ONLY, None)
        info.pop(_AFTER_COMMIT, None)
    else:
        info[_ROLLBACK_ONLY] = True


def after_commit(fn) -> None:
    """Run `fn()` after the outermost atomic() block commits (at once when none is open)."""
    if not in_transaction():
        fn()
        return
    db.session.info.setdefault(_AFTER_COMMIT, []).append(fn)


def lock(obj):
    """Lock `obj`'s row for the rest of the transaction and re-read it.

    Pending changes are flushed first (so nothing typed into the object is lost); on PostgreSQL
    the row is then read again with SELECT … FOR UPDATE, which waits for any other transaction
    holding it and returns what that transaction committed. SQLite has no row locks (it
    serialises writers per database); there the version column catches the stale write.
    """
    if obj in db.session.new:
        db.session.flush()
        return obj
    try:
        db.session.flush()
        # FOR UPDATE OF this row's table only: the object may have been loaded with eager joins
        # (its organisation, its proposal …), and PostgreSQL refuses to lock an outer join's side.
        db.session.refresh(obj, with_for_update={"of": type(obj)})
    except StaleDataError as exc:
        raise ConcurrentChange() from exc
    return obj
