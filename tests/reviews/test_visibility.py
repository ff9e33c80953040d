"""Who sees what: others' scores only after submitting (never names), staff everything,
conflicted, recused or unassigned reviewers nothing (404 on every reviewer route)."""
from __future__ import annotations

import pytest
from sqlalchemy import update

from grants.extensions import db
from grants.models import ReviewAssignment
from grants.timeutil import now_utc
from tests.factories import create_applicant, create_call, create_proposal, create_user
from tests.factories_panel import create_assignment, create_conflict, create_reviewer
from tests.factories_proposals import create_attachment
from tests.factories_reviews import cleared, create_review


def _text(response):
    return response.get_data(as_text=True)


@pytest.fixture
def world():
    call = create_call(status="closed", show_scores_after_submit=True)
    proposal = create_proposal(call, status="screened_in", title="困境儿童陪伴计划")
    attachment = create_attachment(proposal)
    me = cleared(proposal, name="我自己")
    other = cleared(proposal, name="钱专家")
    create_review(proposal, other, [9, 9, 9, 9, 9, 9])   # 90
    return call, proposal, attachment, me, other


def _routes(proposal, attachment):
    return [f"/reviews/proposals/{proposal.id}", f"/reviews/proposals/{proposal.id}/attachments/{attachment.id}"]


def test_others_scores_hidden_until_own_review_submitted(login, world):
    call, proposal, _att, me, other = world
    client = login(me)
    page = _text(client.get(f"/reviews/proposals/{proposal.id}"))
    assert "提交您自己的评审后，才能看到其他专家的评分" in page and "90.00" not in page
    draft = create_review(proposal, me, [8, 8, 8, 8, 8, 8], status="draft")
    assert "90.00" not in _text(client.get(f"/reviews/proposals/{proposal.id}"))
    draft.status, draft.weighted_total, draft.submitted_at = "submitted", 80, now_utc()
    db.session.commit()
    page = _text(client.get(f"/reviews/proposals/{proposal.id}"))
    assert "90.00" in page and "其他专家1" in page and "钱专家" not in page


def test_call_setting_off_hides_others_scores_even_after_submit(login, world):
    call, proposal, _att, me, other = world
    call.show_scores_after_submit = False
    db.session.commit()
    create_review(proposal, me, [8, 8, 8, 8, 8, 8])
    page = _text(login(me).get(f"/reviews/proposals/{proposal.id}"))
    assert "本次征集不显示其他专家的评分" in page and "90.00" not in page


def test_staff_see_every_review_with_names(login, world):
    call, proposal, _att, me, other = world
    create_review(proposal, me, [7, 7, 7, 7, 7, 7], status="draft")
    page = _text(login(create_user("staff")).get(f"/reviews/proposals/{proposal.id}/scores"))
    assert "钱专家" in page and "我自己" in page and "90.00" in page


@pytest.mark.parametrize("who", ["unassigned", "assigned_undeclared", "recused", "conflict_recorded",
                                 "applicant_of_org", "other_reviewer_removed"])
def test_nobody_else_sees_anything(login, world, who):
    call, proposal, attachment, me, other = world
    if who == "unassigned":
        user = create_reviewer()
    elif who == "assigned_undeclared":
        user = create_reviewer()
        create_assignment(proposal, user, status="assigned")
    elif who == "recused":
        user = create_reviewer()
        create_assignment(proposal, user, status="recused")
    elif who == "conflict_recorded":
        user = cleared(proposal)
        create_conflict(user, organisation=proposal.organisation)
    elif who == "applicant_of_org":
        user = create_applicant(proposal.organisation)
    else:
        user = other
        db.session.execute(update(ReviewAssignment).where(ReviewAssignment.reviewer_id == other.id)
                           .values(status="removed"))
        db.session.commit()
    client = login(user)
    for url in _routes(proposal, attachment):
        assert client.get(url).status_code == 404, url
    assert client.post(_routes(proposal, attachment)[0], data={"action": "draft"}).status_code == 404


def test_recused_reviewer_scores_disappear_from_others_view(login, world):
    call, proposal, _att, me, other = world
    create_review(proposal, me, [8, 8, 8, 8, 8, 8])
    db.session.execute(update(ReviewAssignment).where(ReviewAssignment.reviewer_id == other.id)
                       .values(status="recused"))
    db.session.commit()
    page = _text(login(me).get(f"/reviews/proposals/{proposal.id}"))
    assert "90.00" not in page and "尚无其他专家提交评审" in page
