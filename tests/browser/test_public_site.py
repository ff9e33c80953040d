"""The public side at 390 px: staff attach a guide to a call through the real form; a visitor sees
the countdown (kept current by countdown.js), the contact person, downloads the guide under its
Chinese name, and finds the bureau's footer."""
from __future__ import annotations

from datetime import timedelta

from grants.services import call_site
from grants.timeutil import now_utc
from tests.browser.conftest import log_in, log_out
from tests.factories import PASSWORD, create_call, create_user
from tests.factories_proposals import PDF_BYTES


def test_a_visitor_sees_countdown_contact_files_and_footer(browser, live_server, csrf_on, shot, monkeypatch,
                                                           tmp_path):
    staff = create_user("staff", name="王晓燕", email="staff@example.org")
    call = create_call(status="open", title="2027年度嘉兴市公益创投项目征集",
                       closes_at=now_utc() + timedelta(days=2, hours=3, minutes=30),
                       contact_name="李晓燕", contact_phone="0573-82071234", contact_email="lixy@jxmz.gov.cn")
    guide = tmp_path / "2027年申报指南.pdf"
    guide.write_bytes(PDF_BYTES)
    # The server's clock is five days behind: what the page finally shows comes from the script.
    monkeypatch.setattr(call_site, "now_utc", lambda: now_utc() - timedelta(days=5))

    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, accept_downloads=True)
    context.set_default_timeout(15000)
    page = context.new_page()
    page.base = live_server
    try:
        log_in(page, staff.email, PASSWORD)
        page.goto(f"{live_server}/calls/{call.id}")
        page.fill("#title", "申报指南")
        page.set_input_files("#file", str(guide))
        page.click("#upload-call-file")
        page.wait_for_load_state()
        assert "文件已添加到征集" in page.content()
        assert "申报指南" in page.inner_text("#call-file-list")
        shot(page, "public-site-01-staff-call-files")
        log_out(page)

        page.goto(f"{live_server}/public/calls/{call.id}")
        assert page.inner_text("#call-countdown-text") == "还剩 2 天 3 小时"  # the server said 7 days
        assert "李晓燕" in page.inner_text("#call-contact-person")
        footer = page.inner_text("#site-footer")
        assert "主办单位：嘉兴市民政局" in footer and "网站标识码" in footer
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 390
        shot(page, "public-site-02-call-page-phone")
        with page.expect_download() as download:
            page.click("#call-files-public a")
        assert download.value.suggested_filename == "2027年申报指南.pdf"
    finally:
        context.close()
