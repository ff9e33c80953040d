"""Demo disclosure: annual disclosures written by organisations (one approved and public, one
submitted and waiting for staff, one returned, one draft) and enforcement records kept by staff
(a warning in force, one withdrawn as entered in error). Idempotent: each piece is made once."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from grants.extensions import db
from grants.models import AnnualDisclosure, Contract, EnforcementRecord
from grants.services import disclosure
from grants.timeutil import local_today

STAFF_EMAIL = "staff@demo.jx.gov.cn"

APPROVED = {
    "activities": "全年开展社区居家养老服务项目3个，上门探访独居老人2,460人次；举办健康讲座18场、"
                  "志愿者培训6期，新增注册志愿者86名。\n承接政府购买服务项目1个，按期通过中期评估。",
    "income": Decimal("1286400.00"), "expenditure": Decimal("1193250.50"), "net_assets": Decimal("412780.35"),
    "donations_received": Decimal("86000.00"),
    "donations_use": "接受爱心企业定向捐赠8.6万元，全部用于独居老人健康包采购（5.2万元）和紧急呼叫设备安装（3.4万元），"
                     "明细已在机构公众号公示。",
}
SUBMITTED = {
    "activities": "开展青少年课后托管与心理支持服务，服务学生1,120人次；组织亲子活动12场。",
    "income": Decimal("532000.00"), "expenditure": Decimal("498760.00"), "net_assets": Decimal("96540.00"),
    "donations_received": Decimal("0.00"), "donations_use": "",
}
RETURNED = {
    "activities": "开展助残康复服务。",
    "income": Decimal("210000.00"), "expenditure": Decimal("236500.00"), "net_assets": Decimal("-12800.00"),
    "donations_received": Decimal("15000.00"), "donations_use": "用于康复器材。",
}


def _member(org):
    return next((m.user for m in org.memberships), None)


def _disclosure(org, year, member, data, target, staff, reason=None):
    row = db.session.scalar(select(AnnualDisclosure).where(AnnualDisclosure.organisation_id == org.id,
                                                           AnnualDisclosure.year == year))
    if row is not None:
        return row
    row = disclosure.start(member, org, year)
    disclosure.save(member, row, data)
    if target == "draft":
        return row
    disclosure.submit(member, row)
    if target == "approved":
        disclosure.approve(staff, row)
    elif target == "returned":
        disclosure.return_(staff, row, reason)
    return row


def run(ctx: dict) -> None:
    staff = (ctx.get("users") or {}).get(STAFF_EMAIL)
    orgs = [o for o in ctx.get("organisations") or [] if o.status == "verified"]
    if staff is None or len(orgs) < 4:
        return
    contract = db.session.scalar(select(Contract).where(Contract.status == "active").order_by(Contract.id))
    first = contract.organisation if contract is not None else orgs[0]
    others = [o for o in orgs if o.id != first.id]
    last_year = local_today().year - 1
    plan = [(first, last_year, APPROVED, "approved", None),
            (others[0], last_year, SUBMITTED, "submitted", None),
            (others[1], last_year, RETURNED, "returned",
             "净资产为负数，请补充说明原因；捐赠使用情况请写明金额和用途。"),
            (first, last_year + 1, {"activities": "（年度进行中，待年末补充）"}, "draft", None)]
    for org, year, data, target, reason in plan:
        member = _member(org)
        if member is not None:
            _disclosure(org, year, member, data, target, staff, reason)

    if db.session.scalar(select(EnforcementRecord.id).limit(1)) is None:
        disclosure.add_enforcement(staff, others[2], decided_on=date(2025, 9, 12), kind="warning",
                                   authority="嘉兴市民政局",
                                   summary="未按规定报送2024年度工作报告，责令限期改正并予以警告（嘉民罚决字〔2025〕17号）。")
        mistaken = disclosure.add_enforcement(staff, others[2], decided_on=date(2025, 3, 2), kind="fine",
                                              authority="嘉兴市民政局", summary="（录入错误）")
        disclosure.withdraw_enforcement(staff, mistaken, "录入对象错误，已撤回。")
        disclosure.add_enforcement(staff, others[3], decided_on=date(2026, 4, 20), kind="abnormal_list",
                                   authority="嘉兴市南湖区民政局", summary="通过登记的住所无法联系，列入活动异常名录。",
                                   ends_on=date(2027, 4, 19))
