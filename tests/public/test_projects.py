"""The public funded-projects list, its download and the project page: no login, only confirmed
awards, paid sums from paid disbursements, evaluation results, filters, constant statements."""
from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from grants.extensions import db
from grants.sqlcount import recorded_statements
from tests.factories import create_call, create_org
from tests.factories_awards import create_award
from tests.public.helpers import funded


def _rows(html: str) -> int:
    return html.count('<tr id="project-')


def test_the_list_shows_confirmed_awards_with_paid_sums_status_and_evaluations(client):
    a = funded("80000.00", title="长者关爱", paid=(1,), evaluations=(("mid", "pass", "88.5"),))
    b = funded("50000.00", title="青少年成长", category="youth")
    create_award(amount="30000.00", status="in_notice")  # not confirmed: not on the list
    response = client.get("/public/projects")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert _rows(html) == 2
    assert "长者关爱" in html and "青少年成长" in html
    assert "¥80,000.00" in html and "¥40,000.00" in html  # tranche 1 of 50/30/20 paid
    assert "¥50,000.00" in html and "¥0.00" in html
    assert "88.5" in html and "实施中" in html
    assert f'/public/projects/{a.id}' in html and f'/public/organisations/{b.organisation_id}' in html


def test_filters_by_year_call_category_and_district(client):
    call = create_call(status="decided", title="2025年度征集")
    funded(title="去年项目", call=call, confirmed=datetime(2025, 5, 1, tzinfo=UTC))
    funded(title="今年为老", confirmed=datetime(2026, 5, 1, tzinfo=UTC))
    funded(title="今年青少年", category="youth", org=create_org(district="海宁市"))
    # 2025-12-31 20:00 UTC is 2026-01-01 04:00 in Beijing: funding year 2026.
    funded(title="跨年项目", confirmed=datetime(2025, 12, 31, 20, 0, tzinfo=UTC))

    def titles(query):
        html = client.get("/public/projects" + query).get_data(as_text=True)
        return {t for t in ("去年项目", "今年为老", "今年青少年", "跨年项目") if t in html}

    assert titles("?year=2025") == {"去年项目"}
    assert titles("?year=2026") == {"今年为老", "今年青少年", "跨年项目"}
    assert titles(f"?call={call.id}") == {"去年项目"}
    assert titles("?category=youth") == {"今年青少年"}
    assert titles("?district=海宁市") == {"今年青少年"}
    assert titles("?category=youth&district=南湖区") == set()
    assert titles("?year=abc&category=nonsense&district=x") == {"去年项目", "今年为老", "今年青少年", "跨年项目"}


def test_the_list_is_paginated(client):
    for i in range(3):
        funded(title=f"项目{i}")
    html = client.get("/public/projects?per_page=2").get_data(as_text=True)
    assert _rows(html) == 2 and 'rel="next"' in html
    html = client.get("/public/projects?per_page=2&page=2").get_data(as_text=True)
    assert _rows(html) == 1


def test_the_list_uses_the_same_number_of_statements_for_5_and_50_rows(client):
    for i in range(55):
        funded(title=f"项目{i}", paid=(1,), evaluations=(("mid", "pass", "80"),),
               reports=(("accepted", 10, 5, 1),) if i % 2 else ())
    client.get("/public/projects?per_page=1")
    counts = {}
    for size in (5, 50):
        db.session.expire_all()
        with recorded_statements(db.engine) as seen:
            response = client.get(f"/public/projects?per_page={size}")
        assert response.status_code == 200 and _rows(response.get_data(as_text=True)) == size
        counts[size] = list(seen)
    assert len(counts[5]) == len(counts[50]) == 7, "\n---\n".join("\n".join(v) for v in counts.values())


def test_csv_download_of_the_filtered_list(client):
    funded("80000.00", title="长者关爱", paid=(1,), evaluations=(("mid", "pass", "88.5"),))
    funded("50000.00", title="青少年成长", category="youth")
    response = client.get("/public/projects/export.csv?category=elderly")
    assert response.status_code == 200 and response.content_type.startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert len(rows) == 2
    row = rows[1]
    assert row[2] == "长者关爱" and row[7] == "80000.00" and row[8] == "40000.00"
    assert "88.5" in row[10]
    xlsx = client.get("/public/projects/export.xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    assert client.get("/public/projects/export.exe").status_code == 404


def test_project_page_shows_milestones_payments_announcement_and_evaluations(client):
    award = funded("80000.00", title="长者关爱", paid=(1,),
                   reports=(("accepted", 812, "1260.5", 42), ("submitted", 900, 10, 3)),
                   evaluations=(("mid", "pass", "87.25"),))
    html = client.get(f"/public/projects/{award.id}").get_data(as_text=True)
    assert "长者关爱" in html
    assert "第1阶段" in html and "已报告并通过验收" in html and "已报告，审核中" in html
    assert "2026-04-01" in html and "¥40,000.00" in html
    assert "812" in html and "1,260.5" in html and "42" in html
    assert "900" not in html  # a report not yet accepted does not count
    assert "87.25" in html
    assert award.organisation.contact_phone not in html
    assert "内部叙述" not in html and "PAY-SECRET" not in html and "评估意见（内部）" not in html


def test_a_project_not_confirmed_is_not_public(client):
    award = create_award(status="in_notice")
    assert client.get(f"/public/projects/{award.id}").status_code == 404
    assert client.get("/public/projects/999999").status_code == 404
