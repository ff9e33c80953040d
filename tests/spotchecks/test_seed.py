"""The spot-check seed step: a pool of eight, one draw with results, idempotent."""
from __future__ import annotations

from sqlalchemy import func, select

from grants.extensions import db
from grants.models import Inspector, SpotCheckDraw, SpotCheckItem, SpotCheckResult
from grants.seed import core, spotchecks


def _count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_spotcheck_seed_makes_a_pool_a_draw_and_results_once():
    ctx = {"logins": []}
    core.run(ctx)
    spotchecks.run(ctx)
    spotchecks.run(ctx)
    assert _count(Inspector) == 8
    assert _count(SpotCheckDraw) == 1
    draw = db.session.scalar(select(SpotCheckDraw))
    assert draw.population == "organisations" and draw.nonce == spotchecks.NONCE
    assert _count(SpotCheckItem) == draw.document_count >= 2
    results = list(db.session.scalars(select(SpotCheckResult).order_by(SpotCheckResult.id)))
    assert [r.rating for r in results] == ["qualified", "basically_qualified"]
    assert results[0].closed_on is not None and results[1].rectification_required
    # The demo staff member is linked to an inspector: never drawn for organisations they handled.
    staff_inspector = db.session.scalar(select(Inspector).where(Inspector.user_id.is_not(None)))
    assert staff_inspector.name == "周建国"
