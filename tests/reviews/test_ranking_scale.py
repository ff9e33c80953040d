"""Ranking at scale (issue 14): one proposal's figures without the whole ranking, the ranking
scoped to its call, a constant number of statements."""
from __future__ import annotations

from decimal import Decimal

from grants.extensions import db
from grants.models import Proposal
from grants.services import ranking
from grants.sqlcount import recorded_statements
from tests.factories import create_call, create_proposal
from tests.factories_reviews import cleared, create_review

FIELDS = ("n", "mean", "median", "trimmed", "sd", "low", "high", "calibrated", "score", "disagreement",
          "incomplete", "totals")


def _calibrated_call():
    call = create_call(status="closed", ranking_method="calibrated", reviewers_per_proposal=2)
    proposals = [create_proposal(call, status="screened_in") for _ in range(6)]
    harsh, lenient = cleared(proposals[0], name="严格专家"), cleared(proposals[0], name="宽松专家")
    for i, p in enumerate(proposals):
        if i:
            cleared(p, harsh)
            cleared(p, lenient)
        create_review(p, harsh, total=50 + 5 * i)
        create_review(p, lenient, total=80 + 3 * i)
    normal = cleared(proposals[0], name="普通专家")
    create_review(proposals[0], normal, total=75)
    create_proposal(call, status="screened_in")  # no review yet
    return call


def test_proposal_score_gives_the_rankings_figures_for_every_proposal():
    call = _calibrated_call()
    other = _calibrated_call()  # another call's reviews never count
    result = ranking.compute(call)
    assert result.calibrated_reviewers == 2
    for row in result.rows:
        alone = ranking.proposal_score(db.session.get(Proposal, row.proposal_id))
        assert {f: getattr(alone, f) for f in FIELDS} == {f: getattr(row, f) for f in FIELDS}
    assert ranking.compute(other).call_mean == result.call_mean


def test_proposal_score_statements_do_not_depend_on_the_size_of_the_call():
    def count_for(n):
        call = create_call(status="closed")
        proposals = [create_proposal(call, status="screened_in") for _ in range(n)]
        for i, p in enumerate(proposals):
            create_review(p, cleared(p), total=60 + i % 30)
        db.session.expire_all()
        proposal = db.session.get(Proposal, proposals[0].id)
        call = proposal.call
        with recorded_statements(db.engine) as seen:
            ranking.proposal_score(proposal)
        return len(seen)

    assert count_for(2) == count_for(12) == ranking.PROPOSAL_STATEMENTS


def test_a_proposal_without_counted_reviews_has_no_figures():
    call = create_call(status="closed")
    p = create_proposal(call, status="screened_in")
    row = ranking.proposal_score(p)
    assert row.n == 0 and row.mean is None and row.incomplete
    assert row.amount_requested == (p.amount_requested or Decimal("0.00"))
