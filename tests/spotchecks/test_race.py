"""Twenty staff drawing the same period at the same moment, on PostgreSQL: one draw is made, the
others are told a draw for the period exists; one audit event. (SQLite serialises writers; the
unique constraint is covered there by test_draws.test_one_draw_per_period_and_population.)"""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from grants.extensions import db
from grants.models import AuditEvent, SpotCheckDraw, SpotCheckItem, User
from grants.services import spotchecks
from tests.core.test_concurrency import THREADS, race
from tests.factories import create_user
from tests.spotchecks.factories import DRAW_DAY, active_awards, create_inspectors


@pytest.fixture(autouse=True)
def _postgresql_only(database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("row-lock races need PostgreSQL (CI runs them there); SQLite is covered by test_draws")


def _count(model, *where):
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_twenty_staff_draw_the_same_period_at_once(app):
    staff_ids = [create_user("staff").id for _ in range(THREADS)]
    active_awards(30)
    create_inspectors(4)
    turn = iter(range(THREADS))
    turn_lock = threading.Lock()

    def draw():
        with turn_lock:
            i = next(turn)
        spotchecks.create_draw(db.session.get(User, staff_ids[i]), population="awards", period="2026年第四季度",
                               nonce=f"n{i}", today=DRAW_DAY)

    ok, refused, crashed = race(app, draw)
    assert crashed == []
    assert len(ok) == 1 and len(refused) == THREADS - 1
    assert all(message for message in refused)
    assert _count(SpotCheckDraw) == 1
    assert _count(SpotCheckItem) == 2
    assert _count(AuditEvent, AuditEvent.action == "spotcheck.draw") == 1
