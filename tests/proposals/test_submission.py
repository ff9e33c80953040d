"""Submission: everything checked at once, deadlines at the second, snapshot, withdraw and resubmit."""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from grants.extensions import db
from grants.models import OutboxMessage, Proposal
from grants.services import ServiceError
from grants.services import proposals as service
from grants.timeutil import end_of_local_day, local_to_utc, start_of_local_day
from tests.factories import create_applicant, create_call, create_org, create_proposal
from tests.proposals.conftest import full_form

CLOSING_DAY = date(2026, 3, 31)


@pytest.fixture
def deadline_case(db):
    call = create_call(opens_at=start_of_local_day(date(2026, 3, 1)), closes_at=end_of_local_day(CLOSING_DAY))
    org = create_org()
    user = create_applicant(org)
    proposal = create_proposal(call, org, status="draft")
    return call, user, proposal


@pytest.mark.parametrize("now", [
    local_to_utc(datetime(2026, 3, 31, 23, 59, 59)),
    datetime(2026, 3, 31, 15, 59, 59, tzinfo=UTC),
], ids=["local-23:59:59", "utc-15:59:59"])
def test_submission_in_the_last_second_is_accepted(deadline_case, now):
    call, user, proposal = deadline_case
    service.submit(user, proposal, now=now)
    assert proposal.status == "submitted" and proposal.submitted_at == now


@pytest.mark.parametrize("now", [
    local_to_utc(datetime(2026, 4, 1, 0, 0, 0)),
    datetime(2026, 3, 31, 16, 0, 0, tzinfo=UTC),
], ids=["local-00:00:00", "utc-16:00:00"])
def test_submission_a_second_later_is_refused(deadline_case, now, english):
    call, user, proposal = deadline_case
    with pytest.raises(ServiceError) as exc:
        service.submit(user, proposal, now=now)
    assert exc.value.general == [
        "The call is not accepting proposals now (closing time 2026-03-31 23:59:59, Beijing time)."]
    db.session.expire_all()
    assert db.session.get(Proposal, proposal.id).status == "draft"


def test_submit_from_the_page_freezes_a_snapshot_and_notifies(setup, login):
    client = login(setup.user)
    response = client.post(f"/proposals/{setup.draft.id}/edit", data=full_form(action="submit"))
    assert response.status_code == 302
    db.session.expire_all()
    p = db.session.get(Proposal, setup.draft.id)
    assert p.status == "submitted" and p.submission_count == 1
    snap = p.snapshot
    assert snap["proposal"]["amount_requested"] == "80000.00"
    assert [b["total"] for b in snap["budget_lines"]] == ["20000.00", "60000.00", "20000.00"]
    assert [c["weight"] for c in snap["call"]["rubric"]] == [20, 25, 20, 15, 10, 10]
    assert snap["call"]["max_personnel_share"] == "30.00" and snap["indicators"][0]["name"] == "助餐人次"
    mail = db.session.scalars(db.select(OutboxMessage)).all()
    assert [m.to_address for m in mail] == [setup.user.email]
    assert mail[0].subject == "申报已提交：长者食堂助餐服务"
    page = client.get(f"/proposals/{p.id}").get_data(as_text=True)
    assert 'id="proposal-status">已提交：等待资格审核<' in page


def test_every_problem_shown_at_once_beside_its_field(setup, login, db):
    setup.call.per_project_cap = 50000
    setup.call.min_matching_share = 30
    db.session.commit()
    client = login(setup.user)
    response = client.post(f"/proposals/{setup.draft.id}/edit", data=full_form(
        action="submit", summary="", **{"indicators-0-name": "", "indicators-0-target": "", "indicators-0-unit": ""}))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    from tests.proposals.test_editing import errors_of

    assert errors_of(html, "summary") == ["提交前必须填写此项。"]
    assert "申请资助金额超过本次征集的单个项目上限 ¥50,000.00。" in errors_of(html, "amount_requested")
    assert "配套资金占项目总预算的 20.00%；本次征集要求至少 30.00%。" in errors_of(html, "matching_funds")
    assert "请至少填写一项可衡量的指标。" in html
    assert "草稿已保存，但还不能提交" in html
    db.session.expire_all()
    assert db.session.get(Proposal, setup.draft.id).status == "draft"


def test_ineligible_organisation_sees_each_rule(login):
    call = create_call(min_grade=4, require_inspection_passed=True)
    org = create_org(grade=3, inspections=())
    user = create_applicant(org)
    proposal = create_proposal(call, org, status="draft")
    html = login(user).post(f"/proposals/{proposal.id}/edit", data=full_form(action="submit")).get_data(as_text=True)
    assert "本次征集要求评估等级4A及以上；该组织的等级为3A。" in html
    assert "年检" in html  # the annual-inspection rule is named too


def test_withdraw_before_deadline_then_resubmit(setup, login):
    client = login(setup.user)
    client.post(f"/proposals/{setup.draft.id}/edit", data=full_form(action="submit"))
    response = client.post(f"/proposals/{setup.draft.id}/withdraw", data={"reason": "预算需调整"})
    assert response.status_code == 302
    db.session.expire_all()
    p = db.session.get(Proposal, setup.draft.id)
    assert p.status == "withdrawn"
    page = client.get(f"/proposals/{p.id}").get_data(as_text=True)
    assert "预算需调整" in page and "原样重新提交" in page
    client.post(f"/proposals/{p.id}/reopen")
    db.session.expire_all()
    assert db.session.get(Proposal, p.id).status == "draft"
    client.post(f"/proposals/{p.id}/edit", data=full_form(action="submit", title="调整后的助餐服务"))
    db.session.expire_all()
    p = db.session.get(Proposal, p.id)
    assert p.status == "submitted" and p.submission_count == 2 and p.snapshot["proposal"]["title"] == "调整后的助餐服务"


def test_withdraw_refused_after_the_deadline(deadline_case, english):
    call, user, proposal = deadline_case
    service.submit(user, proposal, now=local_to_utc(datetime(2026, 3, 30, 10, 0)))
    with pytest.raises(ServiceError, match="can no longer be withdrawn"):
        service.withdraw(user, proposal, now=local_to_utc(datetime(2026, 4, 1, 0, 0, 0)))
    service.withdraw(user, proposal, now=local_to_utc(datetime(2026, 3, 31, 23, 59, 59)))
    assert proposal.status == "withdrawn"


def test_no_resubmission_when_the_call_forbids_it(setup, login, db):
    setup.call.allow_resubmit = False
    db.session.commit()
    withdrawn = create_proposal(setup.call, setup.org, status="withdrawn")
    client = login(setup.user)
    page = client.get(f"/proposals/{withdrawn.id}").get_data(as_text=True)
    assert "原样重新提交" not in page
    assert client.post(f"/proposals/{withdrawn.id}/submit").status_code == 403
    assert client.post(f"/proposals/{withdrawn.id}/reopen").status_code == 403


def test_dashboard_shows_applicant_timeline(setup, login):
    client = login(setup.user)
    client.post(f"/proposals/{setup.draft.id}/edit", data=full_form(action="submit"))
    page = client.get("/dashboard").get_data(as_text=True)
    assert "本组织的申报" in page and "长者食堂助餐服务" in page
    from flask_babel import force_locale

    from grants.workflows import PROPOSAL

    with force_locale("zh_CN"):
        label = str(PROPOSAL.applicant_label("submitted"))
    assert label in page


def test_submit_button_on_detail_redirects_to_checks_for_incomplete_draft(setup, login, db):
    setup.draft.summary = ""
    db.session.commit()
    client = login(setup.user)
    response = client.post(f"/proposals/{setup.draft.id}/submit")
    assert response.status_code == 302 and "check=1" in response.headers["Location"]
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    from tests.proposals.test_editing import errors_of

    assert errors_of(html, "summary") == ["提交前必须填写此项。"]
