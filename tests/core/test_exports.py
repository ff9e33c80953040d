import csv
import io
from decimal import Decimal

from openpyxl import load_workbook

from grants.exports import spreadsheet as exports


def _sheets():
    return [exports.Sheet("proposals", ["名称", "金额"], [["=HYPERLINK(\"http://x\")", Decimal("1234.5")],
                                                       ["社区项目", Decimal("0.10")]], money_columns={1},
                          key="proposals"),
            exports.Sheet("scores", ["专家", "分数"], [["@SUM(A1)", Decimal("8.5")]], key="scores")]


def test_csv_has_a_bom_money_as_numbers_one_table_and_no_formulas(app):
    with app.test_request_context():
        response = exports.download("csv", "x", _sheets())
    body = response.get_data()
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0] == ["名称", "金额"]
    assert rows[1] == ["'=HYPERLINK(\"http://x\")", "1234.50"]   # a number a spreadsheet adds up
    assert rows[2] == ["社区项目", "0.10"]
    assert len(rows) == 3  # one table per file: the second sheet is its own download
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="x-proposals.csv"')
    with app.test_request_context():
        second = exports.download("csv", "x", _sheets(), part="scores", title="2026年度为老服务项目")
    rows = list(csv.reader(io.StringIO(second.get_data().decode("utf-8-sig"))))
    assert rows[1] == ["'@SUM(A1)", "8.5"]
    disposition = second.headers["Content-Disposition"]
    assert 'filename="x-scores.csv"' in disposition
    assert "filename*=UTF-8''2026%E5%B9%B4%E5%BA%A6" in disposition  # the call's title, RFC 5987


def test_xlsx_keeps_amounts_as_numbers_and_text_as_text(app):
    with app.test_request_context():
        response = exports.download("xlsx", "x", _sheets())
    book = load_workbook(io.BytesIO(response.get_data()))
    ws = book["proposals"]
    assert ws["A2"].value == "'=HYPERLINK(\"http://x\")" and ws["A2"].data_type == "s"
    assert ws["B2"].value == 1234.5 and ws["B2"].number_format == "#,##0.00"
    assert book["scores"]["A2"].value == "'@SUM(A1)"


def test_unknown_format_is_404(app):
    import pytest
    from werkzeug.exceptions import NotFound

    with app.test_request_context(), pytest.raises(NotFound):
        exports.download("pdf", "x", _sheets())


def test_export_tables_are_built_from_plain_data_without_the_database(app):
    """tables.* take loaded data and return the sheet; anonymous = numbered, never named."""
    from decimal import Decimal
    from types import SimpleNamespace as NS

    from grants.exports import tables

    criterion = NS(id=1, name="必要性", weight=100, max_score=10)
    result = NS(rows=[NS(rank=1, proposal_id=7, title="=HYPERLINK()")])
    reviews = [NS(reviewer_id=rid, proposal_id=7, scores=[NS(criterion_id=1, score=Decimal("8"))],
                  weighted_total=Decimal("80"), recommendation="fund", submitted_at=None, overall_comment="好")
               for rid in (42, 17)]
    with app.test_request_context("/"):
        named = tables.scores(result, [criterion], reviews, {42: "张三", 17: "李四"})
        anonymous = tables.scores(result, [criterion], reviews, None)
    assert [r[3] for r in named.rows] == ["张三", "李四"]
    assert [r[3] for r in anonymous.rows] == ["评审专家2", "评审专家1"]  # numbered by id
    assert "张三" not in str(anonymous.rows)
    assert named.header[4] == "必要性 (100%, /10)"
