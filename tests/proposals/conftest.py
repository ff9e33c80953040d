from __future__ import annotations

import pytest

from tests.factories import create_applicant, create_call, create_org, create_proposal, create_user


@pytest.fixture
def setup(db):
    """An open call, org A with an applicant and a complete draft, org B with its applicant, staff."""
    class S:
        pass

    s = S()
    s.call = create_call(title="2026年度社区公益创投")
    s.org = create_org(name="嘉兴市南湖区乐龄社工服务中心")
    s.user = create_applicant(s.org, name="陈静")
    s.org_b = create_org(name="嘉兴市秀洲区阳光助残服务社", district="秀洲区")
    s.user_b = create_applicant(s.org_b)
    s.staff = create_user("staff", name="王晓燕")
    s.draft = create_proposal(s.call, s.org, status="draft", title="长者食堂助餐服务")
    return s


def full_form(proposal=None, **overrides) -> dict:
    """A complete, valid form post for the edit page (matches create_proposal's numbers)."""
    data = {
        "title": "长者食堂助餐服务", "category": "elderly", "summary": "为社区高龄独居老人提供助餐服务。",
        "need_analysis": "辖区80岁以上老人约450人。", "objectives": "每周助餐5天。", "beneficiaries": "高龄独居老人",
        "beneficiary_count": "120", "activities": "助餐、探访、健康讲座", "start_date": "2027-01-01",
        "end_date": "2027-12-31", "amount_requested": "80,000.00", "matching_funds": "20000",
        "matching_source": "机构自筹及社区基金",
        "budget_lines-0-category": "personnel", "budget_lines-0-description": "项目社工补贴",
        "budget_lines-0-unit_price": "2000", "budget_lines-0-quantity": "10", "budget_lines-0-funded_by": "grant",
        "budget_lines-1-category": "activities", "budget_lines-1-description": "助餐补贴",
        "budget_lines-1-unit_price": "12.50", "budget_lines-1-quantity": "4800", "budget_lines-1-funded_by": "grant",
        "budget_lines-2-category": "materials", "budget_lines-2-description": "餐具与保温箱（配套）",
        "budget_lines-2-unit_price": "20000", "budget_lines-2-quantity": "1", "budget_lines-2-funded_by": "matching",
        "indicators-0-name": "助餐人次", "indicators-0-target": "24000", "indicators-0-unit": "人次",
        "milestones-0-title": "中期评估", "milestones-0-due_date": "2027-06-30", "milestones-0-deliverable": "中期报告",
        "milestones-1-title": "结项", "milestones-1-due_date": "2027-12-31", "milestones-1-deliverable": "结项报告",
        "action": "save",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def english(app):
    """Service messages in English (the UI default is zh_CN; page tests check the Chinese)."""
    from flask_babel import force_locale

    with app.test_request_context(), force_locale("en"):
        yield
