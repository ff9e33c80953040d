"""The access-matrix world, built once per worker; each case runs inside a savepoint.

Building the world (users, organisations, calls, proposals, a panel …) takes ~200 statements;
the matrix has hundreds of cases. So the world is committed once, and every case runs on one
connection with an outer transaction that is rolled back afterwards (SQLAlchemy's "joining a
session into an external transaction" recipe): the Flask-SQLAlchemy session is bound to that
connection with join_transaction_mode="create_savepoint", so a service's commit inside a
request only releases a savepoint and the rollback undoes it.

Any other test empties the tables, so the world is rebuilt when a matrix case follows one
(`mark_stale`, called by tests/conftest.py). Files the world stored under UPLOAD_ROOT are put
back after each case (a case may delete an attachment, and bytes are not transactional).
"""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

import pytest
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import event

from grants.extensions import db

_state = {"world": None, "builds": 0}


def mark_stale() -> None:
    """The tables were emptied or changed outside a savepoint: rebuild before the next case."""
    _state["world"] = None


class _BoundSession(FlaskSession):
    """Flask-SQLAlchemy's session picks an engine per table; this one always uses the case's
    connection (the session's `bind`)."""

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        return bind if bind is not None else self.bind


def _files(root: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}


def _build(app):
    from tests.access import build_world
    from tests.conftest import _empty_tables

    _empty_tables()
    world = build_world()
    db.session.commit()
    db.session.expunge_all()
    db.session.remove()
    return world, _files(Path(app.config["UPLOAD_ROOT"]))


def _attach(value, session):
    """The world's objects, merged (without SQL) into the case's session."""
    if hasattr(value, "_sa_instance_state"):
        return session.merge(value, load=False)
    if isinstance(value, SimpleNamespace):
        return SimpleNamespace(**{k: _attach(v, session) for k, v in vars(value).items()})
    if isinstance(value, dict):
        return {k: _attach(v, session) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_attach(v, session) for v in value)
    return value


def _sqlite_savepoints(engine):
    """pysqlite's own transaction handling breaks SAVEPOINT; let SQLAlchemy emit BEGIN itself
    (the workaround documented under "Serializable isolation / Savepoints / Transactional DDL")."""

    def begin(conn):
        conn.exec_driver_sql("BEGIN")

    event.listen(engine, "begin", begin)
    return begin


@contextmanager
def case(app):
    """One matrix case: the world (built when stale), inside a transaction rolled back at the end."""
    if _state["world"] is None:
        _state["world"] = _build(app)
        _state["builds"] += 1
    world, files = _state["world"]
    engine = db.engine
    sqlite = engine.dialect.name == "sqlite"
    db.session.remove()
    connection = engine.connect()
    begin_listener = None
    if sqlite:
        dbapi = connection.connection.dbapi_connection
        old_isolation = dbapi.isolation_level
        dbapi.isolation_level = None
        begin_listener = _sqlite_savepoints(engine)
    outer = connection.begin()
    original_session = db.session
    db.session = db._make_scoped_session({"class_": _BoundSession, "bind": connection,
                                          "join_transaction_mode": "create_savepoint"})
    try:
        yield _attach(world, db.session)
    finally:
        db.session.remove()
        db.session = original_session
        if outer.is_active:
            outer.rollback()
        connection.close()
        if sqlite:
            event.remove(engine, "begin", begin_listener)
            dbapi.isolation_level = old_isolation
        for path, data in files.items():
            if not path.exists():
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)


@pytest.fixture
def access_world(app):
    """The world for one matrix case (see `case`)."""
    with case(app) as world:
        yield world
