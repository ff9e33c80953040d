"""Register an organisation, see it pending, staff verify it, the applicant logs in and switches
language to English and back."""
from __future__ import annotations

from grants.extensions import db
from grants.models import Organisation
from tests.browser.conftest import log_in, log_out
from tests.factories import PASSWORD, create_user, make_uscc
from tests.factories_proposals import PNG_BYTES


def test_register_verify_and_switch_language(page, shot):
    staff = create_user("staff", name="王晓燕", email="staff@example.org")
    code = make_uscc(4242, prefix="52")

    page.goto(page.base + "/organisations/register")
    assert "注册社会组织" in page.content()
    page.fill("#name", "嘉兴市测试社工服务中心")
    page.fill("#uscc", code.lower())  # lower case is accepted and normalised
    page.select_option("#org_type", "social_service")
    page.fill("#registration_date", "2018-05-20")
    page.fill("#address", "浙江省嘉兴市南湖区中山路1号")
    page.select_option("#district", "南湖区")
    page.fill("#legal_representative", "张伟")
    page.fill("#contact_name", "李娜")
    page.fill("#contact_phone", "0573-82000000")
    page.fill("#user_name", "李娜")
    page.fill("#email", "lina@example.org")
    page.fill("#password", PASSWORD)
    page.fill("#confirm", PASSWORD)
    page.set_input_files("#certificate", files=[{"name": "登记证书.png", "mimeType": "image/png",
                                                 "buffer": PNG_BYTES}])
    page.check("#privacy")
    shot(page, "foundation-01-register-form")
    page.click("form.form-wide button[type=submit]")
    page.wait_for_load_state()
    assert "/auth/login" in page.url
    assert "已收到注册申请" in page.content()

    log_in(page, "lina@example.org", PASSWORD)
    assert page.inner_text("#org-status") == "等待民政局核验"
    shot(page, "foundation-02-applicant-pending")
    log_out(page)

    log_in(page, staff.email, PASSWORD)
    org = db.session.query(Organisation).filter_by(uscc=code).one()
    page.goto(page.base + f"/organisations/{org.id}")
    shot(page, "foundation-03-staff-verify")
    page.once("dialog", lambda dialog: dialog.accept())  # the step asks for confirmation
    page.click("#verify-button")
    page.wait_for_load_state()
    assert page.inner_text("#org-status") == "已核验"
    log_out(page)

    log_in(page, "lina@example.org", PASSWORD)
    assert page.inner_text("#org-status") == "已核验"
    page.click("#lang-switch")
    page.wait_for_load_state()
    assert page.inner_text("#org-status") == "Verified"
    assert "Dashboard" in page.inner_text("h1")
    shot(page, "foundation-04-dashboard-english")
    page.click("#lang-switch")
    page.wait_for_load_state()
    assert page.inner_text("h1") == "工作台"
    shot(page, "foundation-05-dashboard-chinese")
