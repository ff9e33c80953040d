"""Demo data for calls: the open and the closed call, one flagged organisation; idempotent."""
from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import func, select

from grants.extensions import db
from grants.models import Call, Organisation
from grants.seed import calls as seed_calls
from grants.seed import core as seed_core
from grants.services.calls import accepting_at
from grants.services.eligibility import check
from grants.timeutil import local_today


def _run_twice(app):
    for _ in range(2):
        ctx = {"logins": []}
        with app.test_request_context():
            seed_core.run(ctx)
            seed_calls.run(ctx)
    return ctx


def test_seed_calls(app):
    ctx = _run_twice(app)
    assert db.session.scalar(select(func.count()).select_from(Call)) == 2
    open_call, closed_call = ctx["open_call"], ctx["closed_call"]
    assert open_call.status == "open" and closed_call.status == "closed"
    assert accepting_at(open_call, datetime.now(UTC))
    assert (open_call.budget_pool, open_call.per_project_cap) == (Decimal("2000000.00"), Decimal("80000.00"))
    assert [c.weight for c in open_call.criteria] == [20, 25, 20, 15, 10, 10]
    assert [t.percentage for t in open_call.tranches] == [50, 30, 20]
    assert open_call.min_matching_share == Decimal("20") and open_call.max_personnel_share == Decimal("30")
    assert (closed_call.budget_pool, closed_call.per_project_cap) == (Decimal("1500000.00"), Decimal("100000.00"))
    assert [t.percentage for t in closed_call.tranches] == [30, 40, 30]
    assert closed_call.min_grade == 3 and closed_call.blind_review and closed_call.reviewers_per_proposal == 3
    flagged = db.session.scalars(select(Organisation).where(Organisation.blacklisted.is_(True))).all()
    assert [o.name for o in flagged] == ["嘉兴市环境保护志愿者协会"]
    with app.test_request_context():
        assert "该组织已被列入严重违法失信名单。" in check(open_call, flagged[0], local_today())
