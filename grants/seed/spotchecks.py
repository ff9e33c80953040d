"""Demo spot checks (双随机): an inspector pool of eight, one draw over the verified organisations
for the current quarter, and results for its items (one satisfactory and closed, one needing
rectification). Idempotent: inspectors are matched by name, the draw by its period."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from grants.extensions import db
from grants.models import Inspector, SpotCheckDraw, User
from grants.services import ServiceError, spotchecks
from grants.timeutil import local_today

STAFF_EMAIL = "staff@demo.jx.gov.cn"
# (name, affiliation, e-mail of a linked demo account or None)
INSPECTORS = (
    ("周建国", "嘉兴市民政局社会组织管理处", STAFF_EMAIL),
    ("沈丽华", "嘉兴市民政局社会组织管理处", None),
    ("陆文杰", "嘉兴市社会组织促进会", None),
    ("钱晓燕", "嘉兴学院社会工作系", None),
    ("顾振华", "浙江禾信会计师事务所", None),
    ("朱敏", "嘉兴市财政局绩效评价科", None),
    ("吴海峰", "南湖区民政局", None),
    ("褚佳琪", "嘉兴市社会组织评估中心", None),
)
NONCE = "jx-demo-2026q4"


def _period(today) -> str:
    return f"{today.year}年第{(today.month - 1) // 3 + 1}季度"


def run(ctx: dict) -> None:
    users = ctx.get("users") or {}
    staff = users.get(STAFF_EMAIL) or db.session.scalar(select(User).where(User.email == STAFF_EMAIL))
    if staff is None:
        return
    known = set(db.session.scalars(select(Inspector.name)))
    for name, affiliation, email in INSPECTORS:
        if name in known:
            continue
        spotchecks.add_inspector(staff, name=name, affiliation=affiliation, user_email=email or "")
    today = local_today()
    period = _period(today)
    draw = db.session.scalar(select(SpotCheckDraw).where(SpotCheckDraw.population == "organisations",
                                                         SpotCheckDraw.period == period))
    if draw is None:
        try:
            draw = spotchecks.create_draw(staff, population="organisations", period=period, nonce=NONCE,
                                          document_rate=Decimal("10"), onsite_rate=Decimal("5"),
                                          inspectors_per_item=2, today=today)
        except ServiceError:
            return  # nothing to draw from (no verified organisation yet)
    items = spotchecks.items_of(draw)
    if items and items[0].result is None:
        spotchecks.record_result(staff, items[0], findings="章程、年度工作报告、财务会计报告齐全，项目台账与资金使用凭证相符。",
                                 rating="qualified", rectification_required=False, rectification_due_on=None,
                                 today=today)
        spotchecks.close_result(staff, items[0], today, today=today)
    if len(items) > 1 and items[1].result is None:
        spotchecks.record_result(staff, items[1], findings="实地查看服务场所，志愿者服务记录缺少 9 月、10 月两个月的签到表；"
                                                          "财务凭证中有两笔支出未附发票。",
                                 rating="basically_qualified", rectification_required=True,
                                 rectification_due_on=today + timedelta(days=30), today=today)
