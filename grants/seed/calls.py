"""Demo calls: one open call (2027年度嘉兴市公益创投项目征集) and one closed call
(2026年度政府购买社会组织服务项目); one organisation flagged 失信. Idempotent (found by title).

Dates are relative to the day the demo is first loaded, so the open call is open then.
"""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from grants.extensions import db
from grants.models import Call
from grants.services import atomic
from grants.services import calls as service
from grants.services.organisation_records import set_blacklist
from grants.services.workflow import transition
from grants.timeutil import end_of_local_day, local_today, start_of_local_day
from grants.workflows import CALL

OPEN_TITLE = "2027年度嘉兴市公益创投项目征集"
CLOSED_TITLE = "2026年度政府购买社会组织服务项目"

OPEN_DESCRIPTION = """为深入推进社会组织参与基层治理和公共服务，嘉兴市民政局安排市级福利彩票公益金200万元，面向全市社会组织征集2027年度公益创投项目。

重点支持领域：为老服务（独居、空巢、失能老人关爱）、助残服务（康复、就业支持、家庭喘息）、青少年服务（困境儿童关爱、心理健康、课后托管）、社区治理（邻里互助、社区协商、志愿服务）和应急救援（防灾减灾宣传、应急队伍培训）。

单个项目资助金额不超过8万元，申报组织须提供不低于项目总预算20%的配套资金；人员经费不超过资助金额的30%；项目周期不超过12个月。每个组织限报1个项目。"""

CLOSED_DESCRIPTION = """根据《政府购买服务管理办法》（财政部令第102号），嘉兴市民政局2026年度向社会组织购买社区养老、残疾人康复、困境儿童关爱和社区心理服务等项目，资金总额150万元。

申报组织须为社会组织等级评估3A及以上、上一年度年检合格、未被列入严重违法失信名单的社会组织。评审采用匿名方式，每个项目由3位专家独立评分。立项结果公示5个工作日后签订政府购买服务合同。"""

FLAGGED_INDEX = 17  # 嘉兴市环境保护志愿者协会 in core's list


def _find(title: str) -> Call | None:
    return db.session.scalar(select(Call).where(Call.title == title))


def _data(**overrides) -> dict:
    data = dict(
        description="", categories=["elderly", "disability", "youth", "community", "emergency"],
        min_matching_share=Decimal("20"), max_personnel_share=Decimal("30"), max_proposals_per_org=1,
        term_min_months=1, term_max_months=12, allow_resubmit=True, min_grade=None, min_years_registered=None,
        require_verified=True, require_inspection_passed=False, exclude_blacklisted=True, districts=None,
        reviewers_per_proposal=3, blind_review=False, notice_working_days=5,
    )
    data.update(overrides)
    return data


def run(ctx: dict) -> None:
    staff = ctx["users"]["staff@demo.jx.gov.cn"]
    today = local_today()

    open_call = _find(OPEN_TITLE)
    if open_call is None:
        open_call = service.create_call(staff, _data(
            title=OPEN_TITLE, description=OPEN_DESCRIPTION, budget_pool=Decimal("2000000.00"),
            per_project_cap=Decimal("80000.00"), opens_at=start_of_local_day(today - timedelta(days=14)),
            closes_at=end_of_local_day(today + timedelta(days=45)),
        ), service.default_rubric(), service.preset_tranches("50_30_20"))
        service.open_call(staff, open_call)

    closed_call = _find(CLOSED_TITLE)
    if closed_call is None:
        closed_call = service.create_call(staff, _data(
            title=CLOSED_TITLE, description=CLOSED_DESCRIPTION, categories=["elderly", "disability", "youth", "community"],
            budget_pool=Decimal("1500000.00"), per_project_cap=Decimal("100000.00"), min_matching_share=Decimal("10"),
            min_grade=3, require_inspection_passed=True, blind_review=True, max_proposals_per_org=3,
            opens_at=start_of_local_day(today - timedelta(days=120)),
            closes_at=end_of_local_day(today - timedelta(days=60)),
        ), service.default_rubric(), service.preset_tranches("30_40_30"))
        # Its window is in the past: take the two steps directly (audited), as the clock would have.
        with atomic():
            transition(CALL, closed_call, "open", staff)
            transition(CALL, closed_call, "closed", None, note="clock")

    organisations = ctx.get("organisations") or []
    if len(organisations) > FLAGGED_INDEX:
        flagged = organisations[FLAGGED_INDEX]
        if not flagged.blacklisted:
            set_blacklist(staff, flagged, True, today - timedelta(days=90),
                          "嘉民信〔2026〕7号：以虚假材料骗取政府补助，列入严重违法失信名单。")

    ctx.update(open_call=open_call, closed_call=closed_call)
