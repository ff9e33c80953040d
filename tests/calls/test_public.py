"""Public pages (no login): open and past calls with dates in Beijing time, budget and rubric."""
from __future__ import annotations

from datetime import UTC, date, datetime

from grants.timeutil import end_of_local_day, local_to_utc
from tests.factories import create_call


def test_public_list_shows_open_and_past_calls_not_drafts(client):
    create_call(title="正在征集的项目", status="open", closes_at=end_of_local_day(date(2099, 3, 31)))
    create_call(title="往期征集项目", status="closed")
    create_call(title="草稿征集", status="draft")
    html = client.get("/public/calls").get_data(as_text=True)
    assert "正在征集的项目" in html and "往期征集项目" in html
    assert "草稿征集" not in html
    assert "2099-03-31 23:59:59" in html


def test_public_call_page_shows_rules_rubric_and_money(client):
    call = create_call(status="open", budget_pool="2000000.00", per_project_cap="80000.00", min_grade=3,
                       opens_at=local_to_utc(datetime(2027, 1, 15, 9, 0)),
                       closes_at=end_of_local_day(date(2027, 3, 31)), districts=["南湖区"])
    html = client.get(f"/public/calls/{call.id}").get_data(as_text=True)
    assert "¥2,000,000.00" in html and "¥80,000.00" in html
    assert "2027-01-15 09:00" in html and "2027-03-31 23:59:59" in html
    assert "评估等级3A及以上" in html and "限南湖区的组织" in html
    assert "需求分析" in html and "25%" in html
    assert "50% — " in html


def test_draft_is_not_public(client):
    call = create_call(status="draft")
    assert client.get(f"/public/calls/{call.id}").status_code == 404
    assert client.get("/public/calls/nope").status_code == 404


def test_home_page_lists_open_calls(client):
    create_call(title="2027年度嘉兴市公益创投项目征集", status="open")
    create_call(title="已截止的征集", status="closed")
    html = client.get("/").get_data(as_text=True)
    section = html.split('id="home-open-calls"')[1]
    assert "2027年度嘉兴市公益创投项目征集" in section and "已截止的征集" not in section


def test_public_page_escapes_html(client):
    call = create_call(status="open", title="<img src=x onerror=alert(1)>")
    html = client.get(f"/public/calls/{call.id}").get_data(as_text=True)
    assert "<img src=x" not in html and "&lt;img src=x" in html


def test_past_calls_paginated(client):
    for i in range(3):
        create_call(title=f"往期{i}", status="archived", closes_at=datetime(2025, 1, 1 + i, tzinfo=UTC),
                    opens_at=datetime(2024, 1, 1, tzinfo=UTC))
    html = client.get("/public/calls?per_page=2").get_data(as_text=True)
    assert "往期2" in html and "往期1" in html and "往期0" not in html
    assert "往期0" in client.get("/public/calls?per_page=2&page=2").get_data(as_text=True)


def test_applicant_sees_own_eligibility_on_open_call(login):
    from tests.factories import create_applicant, create_org

    call = create_call(status="open", min_grade=4, exclude_blacklisted=True)
    org = create_org(name="甲社工事务所", grade=3, blacklisted=True)
    client = login(create_applicant(org))
    html = client.get(f"/public/calls/{call.id}").get_data(as_text=True)
    section = html.split('id="my-eligibility"')[1]
    assert "甲社工事务所能否申报？" in section
    assert "本次征集要求评估等级4A及以上；该组织的等级为3A。" in section
    assert "该组织已被列入严重违法失信名单。" in section


def test_eligible_applicant_told_yes_and_anonymous_sees_no_box(client, login):
    from tests.factories import create_applicant, create_org

    call = create_call(status="open", min_grade=3)
    assert 'id="my-eligibility"' not in client.get(f"/public/calls/{call.id}").get_data(as_text=True)
    login(create_applicant(create_org(grade=5)))
    html = client.get(f"/public/calls/{call.id}").get_data(as_text=True)
    assert "可以：贵组织符合本次征集的全部申报条件。" in html


def test_pages_in_english(client, login):
    from tests.factories import create_user

    call = create_call(status="open", per_project_cap="80000.00", min_grade=3)
    client.post("/lang/en", data={"next": "/"})
    html = client.get(f"/public/calls/{call.id}").get_data(as_text=True)
    assert "Scoring rubric" in html and "Grade (等级评估) 3A or higher" in html and "¥80,000.00" in html
    login(create_user("staff", locale="en"))
    html = client.get("/calls/new").get_data(as_text=True)
    assert "Budget pool (yuan)" in html and "Scoring rubric (weights add up to 100)" in html
