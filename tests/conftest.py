"""Fixtures in the flaskr/Indico style: app, client, runner, login helper, factories, SMTP guard.

The database is SQLite in memory by default, or TEST_DATABASE_URL (PostgreSQL). The schema is
created once per session; every test starts with empty tables.
"""
from __future__ import annotations

import os
import smtplib
import threading

import pytest
from flask import g, has_app_context
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import StaticPool

from grants import create_app
from grants.extensions import db as _db
from tests import factories
from tests.access import world as access_world_module
from tests.access.world import access_world  # noqa: F401  (fixture)

PASSWORD = factories.PASSWORD


def _database_url() -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return "sqlite://"
    from config import _database_url as normalise

    url = normalise(url)
    parsed = make_url(url)
    name = parsed.database
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker:
        name = f"{name}_{worker}"
    # Each run (or xdist worker) may name its own database; create it when missing.
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).scalar()
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return parsed.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def database_url():
    return _database_url()


class FreshRequestClient(FlaskClient):
    """Tests run inside an app context, which Flask reuses for the client's requests; clear
    `g` (where Flask-Login keeps the current user) so each request starts as a real one would."""

    def open(self, *args, **kwargs):
        if has_app_context():
            g.__dict__.clear()
        try:
            return super().open(*args, **kwargs)
        finally:
            if has_app_context():
                g.__dict__.clear()


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    options = {}
    if database_url.startswith("sqlite"):
        # One shared in-memory connection, so every session sees the same database.
        options = {"poolclass": StaticPool, "connect_args": {"check_same_thread": False}}
    # Flask-SQLAlchemy creates the engine in init_app, so the database settings go in at creation.
    os.environ["GRANTS_ENV"] = "testing"
    app = create_app({
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": options,
        "UPLOAD_ROOT": str(tmp_path_factory.mktemp("uploads")),
    })
    app.test_client_class = FreshRequestClient
    with app.app_context():
        _db.drop_all()
        _db.create_all()
    yield app
    with app.app_context():
        _db.session.remove()
        _db.drop_all()
        _db.engine.dispose()


# The browser tests' live server answers requests on its own thread and connection; a request
# still in flight from the previous test (an autosave beacon sent as a page closed) and this
# cleaning transaction would lock rows in opposite orders and deadlock on PostgreSQL. The live
# server holds this gate for each request and the cleaning holds it too, so they take turns.
DB_GATE = threading.Lock()


def _empty_tables():
    _db.session.rollback()
    with DB_GATE, _db.engine.begin() as conn:
        # DELETE is much faster than TRUNCATE on the tiny tables of a test. Audit events are
        # append-only in PostgreSQL (a trigger refuses DELETE); the test superuser switches
        # ordinary triggers off for this one cleaning transaction.
        if conn.dialect.name == "postgresql":
            conn.execute(text("SET LOCAL session_replication_role = replica"))
        for table in reversed(_db.metadata.sorted_tables):
            conn.execute(table.delete())


@pytest.fixture(autouse=True)
def _app_context(app, request):
    """Every test runs inside an app context on empty tables — except the access-matrix cases,
    which share one world rolled back after each case (tests/access/world.py)."""
    with app.app_context():
        if "access_world" not in request.fixturenames:
            _empty_tables()
            access_world_module.mark_stale()
        yield
        _db.session.remove()


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class AuthActions:
    def __init__(self, client):
        self.client = client

    def login(self, user_or_email, password=PASSWORD, follow=False):
        email = getattr(user_or_email, "email", user_or_email)
        return self.client.post("/auth/login", data={"email": email, "password": password},
                                follow_redirects=follow)

    def logout(self):
        return self.client.post("/auth/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture
def login(client):
    """login(user) logs the test client in as that user and returns the client."""

    def _login(user):
        response = AuthActions(client).login(user)
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return client

    return _login


# -- SMTP guard -------------------------------------------------------------------
class _SMTPGuard:
    allowed_ports: set = set()


@pytest.fixture(autouse=True)
def _no_real_smtp(monkeypatch):
    """Fail any test that opens an SMTP connection other than the loopback test server."""
    original = smtplib.SMTP.connect

    def guarded(self, host="localhost", port=0, source_address=None):
        if int(port) not in _SMTPGuard.allowed_ports:
            pytest.fail(f"test opened a real SMTP connection to {host}:{port}; use the smtp_server fixture")
        return original(self, host, port, source_address)

    monkeypatch.setattr(smtplib.SMTP, "connect", guarded)
    yield
    _SMTPGuard.allowed_ports = set()


@pytest.fixture
def smtp_server(app):
    """A real SMTP server (aiosmtpd) on loopback; `.messages` holds what it received."""
    import socket

    from aiosmtpd.controller import Controller

    class Handler:
        def __init__(self):
            self.messages = []

        async def handle_DATA(self, server, session, envelope):
            self.messages.append(envelope)
            return "250 OK"

    handler = Handler()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    _SMTPGuard.allowed_ports = {port}
    old = (app.config["MAIL_SERVER"], app.config["MAIL_PORT"])
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    controller.messages = handler.messages
    try:
        yield controller
    finally:
        controller.stop()
        app.config.update(MAIL_SERVER=old[0], MAIL_PORT=old[1])
