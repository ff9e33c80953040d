"""Ranking at scale (issue 14): one proposal's figures without the whole ranking, the ranking
scoped to its call, a constant number of statements."""
from __future__ import annotations

from decimal import Decimal

from grants.extensions import db
from grants.models import Proposal
from grants.services import ranking
from grants.sqlcount import recorded_statements
from tests.factories import create_call, create_proposal, create_user
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


def _ranked_call(n):
    call = create_call(status="closed", budget_pool="200000.00", per_project_cap="100000.00", reviewers_per_proposal=1)
    reviewer = None
    proposals = []
    for i in range(n):
        p = create_proposal(call, status="screened_in", title=f"排名项目{i:02d}", amount_requested="30000.00")
        reviewer = cleared(p, reviewer)
        create_review(p, reviewer, total=90 - i)  # ranked in creation order
        proposals.append(p)
    return call, proposals


def test_ranking_page_is_paginated_and_links_to_the_cut_line(login):
    call, proposals = _ranked_call(12)  # 6 × 30,000 fit in 200,000: the cut line is before the 7th
    client = login(create_user("staff"))
    first = client.get(f"/reviews/calls/{call.id}/ranking?per_page=5").get_data(as_text=True)
    assert "排名项目00" in first and "排名项目04" in first and "排名项目05" not in first
    assert "12 in all" in first or "共 12" in first
    assert 'id="cut-line"' not in first
    assert f"/reviews/calls/{call.id}/ranking?per_page=5&amp;page=2#cut-line" in first  # the link to it
    second = client.get(f"/reviews/calls/{call.id}/ranking?per_page=5&page=2").get_data(as_text=True)
    assert "排名项目05" in second and "排名项目04" not in second
    # the cut line sits between the 6th and the 7th proposal, on page 2
    assert second.index("排名项目05") < second.index('id="cut-line"') < second.index("排名项目06")
    assert f'href="/reviews/proposals/{proposals[5].id}/scores"' in second
    third = client.get(f"/reviews/calls/{call.id}/ranking?per_page=5&page=3").get_data(as_text=True)
    assert "排名项目10" in third and "排名项目11" in third and "排名项目09" not in third
