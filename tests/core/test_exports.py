import csv
import io
from decimal import Decimal

from openpyxl import load_workbook

from grants import exports


def _sheets():
    return [exports.Sheet("proposals", ["名称", "金额"], [["=HYPERLINK(\"http://x\")", Decimal("1234.5")],
                                                       ["社区项目", Decimal("0.10")]], money_columns={1}),
            exports.Sheet("scores", ["专家", "分数"], [["@SUM(A1)", Decimal("8.5")]])]


def test_csv_has_a_bom_money_as_yuan_and_no_formulas(app):
    with app.test_request_context():
        response = exports.download("csv", "x", _sheets())
    body = response.get_data()
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0] == ["名称", "金额"]
    assert rows[1] == ["'=HYPERLINK(\"http://x\")", "¥1,234.50"]
    assert rows[2] == ["社区项目", "¥0.10"]
    assert rows[3] == []  # the second sheet follows a blank line
    assert rows[5] == ["'@SUM(A1)", "8.5"]
    assert response.headers["Content-Disposition"] == 'attachment; filename="x.csv"'


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
