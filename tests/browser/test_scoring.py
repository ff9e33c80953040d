"""Scoring in the browser: a reviewer declares a conflict on one proposal, scores another (a
low score without a comment is refused beside the field), saves a draft and submits; staff see
the ranking with its cut line and export it."""
from __future__ import annotations

from sqlalchemy import select

from grants.extensions import db
from grants.models import Review
from tests.browser.conftest import log_in, log_out
from tests.factories import PASSWORD, create_call, create_org, create_proposal, create_user
from tests.factories_panel import create_assignment, create_reviewer
from tests.factories_reviews import cleared, create_review


def test_reviewer_scores_and_staff_export_the_ranking(page, shot):
    staff = create_user("staff", name="陈主任", email="score-staff@example.org")
    reviewer = create_reviewer(name="孙丽", email="score-expert@example.org")
    call = create_call(status="closed", title="2026年度嘉兴市公益创投（评分）", reviewers_per_proposal=2,
                       budget_pool="150000.00", per_project_cap="100000.00", blind_review=True)
    conflicted = create_proposal(call, create_org(name="嘉兴市孙氏家庭服务社"), status="screened_in",
                                 title="家庭教育支持项目")
    scored = create_proposal(call, create_org(name="嘉兴市银龄互助协会"), status="screened_in",
                             title="银龄互助关爱行动", amount_requested="90000.00")
    other = create_proposal(call, create_org(name="平湖市青少年成长中心"), status="screened_in",
                            title="青少年心理支持", amount_requested="80000.00")
    create_assignment(conflicted, reviewer)
    create_assignment(scored, reviewer)
    colleague = cleared(scored, name="周专家")
    cleared(other, colleague)
    create_review(scored, colleague, [8, 8, 8, 8, 8, 8])      # 80
    create_review(other, colleague, [7, 7, 7, 7, 7, 7])       # 70
    create_review(other, cleared(other, name="吴专家"), [7, 7, 7, 7, 7, 7])  # 70: complete (2 of 2)

    log_in(page, reviewer.email, PASSWORD)
    page.click("nav >> text=我的评审任务")
    page.click("#queue tr:has-text('家庭教育支持项目') >> text=声明利益冲突")
    page.check("#decision-1")
    page.select_option("#conflict_type", "family")
    page.fill("#note", "申报机构负责人是我的亲属。")
    page.click("button:has-text('提交声明')")
    page.wait_for_load_state()
    assert "家庭教育支持项目" not in page.inner_text("#queue")

    page.click("#queue tr:has-text('银龄互助关爱行动') >> text=声明利益冲突")
    page.check("#decision-0")
    page.click("button:has-text('提交声明')")
    page.wait_for_load_state()
    # the scoring page, blind: no organisation name anywhere
    assert "银龄互助关爱行动" in page.inner_text("h1")
    assert "嘉兴市银龄互助协会" not in page.content()
    assert "提交您自己的评审后" in page.inner_text("#other-scores")
    criteria = list(call.criteria)
    scores = ["8.5", "9", "7.5", "5", "10", "6"]
    for c, s in zip(criteria, scores, strict=True):
        page.fill(f"#score_{c.id}", s)
    page.fill("#overall_comment", "需求分析扎实，执行团队经验丰富，预算细节需完善。")
    page.select_option("#recommendation", "fund_with_changes")
    page.once("dialog", lambda dialog: dialog.accept())  # submitting asks for confirmation
    page.click("#submit-review")
    page.wait_for_load_state()
    error = page.inner_text(f"#comment_{criteria[3].id}-error")
    assert "低于满分60%的评分必须填写意见" in error
    shot(page, "scoring-01-comment-required")
    page.fill(f"#comment_{criteria[3].id}", "预算测算依据不足，人员费用偏高。")
    page.click("#save-draft")
    page.wait_for_load_state()
    assert "草稿已保存" in page.content()
    page.once("dialog", lambda dialog: dialog.accept())  # submitting asks for confirmation
    page.click("#submit-review")
    page.wait_for_load_state()
    assert "评审意见已提交" in page.content()
    # 20×.85 + 25×.9 + 20×.75 + 15×.5 + 10×1 + 10×.6 = 78.00
    assert page.inner_text("#my-total") == "78.00"
    others = page.inner_text("#other-scores")
    assert "80.00" in others and "周专家" not in others
    shot(page, "scoring-02-submitted-with-others")
    review = db.session.scalar(select(Review).where(Review.reviewer_id == reviewer.id))
    assert review.status == "submitted"
    log_out(page)

    log_in(page, staff.email, PASSWORD)
    page.click("#nav-more summary")  # rarely used staff pages sit in the "More" menu
    page.click("nav >> text=评分与排名")
    page.click(f"tr:has-text('{call.title}') >> text=排名")
    table = page.inner_text("#ranking")
    # 银龄 (mean 79) first and recommended; 青少年 (70) no longer fits in 150,000 − 90,000
    assert table.index("银龄互助关爱行动") < table.index("青少年心理支持")
    assert page.is_visible("#cut-line")
    assert "¥90,000.00" in page.inner_text("#recommended-total")
    shot(page, "scoring-03-ranking")
    with page.expect_download() as info:
        page.click("#export-csv")
    with open(info.value.path(), encoding="utf-8-sig") as fh:
        assert "银龄互助关爱行动" in fh.read()
    assert info.value.suggested_filename.startswith(call.title)   # the file carries the call's title
    with page.expect_download() as info:
        page.click("#export-csv-scores")
    with open(info.value.path(), encoding="utf-8-sig") as fh:
        text = fh.read()
    assert "银龄互助关爱行动" in text and "孙丽" in text and "周专家" in text
    with page.expect_download() as info:
        page.click("#export-xlsx")
    assert info.value.suggested_filename.endswith(".xlsx")
