"""The emergency capability registry in the browser: an organisation declares what it can do (and
confirms it later); staff find it through the 更多 menu, filter, tick it and invite it to an open
emergency call; the organisation's dashboard shows the invitation. At 1280 px and 390 px."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from grants.extensions import db
from grants.models import CallInvitation
from grants.services import registry
from grants.timeutil import now_utc
from tests.browser.conftest import log_in, log_out
from tests.factories import PASSWORD, create_applicant, create_call, create_org, create_user
from tests.registry.factories import create_declaration


def _no_sideways_scroll(page, width):
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width


def test_declare_search_and_invite(page, shot, browser, live_server):
    page.on("dialog", lambda dialog: dialog.accept())
    org = create_org(name="海宁市潮乡水上救援队", district="海宁市")
    member = create_applicant(org, email="rescue@example.org", name="褚国庆")
    for i, (name, caps, districts) in enumerate((
            ("南湖区心理援助中心", ("counselling",), ("南湖区",)),
            ("秀洲区物资保障服务社", ("logistics", "goods"), ("秀洲区", "南湖区")),
            ("嘉善县应急志愿者协会", ("volunteers", "checkpoint"), ("嘉善县",)))):
        create_declaration(create_org(name=name), capabilities=caps, districts=districts, people=5 + i * 10,
                           volunteers=40 + i * 30, confirmed_at=now_utc() - timedelta(days=30 + i * 200))
    call = create_call(title="2026年防汛抗台应急服务项目征集", kind="emergency")
    staff = create_user("staff", name="王晓燕", email="registry-staff@example.org")

    # The organisation declares.
    log_in(page, member.email, PASSWORD)
    page.goto(f"{page.base}/organisations/{org.id}")
    page.click("#capabilities-link")
    assert "尚未登记应急能力" in page.inner_text("#declaration-status")
    page.check("input[name=capabilities][value=rescue]")
    page.check("input[name=capabilities][value=medical]")
    page.check("input[name=districts][value=海宁市]")
    page.check("input[name=districts][value=海盐县]")
    page.fill("#people_available", "24")
    page.fill("#volunteers_available", "150")
    page.fill("#medical_staff", "30")  # more than the people available: refused
    page.fill("#equipment", "冲锋舟3艘，救生衣80件，发电机2台")
    page.fill("#contact_name", "褚国庆")
    page.fill("#contact_phone", "13905738888")
    page.click("#save-declaration")
    assert "不能多于" in page.inner_text("#declaration-form")
    shot(page, "registry-01-declaration-error")
    page.fill("#medical_staff", "4")
    page.click("#save-declaration")
    assert "应急能力登记已保存" in page.inner_text(".flashes")
    page.click("#declaration-status button")
    assert "已确认应急能力登记仍然有效" in page.inner_text(".flashes")
    shot(page, "registry-02-declaration-saved")
    log_out(page)

    # Staff search, filter and invite.
    log_in(page, staff.email, PASSWORD)
    page.click("#nav-more summary")
    page.click("#nav-registry")
    assert page.locator("#registry-results tbody tr").count() == 4
    assert page.locator("#registry-results .stale-mark").count() == 1
    page.check("#cap-rescue")
    page.check("#cap-counselling")
    page.click("#filter-registry")
    assert page.locator("#registry-results tbody tr").count() == 2
    assert "13905738888" in page.inner_text(f"#registry-org-{org.id}")
    assert page.inner_text("#district-count-6 td.num") == "1"  # 海宁市 (DISTRICTS order)
    assert page.inner_text("#district-count-1 td.num") == "1"  # 南湖区: the counselling centre
    assert page.inner_text("#capability-count-rescue td.num") == "1"
    page.check(f"#pick-{org.id}")
    page.select_option("#invite-call", str(call.id))
    shot(page, "registry-03-staff-search")
    page.click("#invite-button")
    assert "已邀请1家组织" in page.inner_text(".flashes")
    page.check(f"#pick-{org.id}")
    page.click("#invite-button")
    assert "此前已邀请过" in page.inner_text(".flashes")
    assert db.session.scalar(select(db.func.count()).select_from(CallInvitation)) == 1
    page.goto(f"{page.base}/calls/{call.id}")
    assert page.inner_text("#hub-invited") == "1"
    log_out(page)

    # The organisation sees the invitation.
    log_in(page, member.email, PASSWORD)
    assert "2026年防汛抗台应急服务项目征集" in page.inner_text(f"#call-invitation-{call.id}")
    shot(page, "registry-04-dashboard-invitation")
    log_out(page)

    # Phones: the same pages at 390 px.
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    context.set_default_timeout(15000)
    phone = context.new_page()
    phone.base = live_server
    try:
        log_in(phone, staff.email, PASSWORD)
        phone.goto(f"{live_server}/registry/?capability=rescue&capability=counselling")
        _no_sideways_scroll(phone, 390)
        shot(phone, "registry-05-staff-search-phone")
        log_out(phone)
        log_in(phone, member.email, PASSWORD)
        phone.goto(f"{live_server}/organisations/{org.id}/capabilities")
        _no_sideways_scroll(phone, 390)
        shot(phone, "registry-06-declaration-phone")
    finally:
        context.close()
    assert registry.declaration_of(org.id).medical_staff == 4
