"""Scoring and ranking: reviewers score what they were cleared for; staff see reviews and ranking."""
from tests.access import STAFF, Rule, only
from tests.factories import create_call, create_proposal
from tests.factories_proposals import create_attachment
from tests.factories_reviews import cleared, create_review


def extend_world(w):
    w.rev_call = create_call(title="评分准入测试征集", status="closed")
    w.rev_proposal = create_proposal(w.rev_call, w.org_a, status="screened_in", title="评分准入测试项目")
    cleared(w.rev_proposal, w.users["reviewer"])
    w.rev_attachment = create_attachment(w.rev_proposal)
    w.rev_other = cleared(w.rev_proposal, name="已提交专家")
    w.rev_submitted = create_review(w.rev_proposal, w.rev_other, total=80)


def _staff():
    """Staff pages of one proposal, review or call: to everyone else they do not exist."""
    return only(STAFF, default=404)


def _reviewer_only():
    """The cleared reviewer; to everyone else the proposal does not exist here."""
    return only(("reviewer",), default=404)


RULES = [
    Rule("reviews.index", "GET", lambda w: "/reviews/", only(STAFF)),
    # staff are sent to the page with every review of the proposal
    Rule("reviews.review", "GET", lambda w: f"/reviews/proposals/{w.rev_proposal.id}",
         only(("reviewer",) + STAFF, default=404)),
    Rule("reviews.review", "POST", lambda w: f"/reviews/proposals/{w.rev_proposal.id}",
         only(("reviewer",), default=404, staff=403, admin=403), data=lambda w: {"action": "draft"},
         visible=STAFF),
    Rule("reviews.attachment", "GET",
         lambda w: f"/reviews/proposals/{w.rev_proposal.id}/attachments/{w.rev_attachment.id}", _reviewer_only()),
    Rule("reviews.scores", "GET", lambda w: f"/reviews/proposals/{w.rev_proposal.id}/scores", _staff()),
    Rule("reviews.reopen", "POST", lambda w: f"/reviews/{w.rev_submitted.id}/reopen", _staff(),
         data=lambda w: {"reason": "请复核预算评分"}),
    # finance staff read the ranking (and its export) from the award stage on
    Rule("reviews.ranking", "GET", lambda w: f"/reviews/calls/{w.rev_call.id}/ranking",
         only(STAFF + ("finance", "finance_senior"), default=404)),
    Rule("reviews.ranking_export", "GET", lambda w: f"/reviews/calls/{w.rev_call.id}/ranking.xlsx",
         only(STAFF + ("finance", "finance_senior"), default=404)),
]
