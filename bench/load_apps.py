"""The two WSGI apps bench/load.py serves with gunicorn (bench only, never in production):

- make_grants(): the project's app on the database in BENCH_DATABASE_URL, with a response header
  X-SQL-Statements giving the number of SQL statements the request sent (grants/sqlcount.py's
  listener, per request), CSRF off so the bench can log in with a plain POST, throttling off;
- make_hello(): a hello-world Flask app served the same way (the ratio's baseline).
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def make_grants():
    from flask import g
    from sqlalchemy import event

    from grants import create_app
    from grants.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": os.environ["BENCH_DATABASE_URL"], "WTF_CSRF_ENABLED": False,
                      "RATELIMIT_ENABLED": False, "SECRET_KEY": "bench-secret-key-0123456789",
                      "PASSWORD_HASH_METHOD": "scrypt:1024:8:1"})

    with app.app_context():
        engine = db.engine

    @event.listens_for(engine, "before_cursor_execute")
    def _count(conn, cursor, statement, parameters, context, executemany):
        try:
            g.bench_statements = g.get("bench_statements", 0) + 1
        except RuntimeError:  # outside a request
            pass

    @app.after_request
    def _header(response):
        response.headers["X-SQL-Statements"] = str(g.get("bench_statements", 0))
        return response

    return app


def make_hello():
    from flask import Flask

    app = Flask("hello")

    @app.route("/")
    def hello():
        return "Hello, World!"

    return app
