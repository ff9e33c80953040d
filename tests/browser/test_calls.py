"""Staff create a call with the default rubric, open it, and the public page shows it."""
from __future__ import annotations

from datetime import timedelta

from grants.extensions import db
from grants.models import Call
from grants.timeutil import local_today
from tests.browser.conftest import log_in, log_out
from tests.factories import PASSWORD, create_user


def test_staff_create_open_call_and_public_page(page, shot):
    staff = create_user("staff", name="王晓燕", email="calls-staff@example.org")
    today = local_today()
    closes = today + timedelta(days=30)

    log_in(page, staff.email, PASSWORD)
    page.goto(page.base + "/calls/")
    page.click("#new-call")
    page.wait_for_load_state()
    # The default rubric is offered: 6 criteria adding up to 100.
    assert page.input_value("input[name='criteria-0-name']") == "需求分析"
    assert page.input_value("input[name='criteria-1-weight']") == "25"
    page.fill("#title", "2027年度南湖区社区治理公益创投")
    page.fill("#description", "面向南湖区社会组织征集社区治理与邻里互助项目。")
    page.check("input[name='categories'][value='community']")
    page.fill("#budget_pool", "500000")
    page.fill("#per_project_cap", "６００００")  # full-width digits are accepted
    page.fill("#min_matching_share", "20")
    page.fill("#opens_on", today.isoformat())
    page.fill("#closes_on", closes.isoformat())
    # A weight mistake first: refused beside the rubric.
    page.fill("input[name='criteria-1-weight']", "30")
    page.click("#save-call")
    page.wait_for_load_state()
    assert "评分标准权重合计为105，必须等于100。" in page.inner_text("#criteria-error")
    shot(page, "calls-01-weights-refused")
    page.fill("input[name='criteria-1-weight']", "25")
    page.select_option("#tranche_preset", "30_40_30")
    shot(page, "calls-02-new-call-form")
    page.click("#save-call")
    page.wait_for_load_state()
    assert page.inner_text("#call-status") == "草稿"
    call = db.session.query(Call).filter_by(title="2027年度南湖区社区治理公益创投").one()
    assert [t.percentage for t in call.tranches] == [30, 40, 30]
    assert str(call.per_project_cap) == "60000.00"

    page.click("form[action$='/step/open'] button")
    page.wait_for_load_state()
    assert page.inner_text("#call-status") == "征集中"
    shot(page, "calls-03-call-opened")
    log_out(page)

    page.goto(page.base + "/")
    assert "2027年度南湖区社区治理公益创投" in page.inner_text("#home-open-calls")
    page.click("#home-open-calls a:has-text('2027年度南湖区社区治理公益创投')")
    page.wait_for_load_state()
    assert "¥500,000.00" in page.inner_text("#call-pool")
    assert f"{closes.isoformat()} 23:59:59" in page.inner_text("#call-closes")
    assert "需求分析" in page.inner_text("#call-rubric")
    shot(page, "calls-04-public-page")


def test_staff_keeps_organisation_records(page, shot):
    from datetime import date

    from tests.factories import create_org

    staff = create_user("staff", name="陈建国", email="records-staff@example.org")
    org = create_org(name="嘉兴市测试养老服务中心", grade=3, grade_assessed_on=date(2019, 6, 1))
    log_in(page, staff.email, PASSWORD)
    page.goto(page.base + f"/organisations/{org.id}")
    page.click("#edit-records")
    page.wait_for_load_state()
    assert page.inner_text("#effective-grade") == "未评估"  # assessed 2019: expired
    page.select_option("#grade", "4")
    page.fill("#assessed_on", "2025-09-01")
    page.click("#save-grade")
    page.wait_for_load_state()
    assert page.inner_text("#effective-grade") == "4A"
    page.fill("#year", "2025")
    page.select_option("#result", "basic_pass")
    page.click("#save-inspection")
    page.wait_for_load_state()
    assert "基本合格" in page.inner_text("#inspections")
    page.check("#flagged")
    page.click("#save-blacklist")
    page.wait_for_load_state()
    assert "请填写列入名单的日期。" in page.inner_text("#blacklist-section")
    shot(page, "calls-05-organisation-records")
