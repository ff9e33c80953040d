"""A throwaway PostgreSQL database for a bench run, on the server a URL names."""
from __future__ import annotations


def postgres(url: str, name: str):
    """Create (fresh) database `name` on the server of `url`; returns (its URL, drop())."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from config import _database_url

    parsed = make_url(_database_url(url))
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop():
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return parsed.set(database=name).render_as_string(hide_password=False), drop
