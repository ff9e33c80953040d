"""The reviewer's scoring page and service: drafts, validation beside the fields, submit lock,
deadline lock, staff reopen (audited, notified)."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from grants.extensions import db
from grants.models import AuditEvent, OutboxMessage, Review
from grants.services import ServiceError
from grants.services import reviews as service
from grants.timeutil import now_utc
from tests.factories import create_call, create_proposal, create_user
from tests.factories_reviews import cleared, create_review


def _text(response):
    return response.get_data(as_text=True)


@pytest.fixture
def setup():
    call = create_call(status="closed", title="2026年度社区服务项目评审")  # 20/25/20/15/10/10, max 10
    proposal = create_proposal(call, status="screened_in", title="长者助餐服务")
    reviewer = cleared(proposal, name="王评审")
    return call, proposal, reviewer


def _form(call, scores, comments=None, overall="项目设计合理，建议资助。", recommendation="fund", action="submit"):
    data = {"overall_comment": overall, "recommendation": recommendation, "action": action}
    for i, c in enumerate(call.criteria):
        data[f"score_{c.id}"] = scores[i] if i < len(scores) else ""
        data[f"comment_{c.id}"] = (comments or {}).get(i, "")
    return data


def test_reviewer_saves_a_draft_then_submits(login, setup):
    call, proposal, reviewer = setup
    client = login(reviewer)
    page = client.get(f"/reviews/proposals/{proposal.id}")
    assert page.status_code == 200
    assert "长者助餐服务" in _text(page) and "需求分析" in _text(page)
    response = client.post(f"/reviews/proposals/{proposal.id}", data=_form(call, ["8", "9.5"], action="draft"))
    assert response.status_code == 302
    review = db.session.scalar(select(Review))
    assert review.status == "draft" and len(review.scores) == 2 and review.weighted_total is None
    # the draft comes back filled in
    assert 'value="9.5"' in _text(client.get(f"/reviews/proposals/{proposal.id}"))
    response = client.post(f"/reviews/proposals/{proposal.id}",
                           data=_form(call, ["8.5", "9", "7.5", "6", "10", "5"], {5: "可持续性不足"}),
                           follow_redirects=True)
    assert response.status_code == 200
    db.session.expire_all()
    review = db.session.scalar(select(Review))
    assert review.status == "submitted" and review.weighted_total == Decimal("78.5")
    page = _text(response)
    assert "78.50" in page and 'id="submit-review"' not in page   # locked: no form any more
    events = [e.action for e in db.session.scalars(
        select(AuditEvent).where(AuditEvent.object_type == "review").order_by(AuditEvent.id))]
    assert events == ["review.start", "review.submit"]


def test_full_width_digits_are_accepted(login, setup):
    call, proposal, reviewer = setup
    response = login(reviewer).post(f"/reviews/proposals/{proposal.id}",
                                    data=_form(call, ["８．５", "9", "7", "7", "7", "7"]))
    assert response.status_code == 302
    assert db.session.scalar(select(Review.weighted_total)) is not None


@pytest.mark.parametrize("bad, message", [
    ("abc", "请输入数字"),
    ("NaN", "请输入数字"),
    ("11", "请给出 0 到 10 之间的分数"),
    ("-1", "请给出 0 到 10 之间的分数"),
    ("7.3", "只能是整分或半分"),
])
def test_bad_scores_show_a_message_beside_the_field(login, setup, bad, message):
    call, proposal, reviewer = setup
    response = login(reviewer).post(f"/reviews/proposals/{proposal.id}",
                                    data=_form(call, [bad, "9", "7", "7", "7", "7"], action="draft"))
    assert response.status_code == 400
    page = _text(response)
    first = call.criteria[0]
    assert f'id="score_{first.id}-error"' in page and message in page
    assert db.session.scalar(select(Review)) is None


def test_comment_required_below_60_percent(login, setup):
    call, proposal, reviewer = setup
    client = login(reviewer)
    # 5.5 of 10 is below 6: a comment is required on submit (6 itself is fine)
    response = client.post(f"/reviews/proposals/{proposal.id}", data=_form(call, ["5.5", "6", "7", "7", "7", "7"]))
    assert response.status_code == 400
    page = _text(response)
    first = call.criteria[0]
    assert f'id="comment_{first.id}-error"' in page and "低于满分60%的评分必须填写意见" in page
    assert f'id="comment_{call.criteria[1].id}-error"' not in page
    # as a draft it may wait
    assert client.post(f"/reviews/proposals/{proposal.id}",
                       data=_form(call, ["5.5", "6", "7", "7", "7", "7"], action="draft")).status_code == 302
    response = client.post(f"/reviews/proposals/{proposal.id}",
                           data=_form(call, ["5.5", "6", "7", "7", "7", "7"], {0: "需求调研样本偏少"}))
    assert response.status_code == 302
    assert db.session.scalar(select(Review.status)) == "submitted"


def test_submit_needs_every_score_a_recommendation_and_an_overall_comment(login, setup):
    call, proposal, reviewer = setup
    response = login(reviewer).post(f"/reviews/proposals/{proposal.id}",
                                    data=_form(call, ["8", "8"], overall="", recommendation=""))
    assert response.status_code == 400
    page = _text(response)
    assert "请为该评分项打分" in page and "请选择评审建议" in page and "请填写总体意见" in page


def test_submitted_review_is_locked(login, setup):
    call, proposal, reviewer = setup
    client = login(reviewer)
    client.post(f"/reviews/proposals/{proposal.id}", data=_form(call, ["8"] * 6))
    response = client.post(f"/reviews/proposals/{proposal.id}",
                           data=_form(call, ["1"] * 6, {i: "差" for i in range(6)}), follow_redirects=True)
    assert "评审意见已不能修改" in _text(response)
    assert db.session.scalar(select(Review.weighted_total)) == Decimal("80")
    with pytest.raises(ServiceError):
        service.save(reviewer, proposal, {c.id: service.CriterionInput(Decimal(1), "差") for c in call.criteria},
                     overall_comment="x", recommendation="fund", submit=True)


def test_deadline_passed_locks_scoring(login, setup):
    call, proposal, reviewer = setup
    call.review_deadline = now_utc() - timedelta(minutes=1)
    db.session.commit()
    client = login(reviewer)
    page = _text(client.get(f"/reviews/proposals/{proposal.id}"))
    assert 'id="deadline-locked"' in page and 'id="submit-review"' not in page
    response = client.post(f"/reviews/proposals/{proposal.id}", data=_form(call, ["8"] * 6))
    assert response.status_code == 302
    assert db.session.scalar(select(Review)) is None


def test_db_allows_one_review_per_reviewer_per_proposal(setup):
    from sqlalchemy.exc import IntegrityError

    call, proposal, reviewer = setup
    create_review(proposal, reviewer, total=80)
    db.session.add(Review(proposal_id=proposal.id, reviewer_id=reviewer.id, status="draft"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_staff_reopen_with_reason_is_audited_and_notifies(login, setup):
    call, proposal, reviewer = setup
    review = create_review(proposal, reviewer, total=80)
    staff = create_user("staff", name="项目官员")
    client = login(staff)
    page = _text(client.get(f"/reviews/proposals/{proposal.id}/scores"))
    assert "王评审" in page and "80.00" in page
    response = client.post(f"/reviews/{review.id}/reopen", data={"reason": ""}, follow_redirects=True)
    assert "请说明重新打开评审的原因" in _text(response)
    db.session.expire_all()
    assert db.session.get(Review, review.id).status == "submitted"
    response = client.post(f"/reviews/{review.id}/reopen", data={"reason": "预算合理性评分与意见不一致"},
                           follow_redirects=True)
    assert response.status_code == 200
    db.session.expire_all()
    review = db.session.get(Review, review.id)
    assert review.status == "draft" and review.weighted_total is None and review.submitted_at is None
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "review.reopen"))
    assert event.note == "预算合理性评分与意见不一致" and event.actor_id == staff.id
    mail = db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient_id == reviewer.id))
    assert "预算合理性评分与意见不一致" in mail.body and "长者助餐服务" in mail.subject
    # the reviewer can change it again
    client.post("/auth/logout")
    page = _text(login(reviewer).get(f"/reviews/proposals/{proposal.id}"))
    assert 'id="submit-review"' in page


def test_reopening_a_draft_is_refused(setup):
    call, proposal, reviewer = setup
    review = create_review(proposal, reviewer, total=80, status="draft")
    with pytest.raises(ServiceError):
        service.reopen(create_user("staff"), review, "原因")


def test_page_in_english(login, setup):
    call, proposal, reviewer = setup
    client = login(reviewer)
    client.post("/lang/en", data={"next": "/"})
    page = _text(client.get(f"/reviews/proposals/{proposal.id}"))
    assert "weight 20%, maximum 10 points" in page and "below 60% of the maximum" in page
    response = client.post(f"/reviews/proposals/{proposal.id}", data=_form(call, ["4", "9", "7", "7", "7", "7"]))
    assert "A comment is required for a score below 60% of the maximum (below 6)." in _text(response)


def test_no_scoring_once_a_decision_is_taken(login, setup):
    call, proposal, reviewer = setup
    proposal.status = "recommended"
    db.session.commit()
    client = login(reviewer)
    page = _text(client.get(f"/reviews/proposals/{proposal.id}"))
    assert 'id="submit-review"' not in page and "长者助餐服务" in page
    with pytest.raises(ServiceError):
        service.save(reviewer, proposal, {}, submit=False)
