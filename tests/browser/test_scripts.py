"""The site's script (grants/static/app.js) under the Content-Security-Policy: confirmations ask
before a destructive button, "Go back" works, and the browser reports no blocked code."""
from __future__ import annotations

from grants.extensions import db
from grants.models import PanelMember
from tests.browser.conftest import log_in
from tests.factories import PASSWORD, create_call, create_user
from tests.factories_panel import add_to_panel, create_reviewer


def _csp_reports(page):
    reports = []
    page.on("console", lambda msg: reports.append(msg.text) if "Content Security Policy" in msg.text else None)
    return reports


def test_removing_a_reviewer_asks_first_and_cancel_keeps_them(page):
    reports = _csp_reports(page)
    staff = create_user("staff", email="confirm-staff@example.org")
    call = create_call(status="closed", title="确认测试征集")
    add_to_panel(call, create_reviewer(name="钱文静"))
    log_in(page, staff.email, PASSWORD)
    page.goto(page.base + f"/panel/calls/{call.id}")

    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.click("#progress button:has-text('移出专家组')")
    page.wait_for_load_state()
    assert asked == ["将该评审专家移出专家组？其未完成的分配将被撤销。"]
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count(PanelMember.id))) == 1

    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#progress button:has-text('移出专家组')")
    page.wait_for_load_state()
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count(PanelMember.id))) == 0
    assert reports == []


def test_go_back_on_an_error_page_returns_to_the_previous_page(page):
    reports = _csp_reports(page)
    page.goto(page.base + "/public/calls")
    page.goto(page.base + "/public/calls/999999")
    assert "404" in page.inner_text("main")
    page.click("a[data-history-back]")
    page.wait_for_url(page.base + "/public/calls")
    assert reports == []
