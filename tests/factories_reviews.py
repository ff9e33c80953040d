"""Factories for scoring (area "reviews"): cleared assignments and reviews with given totals."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from grants.extensions import db
from grants.models import CriterionScore, Review
from grants.services.reviews import weighted_total
from grants.timeutil import now_utc
from tests.factories_panel import create_assignment, create_reviewer


def cleared(proposal, reviewer=None, **kwargs):
    """A reviewer assigned to the proposal who declared no conflict (created when not given)."""
    reviewer = reviewer or create_reviewer(**kwargs)
    create_assignment(proposal, reviewer, status="cleared")
    return reviewer


def create_review(proposal, reviewer, scores=None, *, total=None, status="submitted", recommendation="fund",
                  submitted_at=None, overall_comment="总体较好。"):
    """A review with per-criterion `scores` (list in rubric order, weighted total computed), or
    with all criteria at the same fraction of their maximum giving exactly `total`."""
    criteria = list(proposal.call.criteria)
    if scores is None:
        fraction = Decimal(str(total)) / 100
        scores = [Decimal(c.max_score) * fraction for c in criteria]
    values = {c.id: Decimal(str(s)) for c, s in zip(criteria, scores, strict=True)}
    review = Review(proposal_id=proposal.id, reviewer_id=reviewer.id, status=status,
                    overall_comment=overall_comment, recommendation=recommendation)
    for c in criteria:
        review.scores.append(CriterionScore(criterion_id=c.id, score=values[c.id], comment="意见"))
    if status == "submitted":
        review.weighted_total = weighted_total(criteria, values) if total is None else Decimal(str(total))
        review.submitted_at = submitted_at or now_utc() - timedelta(hours=1)
    db.session.add(review)
    db.session.commit()
    return review
