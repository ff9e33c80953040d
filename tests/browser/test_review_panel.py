"""Review panel in the browser: staff put a reviewer on the panel and assign automatically; the
reviewer declares a conflict on one proposal (it leaves the queue) and no conflict on the other."""
from __future__ import annotations

from grants.extensions import db
from grants.models import ReviewAssignment
from tests.browser.conftest import log_in, log_out
from tests.factories import PASSWORD, create_call, create_org, create_proposal, create_user
from tests.factories_panel import create_reviewer


def test_reviewer_declares_a_conflict_and_the_proposal_leaves_the_queue(page, shot):
    staff = create_user("staff", name="王晓燕", email="panel-staff@example.org")
    reviewer = create_reviewer(name="赵立新", email="panel-expert@example.org", affiliation="嘉兴市委党校")
    call = create_call(status="closed", title="2026年度嘉兴市公益创投（评审）", reviewers_per_proposal=1)
    create_proposal(call, create_org(name="嘉兴市阳光家庭社工事务所"), status="screened_in", title="阳光家庭支持计划")
    create_proposal(call, create_org(name="海宁市红臂章应急救援队"), status="screened_in", title="社区应急救援培训")

    log_in(page, staff.email, PASSWORD)
    page.click("#nav-more summary")  # rarely used staff pages sit in the "More" menu
    page.click("nav >> text=评审专家组")
    page.click(f"text={call.title}")
    page.select_option("#reviewer_id", str(reviewer.id))
    page.click("text=加入专家组")
    page.wait_for_load_state()
    assert "赵立新 已加入评审专家组" in page.content()
    page.click("#auto-assign-button")
    page.wait_for_load_state()
    assert "新分配 2 项" in page.content()
    assert "0 / 2" in page.inner_text("#progress")
    shot(page, "panel-01-staff-panel")
    log_out(page)

    log_in(page, reviewer.email, PASSWORD)
    page.click("nav >> text=我的评审任务")
    queue = page.inner_text("#queue")
    assert "阳光家庭支持计划" in queue and "社区应急救援培训" in queue
    shot(page, "panel-02-reviewer-queue")
    page.click("#queue tr:has-text('阳光家庭支持计划') >> text=声明利益冲突")
    assert page.inner_text("#proposal-title") == "阳光家庭支持计划"
    page.check("#decision-1")  # I have a conflict
    page.click("button:has-text('提交声明')")  # without kind and note: refused
    page.wait_for_load_state()
    assert "请选择冲突类型" in page.content()
    page.check("#decision-1")
    page.select_option("#conflict_type", "family")
    page.fill("#note", "申报机构负责人是我的亲属。")
    shot(page, "panel-03-declare-conflict")
    page.click("button:has-text('提交声明')")
    page.wait_for_load_state()
    assert "您已回避该项目" in page.content()
    queue = page.inner_text("#queue")
    assert "阳光家庭支持计划" not in queue and "社区应急救援培训" in queue
    shot(page, "panel-04-queue-after-recusal")

    page.click("#queue tr:has-text('社区应急救援培训') >> text=声明利益冲突")
    page.check("#decision-0")
    page.click("button:has-text('提交声明')")
    page.wait_for_load_state()
    statuses = sorted(db.session.scalars(db.select(ReviewAssignment.status)))
    assert statuses == ["cleared", "recused"]
    shot(page, "panel-05-after-clearing")
