"""The reviews seed step: complete submitted reviews for every cleared assignment."""
from __future__ import annotations

from sqlalchemy import func, select

from grants.extensions import db
from grants.models import Review, ReviewAssignment
from grants.seed import core, panel, reviews
from grants.services import ranking
from tests.factories import create_call, create_proposal


def test_reviews_seed_is_complete_varied_and_idempotent():
    ctx = {"logins": []}
    core.run(ctx)
    call = create_call(status="closed", title="2026年度嘉兴市公益创投", reviewers_per_proposal=3,
                       budget_pool="500000.00")
    for org in ctx["organisations"][:12]:
        create_proposal(call, org, status="screened_in")
    ctx["closed_call"] = call
    panel.run(ctx)
    reviews.run(ctx)
    cleared = db.session.scalar(select(func.count(ReviewAssignment.id)).where(ReviewAssignment.status == "cleared"))
    submitted = list(db.session.scalars(select(Review).where(Review.status == "submitted")))
    assert len(submitted) == cleared == 36
    assert all(len(r.scores) == 6 and r.overall_comment and r.recommendation for r in submitted)
    result = ranking.compute(call)
    assert sum(1 for row in result.rows if row.disagreement) >= 1
    users = {u.email: u.id for u in ctx["reviewers"]}
    stats = result.reviewer_stats
    assert stats[users[reviews.HARSH]][1] + 10 < stats[users[reviews.LENIENT]][1]
    assert result.calibrated_reviewers >= 5
    assert result.recommended and result.cut_index is not None
    reviews.run(ctx)
    assert db.session.scalar(select(func.count(Review.id))) == 36
