"""Public side of the demo calls: a contact person on each, and a budget template (XLSX) staff
attached to the open call for applicants to download. Idempotent."""
from __future__ import annotations

import io

from grants.services import atomic, call_site, lock
from grants.services.audit import record

CONTACTS = {
    "open_call": ("李晓燕", "0573-82071234", "lixy@demo.jx.gov.cn"),
    "closed_call": ("陈建国", "0573-82071235", "chenjg@demo.jx.gov.cn"),
}
TEMPLATE_NAME = "项目预算表模板.xlsx"


def budget_template() -> bytes:
    """The budget table applicants fill in (the same categories as the proposal form)."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "项目预算"
    sheet.append(["类别", "说明", "单价（元）", "数量", "合计（元）", "资金来源"])
    rows = [("人员费", "项目社工劳务补贴（示例）", 1800, 10), ("活动费", "服务活动组织费用", 500, 20),
            ("物资费", "服务物资与宣传材料", 3000, 1), ("管理费", "场地与项目管理", 2000, 1)]
    for i, (category, text, price, qty) in enumerate(rows, start=2):
        sheet.append([category, text, price, qty, f"=C{i}*D{i}", "申请资助"])
    sheet.append(["", "合计", "", "", f"=SUM(E2:E{len(rows) + 1})", ""])
    for column, width in zip("ABCDEF", (10, 28, 12, 8, 12, 12), strict=True):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def run(ctx: dict) -> None:
    staff = ctx["users"]["staff@demo.jx.gov.cn"]
    for key, (name, phone, email) in CONTACTS.items():
        call = ctx.get(key)
        if call is None or call.contact_name:
            continue
        with atomic():
            lock(call)
            call.contact_name, call.contact_phone, call.contact_email = name, phone, email
            record(staff, call, "call.update", data={"before": {"contact_name": ""},
                                                     "after": {"contact_name": name, "contact_phone": phone,
                                                               "contact_email": email}})
    open_call = ctx.get("open_call")
    if open_call is not None and not open_call.attachments:
        call_site.add_attachment(staff, open_call, TEMPLATE_NAME, budget_template(), title="项目预算表模板")
