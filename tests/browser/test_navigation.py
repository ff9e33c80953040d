"""Navigation at 1280 px in Chinese and English: the staff menu on one line (the "More" menu opens
without JavaScript), the call hub, breadcrumbs, and the dashboards of staff, reviewer and applicant."""
from __future__ import annotations

import pytest

from tests.browser.conftest import log_in, log_out
from tests.factories import PASSWORD, create_call, create_proposal, create_user
from tests.navigation.world import build

NAV_LINES = """() => {
  const nav = document.querySelector('nav.main-nav');
  const tops = new Set([...nav.children].map(e => Math.round(e.getBoundingClientRect().top)));
  const lineHeight = parseFloat(getComputedStyle(nav).lineHeight) || 20;
  return {lines: tops.size, height: nav.getBoundingClientRect().height, lineHeight: lineHeight,
          headerHeight: document.querySelector('.site-header').getBoundingClientRect().height};
}"""


def _set_language(page, lang):
    if page.evaluate("document.documentElement.lang") != ("zh-CN" if lang == "zh" else "en"):
        page.click("#lang-switch")
        page.wait_for_load_state()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_staff_menu_fits_one_line_at_1280(page, shot, lang):
    create_user("staff", "admin", "finance", name="王晓燕", email="admin-nav@example.org")
    log_in(page, "admin-nav@example.org", PASSWORD)
    _set_language(page, lang)
    measured = page.evaluate(NAV_LINES)
    assert measured["lines"] == 1, measured
    assert measured["height"] < 2 * measured["lineHeight"] + 4, measured
    shot(page, f"navigation-01-staff-menu-{lang}")
    page.click("#nav-more summary")
    assert page.is_visible("#nav-more a[href='/admin/audit']")
    shot(page, f"navigation-02-staff-menu-more-open-{lang}")
    page.click("#nav-more a[href='/admin/audit']")
    page.wait_for_load_state()
    assert page.url.endswith("/admin/audit")
    assert page.evaluate(NAV_LINES)["lines"] == 1


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_hub_dashboards_and_breadcrumbs(page, shot, lang):
    w = build()
    log_in(page, "hub-staff@example.org", PASSWORD)
    _set_language(page, lang)
    assert page.inner_text(f"#todo-reviews-{w.call.id} .count") == "3"
    assert page.is_visible("#chart-reviews svg") and page.is_visible("#chart-reviews table")
    shot(page, f"navigation-03-staff-dashboard-{lang}")
    page.click(f"#todo-screen-{w.call.id} a")
    page.wait_for_load_state()
    assert f"/proposals/calls/{w.call.id}/screening" in page.url
    page.click(f"nav.breadcrumbs a[href='/calls/{w.call.id}']")
    page.wait_for_load_state()
    assert page.inner_text("#hub-reviews-done") == "1 / 4"
    assert page.inner_text("#hub-paid") == "¥40,000.00"
    shot(page, f"navigation-04-call-hub-{lang}")
    page.click("#stage-contracts h3 a")
    page.wait_for_load_state()
    crumbs = page.inner_text("nav.breadcrumbs")
    assert w.call.title in crumbs
    log_out(page)

    log_in(page, "hub-reviewer@example.org", PASSWORD)
    _set_language(page, lang)
    assert page.inner_text(f"#todo-score-{w.call.id} .count") == "2"
    shot(page, f"navigation-05-reviewer-dashboard-{lang}")
    log_out(page)

    fresh = create_call(title="2027年度助老服务项目征集", max_proposals_per_org=1)
    full = create_call(title="2027年度青少年服务项目征集", max_proposals_per_org=1)
    create_proposal(full, w.applicant.organisation, status="draft", title="青少年成长营")
    log_in(page, "hub-applicant@example.org", PASSWORD)
    _set_language(page, lang)
    assert page.is_visible(f"#open-call-{fresh.id} a.start-proposal")
    assert page.locator(f"#open-call-{full.id} a.start-proposal").count() == 0
    assert page.is_visible(f"#open-call-{full.id} .limit-reached")
    shot(page, f"navigation-06-applicant-dashboard-{lang}")
