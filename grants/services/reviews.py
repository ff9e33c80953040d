"""Scoring: a reviewer saves a draft review, submits it (locked), staff may reopen it.

Rules (issue 4):
- one review per reviewer per proposal (database-unique);
- per criterion a score from 0 to the criterion's max_score in whole or half points, and a
  comment; a comment is required for any score below 60% of the maximum (checked on submit;
  a draft may be incomplete, but a score it holds must be in range and in half points);
- on submit: every criterion scored, an overall comment and a recommendation; the weighted
  total Σ weight × score / max_score (100-point scale; scaled by 100 / Σ weight should the
  weights not add up to 100) is fixed, rounded half-up to 3 places;
- nothing changes after the call's review deadline;
- staff reopen a submitted review with a reason (audited, the reviewer is notified).
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from grants import permissions
from grants.extensions import db
from grants.models import CriterionScore, Proposal, Review, RubricCriterion
from grants.models.review import RECOMMENDATIONS
from grants.services import ServiceError, atomic, redaction
from grants.services.audit import record
from grants.services.workflow import transition
from grants.timeutil import now_utc
from grants.workflows import REVIEW

COMMENT_THRESHOLD = Decimal("0.6")  # a comment is required below 60% of the maximum
HALF = Decimal("0.5")
THOUSANDTH = Decimal("0.001")


@dataclass
class CriterionInput:
    score: Decimal | None
    comment: str = ""


def score_field(criterion_id: int) -> str:
    return f"score_{criterion_id}"


def comment_field(criterion_id: int) -> str:
    return f"comment_{criterion_id}"


def review_of(reviewer, proposal) -> Review | None:
    return db.session.scalar(select(Review).where(Review.proposal_id == proposal.id, Review.reviewer_id == reviewer.id))


def weighted_total(criteria: list[RubricCriterion], scores: dict[int, Decimal]) -> Decimal:
    """Σ weight × score / max_score on a 100-point scale, exact, rounded half-up to 3 places."""
    weight_sum = sum(Decimal(c.weight) for c in criteria)
    if not weight_sum:
        return Decimal("0.000")
    raw = sum(Decimal(c.weight) * scores[c.id] / Decimal(c.max_score) for c in criteria)
    return (raw * Decimal(100) / weight_sum).quantize(THOUSANDTH, rounding=ROUND_HALF_UP)


def _check(criteria, inputs: dict[int, CriterionInput], overall: str, recommendation: str | None,
           submitting: bool) -> dict:
    errors: dict[str, list] = {}
    for c in criteria:
        item = inputs.get(c.id) or CriterionInput(None, "")
        name = score_field(c.id)
        if item.score is None:
            if submitting:
                errors[name] = [_("Give a score for this criterion.")]
            continue
        if not item.score.is_finite() or item.score < 0 or item.score > c.max_score:
            errors[name] = [_("Give a score from 0 to %(max)d.", max=c.max_score)]
        elif item.score % HALF != 0:
            errors[name] = [_("Scores are in whole or half points (for example 7 or 7.5).")]
        elif submitting and item.score < COMMENT_THRESHOLD * c.max_score and not item.comment.strip():
            errors[comment_field(c.id)] = [
                _("A comment is required for a score below 60%% of the maximum (below %(limit)s).",
                  limit=comment_limit(c))]
    if recommendation and recommendation not in RECOMMENDATIONS:
        errors["recommendation"] = [_("Choose a recommendation.")]
    if submitting:
        if not recommendation:
            errors["recommendation"] = [_("Choose a recommendation.")]
        if not (overall or "").strip():
            errors["overall_comment"] = [_("Write an overall comment.")]
    return errors


def comment_limit(criterion) -> str:
    """The score below which a comment is required for this criterion, as shown to reviewers."""
    return _fmt(COMMENT_THRESHOLD * criterion.max_score)


def _fmt(value: Decimal) -> str:
    text = f"{value.normalize():f}"
    return text


def save(actor, proposal: Proposal, inputs: dict[int, CriterionInput], *, overall_comment: str = "",
         recommendation: str | None = None, submit: bool = False) -> Review:
    """Save the actor's review of the proposal as a draft, or submit it (locks it)."""
    if not permissions.can_open_proposal_as_reviewer(actor, proposal):
        raise ServiceError(_("You cannot review this proposal."))
    call = proposal.call
    if permissions.review_deadline_passed(call):
        raise ServiceError(_("The review deadline has passed; scores can no longer be changed."))
    if proposal.status != "screened_in":
        raise ServiceError(_("A decision has been taken on this proposal; scores can no longer be changed."))
    review = review_of(actor, proposal)
    if review is not None and review.status != "draft":
        raise ServiceError(_("Your review has been submitted and is locked. Staff can reopen it if needed."))
    criteria = list(call.criteria)
    overall_comment = (overall_comment or "").strip()
    recommendation = recommendation or None
    errors = _check(criteria, inputs, overall_comment, recommendation, submit)
    if errors:
        message = (_("Your review cannot be submitted yet: please correct the marked fields.") if submit
                   else _("Your draft cannot be saved: please correct the marked fields."))
        raise ServiceError(message, errors)
    try:
        with atomic():
            created = review is None
            if created:
                review = Review(proposal_id=proposal.id, reviewer_id=actor.id, status="draft")
                db.session.add(review)
                db.session.flush()
            existing = {s.criterion_id: s for s in review.scores}
            for c in criteria:
                item = inputs.get(c.id) or CriterionInput(None, "")
                row = existing.get(c.id)
                if item.score is None:
                    if row is not None:
                        review.scores.remove(row)
                    continue
                if row is None:
                    row = CriterionScore(criterion_id=c.id, score=item.score, comment=item.comment.strip())
                    review.scores.append(row)
                else:
                    row.score, row.comment = item.score, item.comment.strip()
            review.overall_comment = overall_comment
            review.recommendation = recommendation
            if submit:
                total = weighted_total(criteria, {c.id: inputs[c.id].score for c in criteria})
                review.weighted_total = total
                review.submitted_at = now_utc()
                transition(REVIEW, review, "submitted", actor, data={"weighted_total": str(total)})
            else:
                record(actor, review, "review.start" if created else "review.save_draft")
    except IntegrityError:
        raise ServiceError(_("Your review was saved from another window at the same time; reload the page "
                             "and try again.")) from None
    return review


def reopen(actor, review: Review, reason: str) -> Review:
    """Staff send a submitted review back to draft, with a reason; the reviewer is notified."""
    if not permissions.can_reopen_review(actor, review):
        raise ServiceError(_("Only a submitted review can be reopened, by programme staff."))
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("Give the reason for reopening the review."),
                           {"reason": [_("Give the reason for reopening the review.")]})
    proposal = review.proposal
    shown = redaction.for_viewer(review.reviewer, proposal)
    with atomic():
        previous = review.weighted_total
        transition(REVIEW, review, "draft", actor, note=reason,
                   data={"previous_total": str(previous) if previous is not None else None},
                   to=[review.reviewer], template="review_reopened", kind="review.reopened",
                   context={"proposal": proposal, "title": shown.title, "call": proposal.call,
                            "reason": shown.text(reason)})
        review.weighted_total = None
        review.submitted_at = None
    return review


def others_reviews(proposal: Proposal, viewer) -> list[Review]:
    """Submitted, counted reviews of the proposal by other reviewers (staff: all of them)."""
    from grants.services.ranking import counted_reviews

    stmt = counted_reviews(proposal.call_id).where(Review.proposal_id == proposal.id).order_by(Review.submitted_at,
                                                                                             Review.id)
    return [r for r in db.session.scalars(stmt) if r.reviewer_id != viewer.id]
