"""Spreadsheet downloads (CSV and XLSX) of staff lists, in one place (the tables: exports/tables.py).

- CSV is UTF-8 with a byte-order mark so Excel opens Chinese text correctly; several sheets are
  written one after another with a blank line between them; money columns as ¥12,345.00.
- XLSX keeps amounts as numbers with a #,##0.00 format, one worksheet per sheet.
- Text that a spreadsheet would run as a formula (starting with = + - @) is prefixed with an
  apostrophe: an applicant's proposal title must never execute in a staff member's Excel.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal

from flask import Response, abort

from grants.money import format_yuan

FORMATS = ("csv", "xlsx")
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class Sheet:
    title: str
    header: list
    rows: list
    money_columns: set = field(default_factory=set)  # 0-based column indices
    freeze: str = "A2"


def safe_cell(value):
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _csv(sheets: list[Sheet]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for index, sheet in enumerate(sheets):
        if index:
            writer.writerow([])
        writer.writerow([str(h) for h in sheet.header])
        for row in sheet.rows:
            out = []
            for col, value in enumerate(row):
                if value is None:
                    value = ""
                elif col in sheet.money_columns and isinstance(value, Decimal):
                    value = format_yuan(value)
                out.append(safe_cell(value))
            writer.writerow(out)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _xlsx(sheets: list[Sheet]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    for index, sheet in enumerate(sheets):
        ws = workbook.active if index == 0 else workbook.create_sheet()
        ws.title = sheet.title[:31]
        ws.append([str(h) for h in sheet.header])
        for row in sheet.rows:
            ws.append([safe_cell(v) for v in row])
        for col in sheet.money_columns:
            for cell in list(ws.iter_cols(min_col=col + 1, max_col=col + 1, min_row=2))[0] if ws.max_row > 1 else []:
                cell.number_format = "#,##0.00"
        ws.freeze_panes = sheet.freeze
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def download(fmt: str, filename_stem: str, sheets: list[Sheet]) -> Response:
    """The sheets as a CSV or XLSX attachment; any other format is a 404."""
    if fmt not in FORMATS:
        abort(404)
    body, mimetype = (_csv(sheets), "text/csv; charset=utf-8") if fmt == "csv" else (_xlsx(sheets), XLSX_MIMETYPE)
    return Response(body, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{filename_stem}.{fmt}"'})
