"""Drafts never lose work (issue 9.2), in the browser: an applicant types "5万" and a bad amount,
the live budget check follows the typing, autosave keeps both, a reload finds both; the section
index sits beside the form at 1280 px and folds above it at 390 px."""
from __future__ import annotations

from decimal import Decimal

import pytest

from grants.extensions import db
from grants.models import Proposal
from tests.browser.conftest import log_in
from tests.factories import PASSWORD, create_applicant, create_call, create_org, create_proposal


@pytest.fixture
def quick_autosave(app):
    old = app.config.get("PROPOSAL_AUTOSAVE_SECONDS")
    app.config["PROPOSAL_AUTOSAVE_SECONDS"] = 1
    yield
    if old is None:
        app.config.pop("PROPOSAL_AUTOSAVE_SECONDS")
    else:
        app.config["PROPOSAL_AUTOSAVE_SECONDS"] = old


def test_autosave_keeps_a_good_and_a_bad_amount_and_the_total_follows_typing(page, shot, quick_autosave):
    call = create_call(title="2027年度嘉兴市公益创投项目征集", per_project_cap="100000.00", min_matching_share="10")
    org = create_org(name="嘉兴市阳光家庭社工事务所")
    applicant = create_applicant(org, name="沈丽萍", email="shen.drafts@example.org")
    draft = create_proposal(call, org, status="draft", title="银龄助餐服务")

    log_in(page, applicant.email, PASSWORD)
    page.goto(page.base + f"/proposals/{draft.id}/edit")
    assert page.locator("#section-index").evaluate("d => d.open")
    assert page.inner_text("#grant-total") == "¥80,000.00"
    assert page.get_attribute("#title", "aria-required") == "true"

    # the live totals follow the typing (before any save): row 1 is ¥20,000 × 1
    first_total = "#budget_lines-section tbody tr:first-child .line-total"
    page.fill("#budget_lines-0-unit_price", "3万")
    assert page.inner_text(first_total) == "¥30,000.00" and page.inner_text("#grant-total") == "¥90,000.00"
    page.fill("#budget_lines-0-unit_price", "２万")  # full-width, as a Chinese input method types it
    page.fill("#budget_lines-0-quantity", "1.5")
    assert page.inner_text(first_total) == "¥30,000.00"
    page.fill("#budget_lines-0-quantity", "1")
    assert page.inner_text("#grant-total") == "¥80,000.00"

    page.fill("#amount_requested", "5万")
    page.fill("#matching_funds", "两万")
    assert page.inner_text("#check-cap") == "¥50,000.00"
    assert page.inner_text("#check-matching") == "—"  # matching funds cannot be read yet
    page.locator("#autosave-status").filter(has_text="已自动保存").wait_for()
    assert "有 1 处需要修改" in page.inner_text("#autosave-status")
    assert "请输入以元为单位的金额" in page.inner_text("#matching_funds-error")
    assert page.locator('#problems a[href="#matching_funds"]').count() == 1
    assert page.inner_text('.sec-mark[data-section="budget"]') == "待完善"
    shot(page, "drafts-01-autosaved-1280")

    db.session.expire_all()
    saved = db.session.get(Proposal, draft.id)
    assert saved.amount_requested == Decimal("50000.00") and saved.draft_raw["fields"] == {"matching_funds": "两万"}

    page.reload()
    assert page.input_value("#amount_requested") == "50000.00"
    assert page.input_value("#matching_funds") == "两万"
    assert "请输入以元为单位的金额" in page.inner_text("#matching_funds-error")
    assert "已保存；有 1 处需要修改" in page.inner_text("#problems")
    page.evaluate("window.scrollTo(0, 0)")
    shot(page, "drafts-02-after-reload-1280")

    # corrected: the mark goes, the matching share is worked out live, the server agrees
    page.fill("#amount_requested", "8万")
    page.fill("#matching_funds", "￥20,000")
    assert page.inner_text("#check-matching") == "20.00%"
    assert page.inner_text("#check-capped") == "25.00%"
    page.locator("#autosave-status").filter(has_text="已自动保存").filter(has_not_text="需要修改").wait_for()
    assert page.locator("#problems").count() == 0
    assert page.inner_text("#check-matching") == "20.00%"
    assert page.inner_text('.sec-mark[data-section="budget"]') == "已完成"

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert not page.locator("#section-index").evaluate("d => d.open")  # folded on a phone
    page.fill("#matching_funds", "5w")
    page.locator("#autosave-status").filter(has_text="需要修改").wait_for()
    shot(page, "drafts-03-phone-390")
    page.click("#section-index summary")
    assert page.locator("#section-index").evaluate("d => d.open")
    shot(page, "drafts-04-phone-index-open-390")


def test_two_windows_do_not_overwrite_each_other(page, browser, live_server, quick_autosave):
    call = create_call(title="并发编辑测试征集")
    org = create_org(name="嘉兴市同心社工服务中心")
    applicant = create_applicant(org, email="tongxin.drafts@example.org")
    draft = create_proposal(call, org, status="draft", title="原来的标题")

    log_in(page, applicant.email, PASSWORD)
    page.goto(page.base + f"/proposals/{draft.id}/edit")
    other = page.context.new_page()
    other.goto(page.base + f"/proposals/{draft.id}/edit")

    page.fill("#title", "第一个窗口的标题")
    page.locator("#autosave-status").filter(has_text="已自动保存").wait_for()
    other.fill("#title", "第二个窗口的标题")
    other.locator("#autosave-status").filter(has_text="此草稿已于").wait_for()
    db.session.expire_all()
    assert db.session.get(Proposal, draft.id).title == "第一个窗口的标题"

    # the first window's Save button still works: autosave gave it the new version
    page.fill("#title", "第一个窗口保存的标题")
    page.click("#save-draft")
    page.wait_for_load_state()
    assert "草稿已保存" in page.content()
    db.session.expire_all()
    assert db.session.get(Proposal, draft.id).title == "第一个窗口保存的标题"
