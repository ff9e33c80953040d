"""create_x(...) factories: real rows through the models, committed."""
from __future__ import annotations

import itertools
from datetime import date

from grants import uscc
from grants.extensions import db
from grants.models import AnnualInspection, Membership, Organisation, User

PASSWORD = "correct-horse-battery"
_seq = itertools.count(1)


def make_uscc(n: int | None = None, prefix: str = "52") -> str:
    n = next(_seq) if n is None else n
    return uscc.make(f"{prefix}330400MJ{n:07d}"[:17])


def create_user(*roles, email=None, name=None, password=PASSWORD, active=True, affiliation=None, **extra) -> User:
    n = next(_seq)
    user = User(email=email or f"user{n}@example.org", name=name or f"用户{n}", active=active,
                affiliation=affiliation, **extra)
    user.set_password(password)
    user.set_roles(roles)
    db.session.add(user)
    db.session.commit()
    return user


def create_org(*, name=None, status="verified", grade=3, grade_assessed_on=date(2024, 1, 1),
               registration_date=date(2015, 1, 1), district="南湖区", org_type="social_service",
               inspections=((2024, "passed"), (2025, "passed")), blacklisted=False, **extra) -> Organisation:
    n = next(_seq)
    fields = dict(
        name=name or f"测试社会组织{n}", uscc=make_uscc(n), org_type=org_type,
        registration_date=registration_date, address=f"嘉兴市南湖区测试路{n}号", district=district,
        legal_representative="张三", contact_name="李四", contact_phone="0573-88888888",
        contact_email=f"org{n}@example.org", bank_name="中国银行嘉兴分行", bank_account=f"6217{n:012d}",
        status=status, grade=grade, grade_assessed_on=grade_assessed_on if grade else None,
        blacklisted=blacklisted,
    )
    fields.update({k: v for k, v in extra.items() if v is not None or k != "uscc"})
    org = Organisation(**fields)
    db.session.add(org)
    db.session.flush()
    for year, result in inspections:
        db.session.add(AnnualInspection(organisation_id=org.id, year=year, result=result))
    db.session.commit()
    return org


def create_applicant(org: Organisation | None = None, **kwargs) -> User:
    org = org or create_org()
    user = create_user("applicant", **kwargs)
    db.session.add(Membership(user_id=user.id, organisation_id=org.id))
    db.session.commit()
    return user


# -- calls and proposals (shared by every area's tests) ---------------------------------
DEFAULT_RUBRIC = (("需求分析", 20), ("项目设计", 25), ("执行能力", 20), ("预算合理性", 15), ("创新性", 10),
                  ("可持续性", 10))


def create_call(*, title=None, status="open", budget_pool="1000000.00", per_project_cap="100000.00",
                opens_at=None, closes_at=None, rubric=DEFAULT_RUBRIC, max_score=10,
                tranches=((50, "signing", None), (30, "milestone", 1), (20, "final", None)), **extra):
    from datetime import timedelta
    from decimal import Decimal

    from grants.models import Call, RubricCriterion, TrancheRule
    from grants.timeutil import now_utc

    n = next(_seq)
    now = now_utc()
    call = Call(
        title=title or f"2026年度公益创投项目征集{n}", description="面向全市社会组织征集公益服务项目。",
        categories=["elderly", "disability", "youth", "community", "emergency"], status=status,
        budget_pool=Decimal(budget_pool), per_project_cap=Decimal(per_project_cap),
        opens_at=opens_at or now - timedelta(days=10), closes_at=closes_at or now + timedelta(days=20),
        **extra,
    )
    for i, (name, weight) in enumerate(rubric):
        call.criteria.append(RubricCriterion(position=i, name=name, weight=weight, max_score=max_score))
    for i, (pct, cond, milestone) in enumerate(tranches):
        call.tranches.append(TrancheRule(position=i, percentage=pct, condition=cond, milestone_number=milestone))
    db.session.add(call)
    db.session.commit()
    return call


def create_proposal(call, org=None, *, status="submitted", title=None, amount_requested="80000.00",
                    matching_funds="20000.00", submitted_at=None, **extra):
    from datetime import date, timedelta
    from decimal import Decimal

    from grants.models import BudgetLine, Indicator, Proposal, ProposedMilestone
    from grants.timeutil import now_utc

    org = org or create_org()
    n = next(_seq)
    proposal = Proposal(
        call_id=call.id, organisation_id=org.id, status=status, title=title or f"社区长者关爱项目{n}",
        category="elderly", summary="为社区独居老人提供上门探访与健康管理服务。",
        need_analysis="辖区内60岁以上独居老人约320人，缺乏日常照护。", objectives="建立常态化探访机制。",
        beneficiaries="社区独居老人", beneficiary_count=120, activities="上门探访、健康讲座、志愿者培训",
        start_date=date(2027, 1, 1), end_date=date(2027, 12, 31),
        amount_requested=Decimal(amount_requested), matching_funds=Decimal(matching_funds),
        matching_source="机构自筹", submission_count=0 if status == "draft" else 1,
        submitted_at=None if status == "draft" else (submitted_at or now_utc() - timedelta(days=1)),
        **extra,
    )
    requested, matching = Decimal(amount_requested), Decimal(matching_funds)
    proposal.budget_lines = [
        BudgetLine(position=0, category="personnel", description="项目社工补贴", unit_price=requested * Decimal("0.25"),
                   quantity=Decimal("1"), total=requested * Decimal("0.25"), funded_by="grant"),
        BudgetLine(position=1, category="activities", description="探访与讲座活动",
                   unit_price=requested * Decimal("0.75"),
                   quantity=Decimal("1"), total=requested * Decimal("0.75"), funded_by="grant"),
        BudgetLine(position=2, category="materials", description="健康包（机构配套）", unit_price=matching,
                   quantity=Decimal("1"), total=matching, funded_by="matching"),
    ]
    proposal.indicators = [Indicator(position=0, name="探访人次", target=Decimal("1200"), unit="人次")]
    proposal.milestones = [
        ProposedMilestone(position=0, title="中期", due_date=date(2027, 6, 30), deliverable="中期报告"),
        ProposedMilestone(position=1, title="结项", due_date=date(2027, 12, 31), deliverable="结项报告"),
    ]
    db.session.add(proposal)
    db.session.commit()
    return proposal
