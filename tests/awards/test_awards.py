"""Award decisions, public notice across weekends and holidays, objections, confirmation."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from grants.extensions import db
from grants.models import AuditEvent, Award, Call, Objection, OutboxMessage, Proposal
from grants.services import ServiceError
from grants.services import awards as service
from grants.services import reviews as reviews_service
from grants.timeutil import end_of_local_day
from tests.factories import create_applicant, create_call, create_org, create_proposal, create_user
from tests.factories_reviews import cleared, create_review


@pytest.fixture
def staff():
    return create_user("staff", email="staff-awards@example.org")


@pytest.fixture
def decided_call():
    """A closed call: pool ¥200,000, cap ¥100,000; three screened-in proposals with scores."""
    call = create_call(status="closed", budget_pool="200000.00", per_project_cap="100000.00")
    rows = []
    for i, (total, requested) in enumerate(((90, "80000.00"), (80, "90000.00"), (70, "70000.00"))):
        org = create_org(name=f"立项测试组织{i}")
        create_applicant(org, email=f"member{i}@example.org")
        proposal = create_proposal(call, org, status="screened_in", title=f"立项测试项目{i}",
                                   amount_requested=requested)
        create_review(proposal, cleared(proposal), total=total)
        rows.append(proposal)
    return call, rows


def _mails_to(address):
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.to_address == address)))


# -- money rules ---------------------------------------------------------------------------------
def test_amount_rules_each_give_their_reason(staff, decided_call):
    call, (first, second, third) = decided_call
    with pytest.raises(ServiceError) as refusal:
        service.propose(staff, call, first, Decimal("80000.01"))
    assert "申请金额" in refusal.value.field_errors["amount"][0]
    call.per_project_cap = Decimal("75000.00")
    db.session.commit()
    with pytest.raises(ServiceError) as refusal:
        service.propose(staff, call, first, Decimal("76000"))
    assert "上限" in refusal.value.field_errors["amount"][0]
    with pytest.raises(ServiceError) as refusal:
        service.propose(staff, call, first, Decimal("0"))
    assert "大于零" in refusal.value.field_errors["amount"][0]
    assert db.session.scalar(select(db.func.count()).select_from(Award)) == 0


def test_the_pool_cannot_be_exceeded(staff, decided_call):
    call, (first, second, third) = decided_call
    call.per_project_cap = Decimal("100000.00")
    service.propose(staff, call, first, Decimal("80000"))
    service.propose(staff, call, second, Decimal("90000"))
    with pytest.raises(ServiceError) as refusal:
        service.propose(staff, call, third, Decimal("30000.01"))
    message = refusal.value.field_errors["amount"][0]
    assert "¥200,000.01" in message and "¥30,000.00" in message  # the total it would reach and what is left
    award = service.propose(staff, call, third, Decimal("30000.00"))
    totals = service.totals(call)
    assert {k: totals[k] for k in ("pool", "proposed", "awarded", "remaining")} == {
        "pool": Decimal("200000.00"), "proposed": Decimal("200000.00"),
        "awarded": Decimal("0.00"), "remaining": Decimal("0.00")}
    # Raising another award now would break the pool too.
    first_award = service.award_of(first)
    with pytest.raises(ServiceError):
        service.change_amount(staff, first_award, Decimal("80000.01"))
    assert award.status == "proposed"


def test_the_decision_freezes_its_basis(staff, decided_call):
    call, (first, *_rest) = decided_call
    award = service.propose(staff, call, first, Decimal("80000"), "排名第一，方案完整")
    assert award.basis["rank"] == 1 and award.basis["method"] == call.ranking_method
    assert award.basis["score"] == "90.000" or Decimal(award.basis["score"]) == Decimal("90")
    assert award.basis["reviews"] == 1 and award.basis["totals"]
    frozen = dict(award.basis)
    # The live ranking changes afterwards (a review is reopened): the record does not.
    review = db.session.scalar(select(reviews_service.Review).where(reviews_service.Review.proposal_id == first.id))
    reviews_service.reopen(staff, review, "请复核")
    db.session.expire_all()
    assert db.session.get(Award, award.id).basis == frozen
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "award.propose"))
    assert event.data["rank"] == 1 and event.note == "排名第一，方案完整"
    assert db.session.get(Proposal, first.id).status == "recommended"


def test_withdrawing_a_proposed_award_returns_the_proposal(staff, decided_call):
    call, (first, *_rest) = decided_call
    award = service.propose(staff, call, first, Decimal("50000"))
    service.withdraw(staff, award, "重新考虑")
    assert award.status == "withdrawn" and db.session.get(Proposal, first.id).status == "screened_in"
    assert service.totals(call)["proposed"] == Decimal("0.00")


# -- notice ----------------------------------------------------------------------------------------
def test_notice_skips_weekends_and_listed_holidays(app):
    app.config["PUBLIC_HOLIDAYS"] = "2027-05-03,2027-05-04"
    try:
        # Thursday: Thu, Fri, (weekend), (Mon, Tue holidays), Wed, Thu, Fri → ends Friday 7 May.
        assert service.notice_dates(date(2027, 4, 29), 5) == (date(2027, 4, 29), date(2027, 5, 7))
        # Published on a Saturday: starts on Monday (not a holiday here), five working days.
        app.config["PUBLIC_HOLIDAYS"] = ""
        assert service.notice_dates(date(2027, 5, 1), 5) == (date(2027, 5, 3), date(2027, 5, 7))
    finally:
        app.config["PUBLIC_HOLIDAYS"] = ""


def test_publishing_notifies_everyone_and_declines_the_rest(staff, decided_call, client):
    call, (first, second, third) = decided_call
    service.propose(staff, call, first, Decimal("80000"))
    service.propose(staff, call, second, Decimal("90000"))
    notice = service.publish_notice(staff, call, today=date(2027, 4, 29))
    assert (notice.starts_on, notice.ends_on) == (date(2027, 4, 29), date(2027, 5, 5))
    assert {a.status for a in service.awards_of(call)} == {"in_notice"}
    assert db.session.get(Proposal, third.id).status == "not_funded"
    (declined,) = _mails_to("member2@example.org")
    assert "未获资助" in declined.subject and f"/public/calls/{call.id}/notice" in declined.body
    (told,) = _mails_to("member0@example.org")
    assert "2027-04-29" in told.body and "2027-05-05" in told.body and "¥80,000.00" in told.body
    with pytest.raises(ServiceError):  # amounts are frozen once published
        service.change_amount(staff, service.award_of(first), Decimal("70000"))
    page = client.get(f"/public/calls/{call.id}/notice").get_data(as_text=True)
    assert "立项测试项目0" in page and "¥80,000.00" in page and "2027-05-05" in page
    assert "立项测试项目2" not in page


def test_objection_upheld_cancels_the_award_and_tells_the_applicant(staff, decided_call, client):
    call, (first, second, _third) = decided_call
    award = service.propose(staff, call, first, Decimal("80000"))
    service.propose(staff, call, second, Decimal("90000"))
    service.publish_notice(staff, call)
    response = client.post(f"/public/calls/{call.id}/objections",
                           data={"award_id": str(award.id), "name": "王先生", "contact": "13812345678",
                                 "text": "该组织的服务场地并不存在。"}, follow_redirects=True)
    page = response.get_data(as_text=True)
    objection = db.session.scalar(select(Objection))
    assert objection.reference in page and "受理编号" in page
    assert "王先生" not in page and "13812345678" not in page  # the objector stays private
    assert _mails_to(staff.email), "staff are told of the objection"
    with pytest.raises(ServiceError):
        service.confirm(staff, call, now=end_of_local_day(service.notice_of(call).ends_on) + timedelta(seconds=1))
    service.resolve_objection(staff, objection, upheld=True, resolution="经实地核查，服务场地不存在。")
    assert award.status == "cancelled" and db.session.get(Proposal, first.id).status == "not_funded"
    cancelled = [m for m in _mails_to("member0@example.org") if "取消" in m.subject]
    assert cancelled and "经实地核查" in cancelled[0].body
    assert service.totals(call)["proposed"] == Decimal("90000.00")
    public = client.get(f"/public/calls/{call.id}/notice").get_data(as_text=True)
    assert objection.reference in public and "经实地核查，服务场地不存在。" in public and "王先生" not in public


def test_dismissed_objection_keeps_the_award_and_needs_reasons(staff, decided_call):
    call, (first, *_rest) = decided_call
    award = service.propose(staff, call, first, Decimal("80000"))
    service.publish_notice(staff, call)
    objection = service.lodge_objection(call, name="李女士", contact="li@example.org", text="评分不公。")
    with pytest.raises(ServiceError) as refusal:
        service.resolve_objection(staff, objection, upheld=False, resolution="  ")
    assert "理由" in refusal.value.message
    service.resolve_objection(staff, objection, upheld=False, resolution="评审程序符合规定。")
    assert objection.status == "dismissed" and award.status == "in_notice"


def test_confirmation_waits_for_the_end_of_the_notice(staff, decided_call):
    call, (first, *_rest) = decided_call
    service.propose(staff, call, first, Decimal("80000"))
    notice = service.publish_notice(staff, call, today=date(2027, 4, 29))
    last_second = end_of_local_day(notice.ends_on)
    with pytest.raises(ServiceError) as refusal:
        service.confirm(staff, call, now=last_second)
    assert notice.ends_on.isoformat() in refusal.value.message
    confirmed = service.confirm(staff, call, now=last_second + timedelta(seconds=1))
    assert [a.status for a in confirmed] == ["confirmed"]
    assert db.session.get(Proposal, first.id).status == "awarded"
    assert db.session.get(Call, call.id).status == "decided"
    assert service.totals(call)["awarded"] == Decimal("80000.00")
    (final,) = [m for m in _mails_to("member0@example.org") if "资助已确定" in m.subject]
    assert "人民币捌万元整" in final.body
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"award.propose", "award.publish_notice", "award.publish", "award.confirm", "call.decide"} <= actions


def test_objections_are_refused_after_the_notice(staff, decided_call):
    call, (first, *_rest) = decided_call
    service.propose(staff, call, first, Decimal("80000"))
    notice = service.publish_notice(staff, call)
    with pytest.raises(ServiceError) as refusal:
        service.lodge_objection(call, name="张三", contact="z@example.org", text="异议",
                                now=end_of_local_day(notice.ends_on) + timedelta(seconds=1))
    assert "公示期已结束" in refusal.value.message


def test_objection_form_bad_input_is_shown_in_chinese_and_nothing_saved(staff, decided_call, client):
    call, (first, *_rest) = decided_call
    service.propose(staff, call, first, Decimal("80000"))
    service.publish_notice(staff, call)
    response = client.post(f"/public/calls/{call.id}/objections",
                           data={"award_id": "999999", "name": "", "contact": "", "text": "长" * 5001})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "请填写姓名" in page and "联系方式" in page
    assert db.session.scalar(select(db.func.count()).select_from(Objection)) == 0


def test_objections_are_rate_limited_per_address(app, staff, decided_call, client):
    call, (first, *_rest) = decided_call
    service.propose(staff, call, first, Decimal("80000"))
    service.publish_notice(staff, call)
    app.config["OBJECTION_RATE_LIMIT"] = "2 per hour"
    try:
        data = {"name": "刷屏者", "contact": "x@example.org", "text": "重复异议"}
        codes = [client.post(f"/public/calls/{call.id}/objections", data=data,
                             environ_base={"REMOTE_ADDR": "198.51.100.7"}).status_code for _ in range(3)]
    finally:
        app.config["OBJECTION_RATE_LIMIT"] = "100000 per minute"
    assert codes[:2] == [302, 302] and codes[2] == 429
    assert db.session.scalar(select(db.func.count()).select_from(Objection)) == 2


# -- pages ------------------------------------------------------------------------------------------
def test_staff_decide_from_the_page_and_finance_reads_the_money(staff, decided_call, login, client):
    call, (first, *_rest) = decided_call
    login(staff)
    page = client.post(f"/awards/calls/{call.id}/propose",
                       data={"proposal_id": first.id, "amount": "60,000", "note": "排名第一"},
                       follow_redirects=True).get_data(as_text=True)
    assert "已拟定" in page
    assert service.award_of(first).amount == Decimal("60000.00")
    client.post("/auth/logout")
    finance = create_user("finance")
    login(finance)
    page = client.get(f"/finance/calls/{call.id}").get_data(as_text=True)
    assert "¥200,000.00" in page and "¥60,000.00" in page and "¥140,000.00" in page and "人民币陆万元整" in page
    awards_page = client.get(f"/awards/calls/{call.id}").get_data(as_text=True)
    assert "立项测试项目0" in awards_page and "propose-form" not in awards_page  # finance reads, never decides
    assert client.post(f"/awards/calls/{call.id}/publish").status_code == 404  # nothing to act on
    assert client.get(f"/reviews/calls/{call.id}/ranking").status_code == 200


def test_proposing_over_the_pool_on_the_page_shows_why(staff, decided_call, login, client):
    call, (first, second, third) = decided_call
    service.propose(staff, call, first, Decimal("80000"))
    service.propose(staff, call, second, Decimal("90000"))
    login(staff)
    page = client.post(f"/awards/calls/{call.id}/propose", data={"proposal_id": third.id, "amount": "40000"},
                       follow_redirects=True).get_data(as_text=True)
    assert "超过资金总额" in page
    assert service.award_of(third) is None
