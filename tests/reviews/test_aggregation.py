"""Aggregation and ranking against hand-computed figures (see the comments for the sums)."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from grants.extensions import db
from grants.models import ReviewAssignment
from grants.services import ranking
from grants.services.reviews import weighted_total
from grants.sqlcount import recorded_statements
from grants.timeutil import now_utc
from tests.factories import create_call, create_proposal
from tests.factories_reviews import cleared, create_review

D = Decimal


def r2(value):
    return ranking.round2(value)


def _proposal_with_totals(call, totals, **kwargs):
    proposal = create_proposal(call, status="screened_in", **kwargs)
    for t in totals:
        create_review(proposal, cleared(proposal), total=t)
    return proposal


def _row(result, proposal):
    return next(r for r in result.rows if r.proposal_id == proposal.id)


def test_weighted_total_uses_weights_and_half_points():
    call = create_call(status="closed")  # 20/25/20/15/10/10, max 10
    criteria = list(call.criteria)
    scores = dict(zip([c.id for c in criteria], map(D, ["8.5", "9", "7.5", "6", "10", "5"]), strict=True))
    # 20×.85 + 25×.9 + 20×.75 + 15×.6 + 10×1 + 10×.5 = 17 + 22.5 + 15 + 9 + 10 + 5
    assert weighted_total(criteria, scores) == D("78.500")


def test_weighted_total_with_different_maxima():
    call = create_call(status="closed", rubric=(("需求", 50), ("预算", 50)), max_score=20)
    a, b = call.criteria
    b.max_score = 5
    db.session.commit()
    # 50 × 13.5/20 + 50 × 2.5/5 = 33.75 + 25
    assert weighted_total([a, b], {a.id: D("13.5"), b.id: D("2.5")}) == D("58.750")


def test_trimmed_mean_with_ties_at_top_and_bottom():
    call = create_call(status="closed")
    p = _proposal_with_totals(call, [90, 90, 85, 60, 60])
    row = _row(ranking.compute(call), p)
    assert row.n == 5
    assert row.mean == D("77")                  # 385 / 5
    assert r2(row.trimmed) == D("78.33")        # one 90 and one 60 dropped: 235 / 3
    assert row.median == D("85")
    assert row.sd == D("14")                    # sqrt((169+169+64+289+289) / 5) = sqrt(196)
    assert row.spread == D("30")
    assert row.trimmed_applied and not row.disagreement
    assert row.score == row.trimmed             # the call's default method


def test_fewer_than_five_reviews_trimmed_is_the_mean():
    call = create_call(status="closed", reviewers_per_proposal=3)
    three = _proposal_with_totals(call, [80, 70, 60])
    four = _proposal_with_totals(call, [95, 60, 70, 85])
    result = ranking.compute(call)
    a, b = _row(result, three), _row(result, four)
    assert a.trimmed == a.mean == D("70") and a.median == D("70")
    assert r2(a.sd) == D("8.16")                # sqrt(200 / 3) = 8.1649…
    assert b.trimmed == b.mean == D("77.5")
    assert b.median == D("77.5")                # (70 + 85) / 2
    assert r2(b.sd) == D("13.46")               # sqrt(725 / 4)
    assert not a.trimmed_applied and not a.incomplete


def test_disagreement_flag_uses_the_call_threshold():
    call = create_call(status="closed", reviewers_per_proposal=4)
    p = _proposal_with_totals(call, [95, 55, 90, 50])
    row = _row(ranking.compute(call), p)
    assert r2(row.sd) == D("20.16")             # sqrt(1625 / 4)
    assert row.disagreement
    call.disagreement_threshold = D("21")
    db.session.commit()
    assert not _row(ranking.compute(call), p).disagreement


def test_calibration_with_a_harsh_and_a_lenient_reviewer():
    """H scores 50..70 and L 80..100 on the same five proposals; N (one review) keeps raw.
    Call: 11 totals, mean 75, population sd sqrt(250). H and L: own sd sqrt(50), so a total
    maps to 75 + (x − own mean) × sqrt(5)."""
    call = create_call(status="closed", ranking_method="calibrated", reviewers_per_proposal=2)
    proposals = [create_proposal(call, status="screened_in") for _ in range(5)]
    harsh, lenient = cleared(proposals[0], name="严格专家"), cleared(proposals[0], name="宽松专家")
    for i, p in enumerate(proposals):
        if i:
            cleared(p, harsh)
            cleared(p, lenient)
        create_review(p, harsh, total=50 + 5 * i)
        create_review(p, lenient, total=80 + 5 * i)
    normal = cleared(proposals[0], name="普通专家")
    create_review(proposals[0], normal, total=75)
    result = ranking.compute(call)
    assert result.call_mean == D("75")
    assert r2(result.call_sd) == D("15.81")
    assert result.calibrated_reviewers == 2
    rows = [_row(result, p) for p in proposals]
    # P1: (2 × (75 − 10·sqrt 5) + 75) / 3 = 60.0929
    assert [r2(r.calibrated) for r in rows] == [D("60.09"), D("63.82"), D("75.00"), D("86.18"), D("97.36")]
    assert r2(rows[0].mean) == D("68.33")       # raw: (50 + 80 + 75) / 3
    assert [r.rank for r in rows] == [5, 4, 3, 2, 1]   # ranked by the calibrated score
    assert result.reviewer_stats[harsh.id][0] == 5


def test_ties_higher_median_then_earlier_submission():
    call = create_call(status="closed", ranking_method="mean")
    now = now_utc()
    a = _proposal_with_totals(call, [90, 70, 80], submitted_at=now - timedelta(days=3))   # mean 80, median 80
    b = _proposal_with_totals(call, [85, 85, 70], submitted_at=now - timedelta(days=2))   # mean 80, median 85
    c = _proposal_with_totals(call, [85, 85, 70], submitted_at=now - timedelta(days=4))   # same as b, earlier
    order = [r.proposal_id for r in ranking.compute(call).rows]
    assert order == [c.id, b.id, a.id]


def test_recommended_set_skips_what_no_longer_fits():
    call = create_call(status="closed", budget_pool="200000.00", per_project_cap="100000.00")
    p1 = _proposal_with_totals(call, [90, 90, 90], amount_requested="80000.00")
    p2 = _proposal_with_totals(call, [85, 85, 85], amount_requested="90000.00")
    p3 = _proposal_with_totals(call, [80, 80, 80], amount_requested="50000.00")
    p4 = _proposal_with_totals(call, [75, 75, 75], amount_requested="30000.00")
    unscored = create_proposal(call, status="screened_in", amount_requested="1000.00")
    result = ranking.compute(call)
    assert [r.proposal_id for r in result.rows] == [p1.id, p2.id, p3.id, p4.id, unscored.id]
    assert [r.recommended for r in result.rows] == [True, True, False, True, False]
    assert [r.cumulative_requested for r in result.rows] == [D("80000.00"), D("170000.00"), D("220000.00"),
                                                              D("250000.00"), D("251000.00")]
    assert result.recommended_total == D("200000.00")
    assert result.cut_index == 2 and result.cut_remaining == D("30000.00")
    assert result.rows[-1].rank is None


def test_only_submitted_reviews_of_cleared_reviewers_count():
    call = create_call(status="closed")
    p = _proposal_with_totals(call, [80, 60])
    create_review(p, cleared(p), total=10, status="draft")
    recused = cleared(p)
    create_review(p, recused, total=0)
    db.session.query(ReviewAssignment).filter_by(reviewer_id=recused.id).update({"status": "recused"})
    db.session.commit()
    row = _row(ranking.compute(call), p)
    assert row.n == 2 and row.mean == D("70")


@pytest.mark.parametrize("n_small, n_big", [(3, 15)])
def test_statement_count_does_not_depend_on_the_number_of_proposals(n_small, n_big):
    def count_for(n):
        call = create_call(status="closed")
        for i in range(n):
            _proposal_with_totals(call, [70 + i % 20, 60])
        db.session.expire_all()
        call = db.session.get(type(call), call.id)
        with recorded_statements(db.engine) as statements:
            ranking.compute(call)
        return len(statements)

    assert count_for(n_small) == count_for(n_big) == ranking.STATEMENTS
