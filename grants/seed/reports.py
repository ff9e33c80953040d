"""Demo milestone reports and an evaluation on the contract in force: the first milestone's
report accepted, the second submitted and waiting for staff, and a passed mid-term evaluation
by a third-party evaluation agency's user. Idempotent: each stage is skipped once done."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from grants.extensions import db
from grants.models import Contract
from grants.seed.core import _user
from grants.services import evaluations, reports

STAFF_EMAIL = "staff@demo.jx.gov.cn"
EVALUATOR = ("evaluator@demo.jx.gov.cn", "钱思远（嘉兴市社会组织评估中心）", "嘉兴市社会组织评估中心")

FIGURES = [
    {"narrative": "完成辖区独居老人需求摸底，建立320人服务档案；开展上门探访812人次，健康讲座6场。\n"
                  "招募并培训社区志愿者42名，组建“银龄守望”探访小组8个。",
     "beneficiaries_served": 320, "person_times": 812, "service_hours": Decimal("1260.5"), "volunteers": 42},
    {"narrative": "持续开展上门探访与健康监测，新增紧急呼叫响应机制；举办健康讲座4场、节日关爱活动2场。",
     "beneficiaries_served": 335, "person_times": 1046, "service_hours": Decimal("1580"), "volunteers": 51},
]
SCORES = {"execution": Decimal("88"), "objectives": Decimal("85"), "funds": Decimal("90"), "impact": Decimal("86")}


def _fill(member, report, figures: dict, share: Decimal) -> None:
    data = dict(figures)
    data["kpi_actuals"] = {row["indicator_id"]: (Decimal(row["target"]) * share).quantize(Decimal("1"))
                           for row in reports.kpi_rows(report)}
    data["spending"] = {row["category"]: (Decimal(row["budget"]) * share).quantize(Decimal("0.01"))
                        for row in reports.spending_rows(report)}
    reports.save_draft(member, report, data)
    reports.submit(member, report)


def run(ctx: dict) -> None:
    evaluator = _user(EVALUATOR[0], EVALUATOR[1], ["evaluator"], EVALUATOR[2])
    db.session.commit()
    ctx["logins"].append(("evaluator", EVALUATOR[0]))
    contract = db.session.scalar(select(Contract).where(Contract.status == "active").order_by(Contract.id))
    if contract is None:
        return
    staff = ctx["users"][STAFF_EMAIL]
    member = next((m.user for m in contract.organisation.memberships), None)
    milestones = reports.milestones_of(contract)
    if member is None or not milestones:
        return
    first = milestones[0].report
    if first.status == "draft":
        _fill(member, first, FIGURES[0], Decimal("0.5"))
    if first.status == "submitted":
        reports.accept(staff, first, "材料齐全，服务记录与签到表一致，验收通过。")
    if len(milestones) > 1 and milestones[1].report.status == "draft":
        _fill(member, milestones[1].report, FIGURES[1], Decimal("0.9"))
    evaluation = evaluations.evaluation_of(contract, "mid")
    if evaluation is None:
        evaluation = evaluations.assign(staff, contract, "mid", evaluator)
    if evaluation.status == "assigned":
        evaluations.submit(evaluator, evaluation, SCORES, "pass",
                           "项目按计划推进，服务档案完整，资金使用规范。\n建议下一阶段加强志愿者队伍的稳定性建设。")
