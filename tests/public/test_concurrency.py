"""Disclosure steps pressed many times at once, on PostgreSQL (real row locks): one annual
disclosure per organisation and year, one approval, one withdrawal of an enforcement record.
SQLite has no row locks; the unique key and the version column stand in there."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from grants.extensions import db
from grants.models import AnnualDisclosure, AuditEvent, EnforcementRecord, Organisation, User
from grants.services import disclosure
from tests.core.test_concurrency import _count, race
from tests.factories import create_applicant, create_org, create_user

THREADS = 10


@pytest.fixture(autouse=True)
def _postgresql_only(database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("row-lock races need PostgreSQL (CI runs them there)")


def test_ten_members_start_the_same_year_at_once(app):
    org = create_org()
    member_ids = [create_applicant(org).id for _ in range(THREADS)]
    turn = iter(member_ids)

    def start():
        actor = db.session.get(User, next(turn))
        disclosure.start(actor, db.session.get(Organisation, org.id), 2025)

    ok, refused, crashed = race(app, start, THREADS)
    assert not crashed, crashed
    assert len(ok) == 1 and len(refused) == THREADS - 1
    assert _count(AnnualDisclosure) == 1


def test_ten_staff_approve_and_withdraw_at_once(app):
    org = create_org()
    member = create_applicant(org)
    d = disclosure.start(member, org, 2025)
    disclosure.save(member, d, {"activities": "活动", "income": Decimal("1"), "expenditure": Decimal("1"),
                                "net_assets": Decimal("0"), "donations_received": Decimal("0")})
    disclosure.submit(member, d)
    staff_ids = [create_user("staff").id for _ in range(THREADS)]
    record = disclosure.add_enforcement(db.session.get(User, staff_ids[0]), org, decided_on=date(2025, 1, 2),
                                        kind="warning", authority="嘉兴市民政局", summary="警告")
    d_id, record_id = d.id, record.id
    turn = iter(staff_ids)
    ok, refused, crashed = race(app, lambda: disclosure.approve(db.session.get(User, next(turn)),
                                                                db.session.get(AnnualDisclosure, d_id)), THREADS)
    assert not crashed and len(ok) == 1, (crashed, refused)
    assert _count(AuditEvent, AuditEvent.action == "disclosure.approve") == 1
    turn = iter(staff_ids)
    ok, refused, crashed = race(app, lambda: disclosure.withdraw_enforcement(
        db.session.get(User, next(turn)), db.session.get(EnforcementRecord, record_id), "录入错误"), THREADS)
    assert not crashed and len(ok) == 1, (crashed, refused)
    assert _count(AuditEvent, AuditEvent.action == "organisation.enforcement_withdraw") == 1
    assert db.session.scalar(select(EnforcementRecord.withdrawn_reason)) == "录入错误"
