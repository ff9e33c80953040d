"""The staff ranking page and its CSV / XLSX exports."""
from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from tests.factories import create_call, create_org, create_proposal, create_user
from tests.factories_reviews import cleared, create_review


def _text(response):
    return response.get_data(as_text=True)


def _call():
    call = create_call(status="closed", budget_pool="200000.00", per_project_cap="100000.00",
                       title="2026年度为老服务项目", reviewers_per_proposal=2)
    a = create_proposal(call, create_org(name="甲社工中心"), status="screened_in", title="助餐项目",
                        amount_requested="80000.00")
    b = create_proposal(call, create_org(name="乙志愿者协会"), status="screened_in", title="助浴项目",
                        amount_requested="150000.00")
    c = create_proposal(call, create_org(name="丙公益基金会"), status="screened_in", title="探访项目",
                        amount_requested="60000.00")
    r1, r2 = cleared(a, name="赵专家"), cleared(a, name="孙专家")
    for p in (b, c):
        cleared(p, r1)
        cleared(p, r2)
    create_review(a, r1, [9, 9, 9, 9, 9, 9])          # 90
    create_review(a, r2, [8, 8, 8, 8, 8, 8])          # 80
    create_review(b, r1, [10, 10, 10, 10, 10, 10])    # 100
    create_review(b, r2, [4, 4, 4, 4, 4, 4])          # 40: sd 30, disagreement
    create_review(c, r1, [7, 7, 7, 7, 7, 7.5])        # 70.5
    create_review(c, r2, [7, 7, 7, 7, 7, 7])          # 70
    return call, a, b, c


def test_ranking_page_shows_metrics_flags_and_cut_line(login):
    call, a, b, c = _call()
    page = _text(login(create_user("staff")).get(f"/reviews/calls/{call.id}/ranking"))
    # a (85) first, b (70, does not fit after a: 230,000 > 200,000), c (70.25) fits
    assert page.index("助餐项目") < page.index("探访项目") < page.index("助浴项目")
    assert 'id="cut-line"' in page and page.index('id="cut-line"') < page.index("助浴项目")
    assert "评分分歧" in page
    assert "¥140,000.00" in page                      # recommended: 80,000 + 60,000
    assert "¥60,000.00" in page                       # left in the pool
    assert "85.00" in page and "70.25" in page and "30.00" in page  # means and b's sd
    assert "甲社工中心" in page


def test_csv_export_has_metrics_and_named_reviewers(login):
    call, a, b, c = _call()
    response = login(create_user("staff")).get(f"/reviews/calls/{call.id}/ranking.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    text = response.data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["排名", "申报编号", "项目名称"]
    assert rows[1][2] == "助餐项目" and rows[1][6] == "85.00"
    assert [] not in rows   # one table per file
    scores_csv = login(create_user("staff")).get(f"/reviews/calls/{call.id}/ranking.csv?part=scores")
    scores = list(csv.reader(io.StringIO(scores_csv.data.decode("utf-8-sig"))))
    assert "评审专家" == scores[0][3] and "需求分析 (20%, /10)" in scores[0]
    reviewers = {r[3] for r in scores[1:]}
    assert reviewers == {"赵专家", "孙专家"}
    c_row = next(r for r in scores[1:] if r[2] == "探访项目" and r[3] == "赵专家")
    assert c_row[4:10] == ["7.0", "7.0", "7.0", "7.0", "7.0", "7.5"] or c_row[4:10] == ["7", "7", "7", "7", "7", "7.5"]


def test_xlsx_export_and_anonymous_variant(login):
    call, a, b, c = _call()
    client = login(create_user("staff"))
    wb = load_workbook(io.BytesIO(client.get(f"/reviews/calls/{call.id}/ranking.xlsx").data))
    assert wb.sheetnames == ["排名", "评分明细"]   # named in the interface language
    ranking = list(wb["排名"].values)
    assert ranking[1][2] == "助餐项目" and ranking[1][16] == "是"
    assert [r[16] for r in ranking[1:]] == ["是", "是", "否"]
    named = {r[3] for r in list(wb["评分明细"].values)[1:]}
    assert named == {"赵专家", "孙专家"}
    wb = load_workbook(io.BytesIO(client.get(f"/reviews/calls/{call.id}/ranking.xlsx?anonymous=1").data))
    anonymous = {r[3] for r in list(wb["评分明细"].values)[1:]}
    assert anonymous == {"评审专家1", "评审专家2"}
    body = client.get(f"/reviews/calls/{call.id}/ranking.csv?anonymous=1&part=scores").data.decode("utf-8-sig")
    assert "赵专家" not in body and "孙专家" not in body


def test_unknown_format_is_404(login):
    call, *_ = _call()
    assert login(create_user("staff")).get(f"/reviews/calls/{call.id}/ranking.pdf").status_code == 404


def test_no_cut_line_before_anything_is_scored(login):
    call = create_call(status="closed", budget_pool="40000.00", per_project_cap="40000.00")
    create_proposal(call, status="screened_in", title="未评审项目", amount_requested="50000.00")
    page = _text(login(create_user("staff")).get(f"/reviews/calls/{call.id}/ranking"))
    assert "未评审项目" in page and 'id="cut-line"' not in page


def test_an_incomplete_proposal_is_marked_and_not_recommended(login):
    call = create_call(status="closed", budget_pool="500000.00", per_project_cap="100000.00",
                       reviewers_per_proposal=3)
    partial = create_proposal(call, status="screened_in", title="只有一份评审的项目", amount_requested="50000.00")
    create_review(partial, cleared(partial, name="唯一专家"), total=95)
    page = _text(login(create_user("staff")).get(f"/reviews/calls/{call.id}/ranking"))
    row = page[page.index(f'id="row-{partial.id}"'):]
    row = row[:row.index("</tr>")]
    assert "评审未完成" in row and "✓" not in row
    assert 'id="cut-line"' not in page
