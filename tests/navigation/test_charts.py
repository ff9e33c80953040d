"""Staff dashboard charts: server-drawn SVG bars and a data table with the same numbers."""
from __future__ import annotations

import re
from decimal import Decimal

from grants.charts import Chart
from grants.services import dashboard
from grants.timeutil import local_today, to_local
from tests.factories import create_call, create_proposal, create_user
from tests.navigation.world import build


def _bars(svg: str) -> list[tuple[str, str]]:
    return re.findall(r'<rect class="bar (bar-\d)"[^>]*data-value="([^"]+)"', svg)


def test_chart_draws_one_bar_per_value_scaled_to_the_largest():
    chart = Chart("t", "T", ["A", "B"], [("一", [4, 2]), ("二", [0, 1])])
    svg = str(chart.svg())
    assert _bars(svg) == [("bar-1", "4"), ("bar-2", "2"), ("bar-1", "0"), ("bar-2", "1")]
    widths = [float(w) for w in re.findall(r'<rect [^>]*width="([\d.]+)"', svg)]
    assert widths[0] == 2 * widths[1] == 4 * widths[3] and widths[2] == 0
    assert "<script" not in svg and "http://www.w3.org/2000/svg" in svg


def test_money_chart_labels_values_as_yuan():
    chart = Chart("m", "M", ["Paid"], [("2026-11", [Decimal("40000.00")])], money=True)
    assert "¥40,000.00" in str(chart.svg()) and chart.cell(Decimal("40000.00")) == "¥40,000.00"


def test_staff_charts_carry_the_numbers_of_the_built_call(app):
    w = build()
    charts = {c.key: c for c in dashboard.staff_charts()}
    assert set(charts) == {"status", "category", "reviews", "money", "overdue", "approvals"}
    assert dict((label, v[0]) for label, v in charts["status"].rows) == {
        "已提交": 2, "资格审核未通过": 1, "资格审核通过": 2, "拟资助": 1, "已立项": 3}
    assert charts["category"].rows == [("为老服务", [9])]
    assert charts["reviews"].rows == [(w.call.title, [1, 3])]
    assert charts["overdue"].rows == [(w.call.title, [1, 1])]
    assert [v for _label, v in charts["approvals"].rows] == [[1], [0], [0]]  # requested, first approved, approved
    money = dict(charts["money"].rows)
    opened = to_local(w.call.opens_at).strftime("%Y-%m")
    paid = local_today().strftime("%Y-%m")
    assert money[opened][0] == Decimal("1000000.00") and money[paid][2] == Decimal("40000.00")
    assert sum(v[2] for v in money.values()) == Decimal("40000.00")


def test_dashboard_shows_each_chart_with_its_table(login):
    w = build()
    html = login(w.staff).get("/dashboard").get_data(as_text=True)
    figure = re.search(r'<figure class="chart" id="chart-reviews">(.*?)</figure>', html, re.S).group(1)
    assert "<figcaption>" in figure and "<svg" in figure
    assert _bars(figure) == [("bar-1", "1"), ("bar-2", "3")]
    table = re.search(r"<table.*?</table>", figure, re.S).group(0)
    cells = re.findall(r'<td class="num">([^<]+)</td>', table)
    assert cells == ["1", "3"] and w.call.title in table
    money = re.search(r'<figure class="chart" id="chart-money">(.*?)</figure>', html, re.S).group(1)
    assert "¥40,000.00" in money and "¥1,000,000.00" in money


def test_charts_use_a_fixed_number_of_statements(app):
    from grants.extensions import db
    from grants.sqlcount import recorded_statements

    create_user("staff")
    create_call()
    with recorded_statements(db.engine) as seen:
        dashboard.staff_charts()
    few = len(list(seen))
    build()
    for _i in range(3):
        create_proposal(create_call(status="closed"), status="submitted")
    with recorded_statements(db.engine) as seen:
        dashboard.staff_charts()
    assert len(list(seen)) == few == 8  # four shared facts (live_facts) and four of its own
