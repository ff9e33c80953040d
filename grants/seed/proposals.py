"""Demo proposals: about 30 submitted to the closed call (four screened out with their reasons,
the rest screened in) and a draft on the open call for org1. Idempotent (found by call and title).

Proposals on the closed call are historical: they are written as submitted at a time inside the
call's window, with the same snapshot and audit trail a real submission leaves.
"""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from grants.extensions import db
from grants.models import BudgetLine, Indicator, Proposal, ProposedMilestone, User
from grants.services import atomic
from grants.services import proposals as service
from grants.services.audit import record
from grants.services.eligibility import check as eligibility_check
from grants.timeutil import local_today, to_local

STAFF_EMAIL = "staff@demo.jx.gov.cn"

# title, category, beneficiaries, number, requested (yuan), what the project does
PROJECTS = [
    ("“银龄食堂”社区助餐服务项目", "elderly", "社区80岁以上独居、空巢老人", 150, 86000, "在社区设立助餐点，为高龄老人提供午餐配送和堂食服务"),
    ("失能老人家庭照护者喘息服务", "elderly", "居家失能老人的家庭照护者", 60, 72000, "为长期照护失能老人的家属提供临时替代照护和心理支持"),
    ("“时间银行”互助养老项目", "elderly", "低龄健康老人与高龄老人", 300, 65000, "组织低龄老人为高龄老人提供陪伴服务并储存服务时间"),
    ("老年人防诈骗宣传与智能手机培训", "elderly", "60岁以上社区居民", 800, 48000, "开展防诈骗讲座和智能手机使用小课堂"),
    ("认知症老人早期筛查与家庭支持", "elderly", "疑似认知障碍老人及其家属", 120, 95000, "联合社区卫生服务中心开展认知症筛查和照护培训"),
    ("残疾人居家康复指导服务", "disability", "居家肢体残疾人", 80, 90000, "康复师上门开展康复训练指导和辅具适配"),
    ("心智障碍青年就业支持计划", "disability", "18至35岁心智障碍青年", 40, 98000, "开展职业技能培训、岗位开发和就业辅导员陪伴"),
    ("孤独症儿童家庭支持小组", "disability", "孤独症儿童家庭", 50, 76000, "组织家长互助小组、专家讲座和亲子融合活动"),
    ("视障人士无障碍出行志愿陪伴", "disability", "视力残疾人", 70, 42000, "招募志愿者提供就医、购物等出行陪伴"),
    ("困境儿童“护苗”关爱行动", "youth", "低保、留守等困境儿童", 100, 88000, "开展个案帮扶、学业辅导和暑期成长营"),
    ("青少年心理健康“心晴驿站”", "youth", "辖区中小学生", 600, 92000, "在学校和社区设立心理驿站，提供心理测评和团体辅导"),
    ("“四点半课堂”课后托管服务", "youth", "双职工家庭小学生", 90, 70000, "放学后提供作业辅导、阅读和兴趣课程"),
    ("流动儿童社区融入计划", "youth", "新居民子女", 120, 60000, "开展城市探索、社区志愿和家庭教育活动"),
    ("青少年防溺水安全教育", "youth", "中小学生及家长", 1500, 45000, "开展防溺水课程、应急演练和危险水域巡查"),
    ("老旧小区“邻里议事会”培育", "community", "老旧小区居民", 2000, 66000, "培育居民议事骨干，推动小区公共事务协商"),
    ("社区志愿服务站能力提升", "community", "社区志愿者骨干", 200, 55000, "开展志愿者招募、培训、激励和项目化运作"),
    ("“美丽楼道”共建共治项目", "community", "小区居民", 1200, 52000, "发动居民清理楼道、美化公共空间并制定楼道公约"),
    ("社区社会组织孵化与督导", "community", "社区社会组织负责人", 30, 84000, "为社区社会组织提供孵化空间、培训和督导"),
    ("新就业群体“暖蜂驿站”服务", "community", "外卖骑手、快递员等新就业群体", 500, 58000, "建设驿站，提供休息、法律咨询和健康服务"),
    ("社区应急救护培训进万家", "community", "社区居民和物业人员", 1000, 62000, "开展心肺复苏和AED使用培训并组建社区救护队"),
    ("独居老人智慧安防关爱", "elderly", "独居老人", 200, 78000, "安装烟感和紧急呼叫设备，志愿者定期回访"),
    ("农村留守老人文化养老", "elderly", "农村留守老人", 350, 50000, "在村文化礼堂开展文艺、健康和手工活动"),
    ("残疾人家庭无障碍改造评估", "disability", "重度残疾人家庭", 45, 68000, "专业人员入户评估并协助申请无障碍改造"),
    ("听障儿童语言康复辅导", "disability", "学龄前听障儿童", 30, 82000, "开展一对一语言训练和家长培训"),
    ("困境青少年职业体验营", "youth", "14至18岁困境青少年", 60, 56000, "组织职业体验、生涯规划和导师结对"),
    ("家庭教育指导“父母课堂”", "youth", "中小学生家长", 400, 47000, "开展家庭教育讲座、工作坊和个案咨询"),
    ("社区矛盾调解志愿队建设", "community", "社区居民", 1500, 61000, "组建调解志愿队，开展邻里纠纷调解和法律宣传"),
    ("“共享菜园”邻里互助项目", "community", "社区居民家庭", 150, 40000, "利用闲置地块建设共享菜园，促进邻里交往"),
    ("失独家庭心理关怀服务", "elderly", "失独老人", 40, 74000, "社工和心理咨询师开展个案陪伴和节日关怀"),
    ("精神障碍康复者社区融合", "disability", "社区精神障碍康复者", 35, 88000, "开展康复小组、社区融合活动和家属支持"),
]

OUT_REASONS = "；".join  # failures joined as the screening reason


def _find(call, title: str) -> Proposal | None:
    return db.session.scalar(select(Proposal).where(Proposal.call_id == call.id, Proposal.title == title))


def _fill(proposal: Proposal, n: int, spec, cap: Decimal, start) -> None:
    title, category, who, count, requested, what = spec
    requested = min(Decimal(requested), cap)
    matching = (requested * Decimal("0.25")).quantize(Decimal("1"))  # 20 % of the project budget
    personnel = (requested * Decimal("0.28")).quantize(Decimal("1"))
    activities = (requested * Decimal("0.5")).quantize(Decimal("1"))
    materials = requested - personnel - activities
    proposal.title = title
    proposal.category = category
    proposal.summary = f"本项目{what}，预计服务{who}{count}人，着力解决服务对象最迫切的需求。"
    proposal.need_analysis = (f"经入户走访和问卷调查（回收有效问卷{120 + n * 7}份），辖区{who}约{count * 3}人，"
                              f"其中{40 + n % 30}%表示缺少稳定的专业服务。现有公共服务覆盖不足，社会组织可发挥专业优势补位。")
    proposal.objectives = f"1. {what}；2. 服务对象满意度达到90%以上；3. 形成可复制的服务模式和操作手册。"
    proposal.beneficiaries = who
    proposal.beneficiary_count = count
    proposal.activities = (f"（1）需求评估与服务对象建档；（2）{what}；（3）志愿者招募与培训；"
                           f"（4）中期评估与服务调整；（5）总结评估与成果宣传。")
    proposal.start_date = start
    proposal.end_date = start + timedelta(days=364)
    proposal.amount_requested = requested
    proposal.matching_funds = matching
    proposal.matching_source = "机构自有资金及爱心企业捐赠" if n % 2 else "机构自筹及社区公益基金配套"
    unit = (personnel / 10).quantize(Decimal("0.01"))
    lines = [
        ("personnel", "项目社工劳务补贴（10个月）", unit, Decimal("10"), "grant"),
        ("activities", "服务活动组织费用", activities, Decimal("1"), "grant"),
        ("materials", "服务物资与宣传材料", materials, Decimal("1"), "grant"),
        ("administration", "场地与项目管理（机构配套）", matching, Decimal("1"), "matching"),
    ]
    # Personnel in whole fen: 10 × unit may differ from `personnel`; put the difference on activities.
    diff = personnel - unit * 10
    lines[1] = (lines[1][0], lines[1][1], activities + diff, Decimal("1"), "grant")
    proposal.budget_lines = [
        BudgetLine(position=i, category=c, description=d, unit_price=u, quantity=q,
                   total=service.line_total(u, q), funded_by=f)
        for i, (c, d, u, q, f) in enumerate(lines)
    ]
    proposal.indicators = [
        Indicator(position=0, name="直接服务人数", target=Decimal(count), unit="人"),
        Indicator(position=1, name="开展服务活动", target=Decimal(24 + n % 12), unit="场"),
        Indicator(position=2, name="服务对象满意度", target=Decimal("90"), unit="%"),
    ]
    proposal.milestones = [
        ProposedMilestone(position=0, title="需求评估与启动", due_date=start + timedelta(days=60), deliverable="需求评估报告、服务对象档案"),
        ProposedMilestone(position=1, title="中期评估", due_date=start + timedelta(days=180), deliverable="中期报告及经费使用情况"),
        ProposedMilestone(position=2, title="结项评估", due_date=start + timedelta(days=364), deliverable="结项报告、服务手册"),
    ]


def _submit_historical(staff_or_user, proposal: Proposal, at) -> None:
    proposal.status = "submitted"
    proposal.submitted_at = at
    proposal.submission_count = 1
    db.session.flush()
    proposal.snapshot = service.build_snapshot(proposal, at)
    record(staff_or_user, proposal, "proposal.create", to_status="draft").at = at - timedelta(days=3)
    record(staff_or_user, proposal, "proposal.submit", from_status="draft", to_status="submitted").at = at


def _applicant(org) -> User | None:
    members = service.members(org.id)
    return members[0] if members else None


def run(ctx: dict) -> None:
    call, open_call = ctx.get("closed_call"), ctx.get("open_call")
    organisations = ctx.get("organisations") or []
    staff = ctx["users"][STAFF_EMAIL]
    screened_in: list[Proposal] = []
    if call is not None and organisations:
        on = to_local(call.closes_at).date()
        verdicts = [(org, eligibility_check(call, org, on)) for org in organisations]
        eligible = [org for org, failures in verdicts if not failures]
        ineligible = [(org, failures) for org, failures in verdicts if failures][:4]
        owners = [eligible[i % len(eligible)] for i in range(len(PROJECTS) - len(ineligible))] if eligible else []
        owners += [org for org, _ in ineligible]
        reasons = {org.id: OUT_REASONS(str(f) for f in failures) for org, failures in ineligible}
        start = to_local(call.closes_at).date() + timedelta(days=45)
        window = call.closes_at - call.opens_at
        for n, (spec, org) in enumerate(zip(PROJECTS, owners, strict=False)):
            proposal = _find(call, spec[0])
            if proposal is None:
                user = _applicant(org)
                at = call.opens_at + window * (n + 1) / (len(PROJECTS) + 2)
                with atomic():
                    proposal = Proposal(call_id=call.id, organisation_id=org.id, created_by_id=user.id if user else None,
                                        status="draft")
                    proposal.call, proposal.organisation = call, org
                    db.session.add(proposal)
                    _fill(proposal, n, spec, call.per_project_cap, start)
                    _submit_historical(user, proposal, at)
                if org.id in reasons:
                    service.screen(staff, proposal, False, f"不符合申报条件：{reasons[org.id]}")
                else:
                    service.screen(staff, proposal, True)
            if proposal.status in ("screened_in", "recommended", "awarded", "not_funded"):
                screened_in.append(proposal)
    ctx["screened_in"] = screened_in

    # A draft on the open call for org1 (the open call allows one proposal per organisation).
    if open_call is not None and organisations:
        org1 = organisations[0]
        user = _applicant(org1)
        title = "“幸福邻里”社区居家养老服务"
        if user is not None and _find(open_call, title) is None and service.count_for(open_call, org1) == 0:
            draft = service.start(user, open_call, org1)
            today = local_today()
            service.save_draft(user, draft, {
                "title": title, "category": "elderly",
                "summary": "依托社区日间照料中心，为辖区高龄、独居老人提供助餐、助浴和精神慰藉服务。",
                "need_analysis": "社区60岁以上老人1,260人，其中独居老人186人，多数子女不在身边。",
                "objectives": "", "beneficiaries": "社区高龄、独居老人", "beneficiary_count": 180, "activities": "",
                "start_date": today + timedelta(days=90), "end_date": today + timedelta(days=90 + 364),
                "amount_requested": Decimal("78000.00"), "matching_funds": Decimal("20000.00"),
                "matching_source": "机构自筹",
                "budget_lines": [
                    {"category": "personnel", "description": "项目社工补贴", "unit_price": Decimal("2000"),
                     "quantity": Decimal("10"), "funded_by": "grant"},
                    {"category": "activities", "description": "助餐与探访活动", "unit_price": Decimal("29000"),
                     "quantity": Decimal("2"), "funded_by": "grant"},
                ],
                "indicators": [{"name": "上门探访", "target": Decimal("1500"), "unit": "人次"}],
                "milestones": [],
            })
