"""Spreadsheet downloads (CSV and XLSX) of staff lists, in one place (the tables: exports/tables.py).

- CSV is UTF-8 with a byte-order mark so Excel opens Chinese text correctly; one table per
  file (a download with several sheets takes `part=<sheet key>`, the first by default); amounts
  are plain numbers (12345.00) so a spreadsheet can add them up; the header says the unit.
- XLSX keeps amounts as numbers with a #,##0.00 format, one worksheet per sheet, named in the
  interface language.
- The file name carries the call's title (RFC 5987 `filename*`, with an ASCII fallback).
- Text that a spreadsheet would run as a formula (starting with = + - @) is prefixed with an
  apostrophe: an applicant's proposal title must never execute in a staff member's Excel.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import quote

from flask import Response, abort

FORMATS = ("csv", "xlsx")
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class Sheet:
    title: str          # shown to people: the worksheet's name, in the interface language
    header: list
    rows: list
    money_columns: set = field(default_factory=set)  # 0-based column indices
    freeze: str = "A2"
    key: str = ""       # stable ASCII name (the CSV `part`)


def safe_cell(value):
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _csv(sheet: Sheet) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([str(h) for h in sheet.header])
    for row in sheet.rows:
        out = []
        for col, value in enumerate(row):
            if value is None:
                value = ""
            elif col in sheet.money_columns and isinstance(value, Decimal):
                value = f"{value:.2f}"
            out.append(safe_cell(value))
        writer.writerow(out)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _xlsx(sheets: list[Sheet]) -> bytes:
    """A write-only workbook: rows are streamed into the file, not kept as cell objects."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    for sheet in sheets:
        ws = workbook.create_sheet(_sheet_name(sheet.title))
        ws.freeze_panes = sheet.freeze
        ws.append([str(h) for h in sheet.header])
        money = sorted(sheet.money_columns)
        for row in sheet.rows:
            values = [safe_cell(v) for v in row]
            for col in money:
                if col < len(values) and values[col] is not None:
                    cell = WriteOnlyCell(ws, value=values[col])
                    cell.number_format = "#,##0.00"
                    values[col] = cell
            ws.append(values)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _sheet_name(title: str) -> str:
    """An Excel worksheet name: at most 31 characters, none of []:*?/\\."""
    return re.sub(r"[\[\]:*?/\\]", " ", str(title)).strip()[:31] or "Sheet"


def content_disposition(filename: str, ascii_fallback: str) -> str:
    """attachment; filename="<ASCII>"; filename*=UTF-8''<the real name> (RFC 6266 / RFC 5987)."""
    name = re.sub(r'[\x00-\x1f\x7f"\\/:*?<>|]', "_", filename).strip() or ascii_fallback
    return f'attachment; filename="{ascii_fallback}"; filename*=UTF-8\'\'{quote(name, safe="")}'


def download(fmt: str, filename_stem: str, sheets: list[Sheet], *, title: str | None = None,
             part: str | None = None) -> Response:
    """The sheets as an XLSX attachment, or one of them (`part`, by key; the first by default) as
    CSV; any other format or unknown part is a 404. `title` (e.g. the call's) leads the file name."""
    if fmt not in FORMATS:
        abort(404)
    if fmt == "csv":
        chosen = next((s for s in sheets if s.key == part), None) if part else sheets[0]
        if chosen is None:
            abort(404)
        if len(sheets) > 1:
            filename_stem = f"{filename_stem}-{chosen.key or 'sheet'}"
        body, content_type = _csv(chosen), "text/csv; charset=utf-8"
    else:
        body, content_type = _xlsx(sheets), XLSX_MIMETYPE
    ascii_name = f"{filename_stem}.{fmt}"
    shown = f"{title}-{ascii_name}" if title else ascii_name
    return Response(body, content_type=content_type,
                    headers={"Content-Disposition": content_disposition(shown, ascii_name)})
