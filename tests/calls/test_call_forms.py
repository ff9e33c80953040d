"""Staff create and edit calls: validation beside the field, frozen calls, presets."""
from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from grants.extensions import db
from grants.models import AuditEvent, Call
from tests.factories import create_call, create_user
from tests.factories_calls import call_form


@pytest.fixture
def staff_client(login):
    return login(create_user("staff"))


def _error_beside(html: str, field_id: str) -> str:
    """The error text shown beside a field (empty when none)."""
    m = re.search(rf'id="{re.escape(field_id)}-error"[^>]*>(.*?)</div>', html, re.S)
    return re.sub(r"<[^>]+>", " ", m.group(1)).strip() if m else ""


def _calls():
    return db.session.scalars(select(Call)).all()


def test_new_form_offers_default_rubric_and_50_30_20(staff_client):
    html = staff_client.get("/calls/new").get_data(as_text=True)
    for name in ("需求分析", "项目设计", "执行能力", "预算合理性", "创新性", "可持续性"):
        assert f'value="{name}"' in html
    assert 'name="criteria-1-weight" type="text" value="25"' in html
    assert 'name="tranches-0-percentage" type="text" value="50"' in html


def test_create_call_stores_everything(staff_client):
    response = staff_client.post("/calls/new", data=call_form(districts=["南湖区", "秀洲区"], min_grade="3",
                                                              blind_review="y", budget_pool="¥2,000,000.00"))
    assert response.status_code == 302
    (call,) = _calls()
    assert call.status == "draft"
    assert call.budget_pool == Decimal("2000000.00") and call.per_project_cap == Decimal("80000.00")
    assert call.min_matching_share == Decimal("20") and call.max_personnel_share == Decimal("30")
    assert [c.weight for c in call.criteria] == [20, 25, 20, 15, 10, 10]
    assert [(t.percentage, t.condition, t.milestone_number) for t in call.tranches] == [
        (50, "signing", None), (30, "milestone", 1), (20, "final", None)]
    # 2027-01-15 09:00 Beijing time is 01:00 UTC; a date-only close is 23:59:59 local.
    assert call.opens_at == datetime(2027, 1, 15, 1, 0, tzinfo=UTC)
    assert call.closes_at == datetime(2027, 3, 31, 15, 59, 59, tzinfo=UTC)
    assert call.districts == ["南湖区", "秀洲区"] and call.min_grade == 3 and call.blind_review
    assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.object_type == "call")) == "call.create"
    detail = staff_client.get(f"/calls/{call.id}").get_data(as_text=True)
    assert "¥2,000,000.00" in detail and "2027-03-31 23:59:59" in detail


def test_weights_not_100_refused(staff_client):
    response = staff_client.post("/calls/new", data=call_form(**{"criteria-1-weight": "30"}))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "评分标准权重合计为105，必须等于100。" in _error_beside(html, "criteria")
    assert _calls() == []


def test_tranches_not_100_refused(staff_client):
    response = staff_client.post("/calls/new", data=call_form(**{"tranches-2-percentage": "10"}))
    html = response.get_data(as_text=True)
    assert "拨付比例合计为90，必须等于100。" in _error_beside(html, "tranches")
    assert _calls() == []


def test_tranche_preset_30_40_30(staff_client):
    staff_client.post("/calls/new", data=call_form(tranche_preset="30_40_30", **{"tranches-0-percentage": "99"}))
    (call,) = _calls()
    assert [t.percentage for t in call.tranches] == [30, 40, 30]


def test_blank_rows_are_dropped_and_extra_rows_kept(staff_client):
    data = call_form(**{"criteria-5-name": "", "criteria-5-description": "", "criteria-5-weight": "",
                        "criteria-5-max_score": "", "criteria-4-weight": "20"})
    staff_client.post("/calls/new", data=data)
    (call,) = _calls()
    assert [c.name for c in call.criteria] == ["需求分析", "项目设计", "执行能力", "预算合理性", "创新性"]


@pytest.mark.parametrize("field, value, message", [
    ("budget_pool", "-5", "金额不能为负数。"),
    ("budget_pool", "0", "资金总额必须大于零。"),
    ("budget_pool", "100000000", "金额过大"),
    ("budget_pool", "很多", "请输入以元为单位的金额"),
    ("budget_pool", "", "请输入金额。"),
    ("per_project_cap", "3000000", "单个项目资助上限不能大于资金总额。"),
    ("per_project_cap", "0", "单个项目资助上限必须大于零。"),
    ("min_matching_share", "120", "请输入0到100之间的百分比。"),
    ("min_matching_share", "abc", "请输入百分比"),
    ("max_personnel_share", "-1", "请输入0到100之间的百分比。"),
    ("max_proposals_per_org", "0", "请输入1到20之间的整数。"),
    ("max_proposals_per_org", "1.5", "请输入整数。"),
    ("term_max_months", "99999999999999999999", "请输入1到36之间的整数。"),
    ("reviewers_per_proposal", "x", "请输入整数。"),
    ("title", "", "此项为必填项。"),
    ("title", "长" * 201, "最多 200 个字符。"),
    ("description", "长" * 20001, "最多 20000 个字符。"),
    ("criteria-0-name", "评" * 101, "最多 100 个字符。"),
    ("criteria-0-weight", "-20", "请输入1到100之间的整数。"),
    ("tranches-0-condition", "whenever", "请从列表中选择。"),
    ("min_grade", "abc", "请从列表中选择。"),
    ("min_grade", "9", "请从列表中选择。"),
    ("opens_on", "2027-02-30", "请输入日期"),
    ("opens_on", "", "请输入日期"),
    ("opens_time", "25:00", "请输入时间"),
    ("closes_on", "2026-12-31", "截止时间必须晚于开始时间。"),
])
def test_bad_input_shown_beside_the_field(staff_client, field, value, message):
    response = staff_client.post("/calls/new", data=call_form(**{field: value}))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    if field.startswith(("criteria-", "tranches-")):
        assert 'class="has-error"' in html and message in html
    else:
        assert message in _error_beside(html, field)
    assert _calls() == []


def test_full_width_digits_accepted(staff_client):
    response = staff_client.post("/calls/new", data=call_form(
        budget_pool="１２３４５６７", per_project_cap="１２３", reviewers_per_proposal="５",
        opens_on="２０２７-０１-１５"))
    assert response.status_code == 302
    (call,) = _calls()
    assert call.budget_pool == Decimal("1234567.00") and call.per_project_cap == Decimal("123.00")
    assert call.reviewers_per_proposal == 5


def test_term_min_above_max_refused(staff_client):
    html = staff_client.post("/calls/new", data=call_form(term_min_months="12",
                                                          term_max_months="6")).get_data(as_text=True)
    assert "最长项目周期不能短于最短项目周期。" in _error_beside(html, "term_max_months")


def test_criterion_row_problems_shown_in_the_row(staff_client):
    html = staff_client.post("/calls/new", data=call_form(**{"criteria-2-name": "",
                                                             "criteria-3-weight": "abc"})).get_data(as_text=True)
    assert "请填写评分项名称。" in html and "请输入整数。" in html
    assert _calls() == []


def test_script_in_text_is_shown_escaped(staff_client):
    evil = '<script>alert("x")</script>'
    staff_client.post("/calls/new", data=call_form(title=evil, description=evil, **{"criteria-0-name": evil}))
    (call,) = _calls()
    html = staff_client.get(f"/calls/{call.id}").get_data(as_text=True)
    assert evil not in html and "&lt;script&gt;" in html


def test_edit_draft_changes_everything(staff_client):
    call = create_call(status="draft")
    data = call_form(per_project_cap="50000", **{"criteria-0-weight": "25", "criteria-1-weight": "20"})
    assert staff_client.post(f"/calls/{call.id}/edit", data=data).status_code == 302
    db.session.refresh(call)
    assert call.per_project_cap == Decimal("50000.00")
    assert [c.weight for c in call.criteria][:2] == [25, 20]


def test_edit_form_shows_current_values(staff_client):
    call = create_call(status="draft", per_project_cap="65432.10")
    html = staff_client.get(f"/calls/{call.id}/edit").get_data(as_text=True)
    assert 'value="65432.10"' in html and 'value="需求分析"' in html


@pytest.mark.parametrize("change, field", [
    ({"per_project_cap": "90000"}, "per_project_cap"),
    ({"criteria-0-weight": "25", "criteria-1-weight": "20"}, "criteria"),
    ({"tranche_preset": "30_40_30"}, "tranches"),
    ({"min_grade": "4"}, "min_grade"),
    ({"closes_on": "2027-04-30"}, "closes_on"),
])
def test_frozen_call_edits_refused(staff_client, change, field):
    call = create_call(status="draft", per_project_cap="80000.00")
    staff_client.post(f"/calls/{call.id}/edit", data=call_form())
    staff_client.post(f"/calls/{call.id}/step/open")
    db.session.refresh(call)
    assert call.status == "open"
    response = staff_client.post(f"/calls/{call.id}/edit", data=call_form(**change))
    html = response.get_data(as_text=True)
    assert "该征集已开放" in _error_beside(html, field)
    db.session.expire_all()
    call = db.session.get(Call, call.id)
    assert call.per_project_cap == Decimal("80000.00") and [c.weight for c in call.criteria][0] == 20
    assert [t.percentage for t in call.tranches] == [50, 30, 20]


def test_open_call_title_still_editable(staff_client):
    call = create_call(status="draft")
    staff_client.post(f"/calls/{call.id}/edit", data=call_form())
    staff_client.post(f"/calls/{call.id}/step/open")
    response = staff_client.post(f"/calls/{call.id}/edit",
                                 data=call_form(title="2027年度嘉兴市公益创投项目征集（更正）"))
    assert response.status_code == 302
    db.session.refresh(call)
    assert call.title.endswith("（更正）")


def test_control_characters_dropped_not_500(staff_client):
    response = staff_client.post("/calls/new", data=call_form(
        title="征集\x00标题\x07", description="第一行\n第二行\x00", **{"criteria-0-name": "\x00"}))
    assert response.status_code == 200
    assert "请填写评分项名称。" in response.get_data(as_text=True)
    response = staff_client.post("/calls/new",
                                 data=call_form(title="征集\x00标题\x07", description="第一行\n第二行\x00"))
    assert response.status_code == 302
    (call,) = _calls()
    assert call.title == "征集标题" and call.description == "第一行\n第二行"


def test_open_call_shows_frozen_fields_disabled_and_saves_what_a_browser_sends(login):
    """A browser does not send disabled fields: saving the title of an open call must work."""
    from datetime import date

    from grants.models import Call
    from grants.timeutil import end_of_local_day, start_of_local_day
    from tests.factories import create_call, create_user

    # As created through the form: opening on a whole minute, closing at 23:59:59 local time.
    call = create_call(status="open", title="旧标题", opens_at=start_of_local_day(date(2026, 11, 1)),
                       closes_at=end_of_local_day(date(2027, 1, 31)))
    client = login(create_user("staff"))
    page = client.get(f"/calls/{call.id}/edit").get_data(as_text=True)
    assert page.count("disabled") >= 6 and 'id="frozen-note"' in page
    response = client.post(f"/calls/{call.id}/edit", data={"title": "新标题", "description": "说明已更新"})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    db.session.expire_all()
    saved = db.session.get(Call, call.id)
    assert saved.title == "新标题" and saved.description == "说明已更新"
    assert saved.budget_pool == call.budget_pool and len(saved.criteria) == 6


def test_a_crafted_change_to_a_frozen_field_is_still_refused(login):
    from decimal import Decimal

    from grants.models import Call
    from tests.factories import create_call, create_user

    call = create_call(status="open")
    client = login(create_user("staff"))
    response = client.post(f"/calls/{call.id}/edit", data={"title": call.title, "budget_pool": "1.00"})
    assert response.status_code in (200, 400)
    assert "冻结" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Call, call.id).budget_pool == Decimal("1000000.00")


def test_review_timetable_is_set_on_the_form_and_stays_editable_once_open(login):
    """Issue 9.4: the review deadline and score visibility are set on the call form, also after
    the call opens (the panel page and reviewer reminders read the deadline)."""
    from datetime import date

    from grants.models import Call
    from grants.timeutil import end_of_local_day, start_of_local_day

    staff = login(create_user("staff"))
    response = staff.post("/calls/new", data=call_form(review_deadline_on="2027-04-30"))
    assert response.status_code == 302
    (call,) = _calls()
    assert call.review_deadline == end_of_local_day(date(2027, 4, 30)) and call.show_scores_after_submit is False

    opened = create_call(status="open", opens_at=start_of_local_day(date(2026, 11, 1)),
                         closes_at=end_of_local_day(date(2027, 1, 31)))
    page = staff.get(f"/calls/{opened.id}/edit").get_data(as_text=True)
    timetable = page[page.index('id="review-timetable"'):page.index("</fieldset>", page.index('id="review-timetable"'))]
    assert "disabled" not in timetable
    # what a browser sends for an open call: the editable fields only, the box left unticked
    response = staff.post(f"/calls/{opened.id}/edit", data={
        "title": opened.title, "description": "", "review_settings": "1", "review_deadline_on": "2027-02-20"})
    assert response.status_code == 302, response.get_data(as_text=True)[:1500]
    db.session.expire_all()
    saved = db.session.get(Call, opened.id)
    assert saved.review_deadline == end_of_local_day(date(2027, 2, 20)) and saved.show_scores_after_submit is False
    panel = staff.get(f"/panel/calls/{opened.id}").get_data(as_text=True)
    assert "2027-02-20" in panel


def test_a_review_deadline_before_the_close_is_refused_beside_the_field(login):
    staff = login(create_user("staff"))
    response = staff.post("/calls/new", data=call_form(review_deadline_on="2027-03-01"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and not _calls()
    assert "评审截止时间必须晚于征集截止时间" in _error_beside(html, "review_deadline_on")
