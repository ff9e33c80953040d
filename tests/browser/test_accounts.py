"""Accounts in the browser: a forgotten password end to end (the link read from the outbox), and
an organisation admin inviting a colleague who joins."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from grants.extensions import db
from grants.models import Membership, OutboxMessage
from tests.browser.conftest import log_in, log_out
from tests.factories import PASSWORD, create_applicant, create_org

NEW = "a-brand-new-password-2026"


def _link(to: str, path: str) -> str:
    db.session.expire_all()
    message = db.session.query(OutboxMessage).filter_by(to_address=to).order_by(OutboxMessage.id.desc()).first()
    assert message is not None, f"no mail to {to}"
    url = re.search(r"https?://\S+" + re.escape(path) + r"\S+", message.body).group(0)
    return urlsplit(url).path


def test_forgotten_password_end_to_end(page, shot):
    user = create_applicant(create_org(name="嘉兴市阳光社工服务中心"), name="李娜", email="lina@example.org")

    page.goto(page.base + "/auth/login")
    page.click("#forgot-link")
    page.wait_for_load_state()
    page.fill("#email", user.email)
    shot(page, "accounts-01-forgot-form")
    page.click("#send-reset")
    page.wait_for_load_state()
    assert "如该邮箱对应某个账号" in page.inner_text("#reset-sent")
    shot(page, "accounts-02-forgot-sent")

    path = _link(user.email, "/auth/reset/")
    page.goto(page.base + path)
    assert user.email in page.content()
    page.fill("#new", "short")
    page.fill("#confirm", "short")
    page.click("#set-password")
    page.wait_for_load_state()
    assert "10至200" in page.inner_text("#new-error")
    page.fill("#new", NEW)
    page.fill("#confirm", NEW)
    shot(page, "accounts-03-reset-form")
    page.click("#set-password")
    page.wait_for_load_state()
    assert "/auth/login" in page.url and "新密码已设置" in page.content()

    log_in(page, user.email, NEW)
    assert "/dashboard" in page.url
    log_out(page)

    page.goto(page.base + path)  # the link worked once
    assert "链接已使用过" in page.inner_text("#link-reason")
    shot(page, "accounts-04-link-used")
    page.click("#new-link")
    page.wait_for_load_state()
    assert page.url.endswith("/auth/forgot")


def test_an_organisation_admin_invites_a_colleague_who_joins(page, shot):
    org = create_org(name="嘉兴市阳光社工服务中心")
    admin = create_applicant(org, name="张伟", email="zhangwei@example.org")
    db.session.query(Membership).filter_by(user_id=admin.id).one().is_admin = True
    db.session.commit()

    log_in(page, admin.email, PASSWORD)
    page.goto(page.base + f"/organisations/{org.id}")
    page.click("#members-link")
    page.wait_for_load_state()
    page.fill("#name", "王芳")
    page.fill("#email", "wangfang@example.org")
    page.click("#send-invitation")
    page.wait_for_load_state()
    assert "邀请已发送至 wangfang@example.org" in page.content()
    assert "wangfang@example.org" in page.inner_text("#invitations")
    shot(page, "accounts-05-members-invited")
    log_out(page)

    page.goto(page.base + _link("wangfang@example.org", "/organisations/join/"))
    assert page.input_value("#name") == "王芳"
    page.fill("#new", NEW)
    page.fill("#confirm", NEW)
    page.click("#join-button")  # privacy not ticked
    page.wait_for_load_state()
    assert "请阅读隐私声明，并勾选同意" in page.inner_text("#privacy-error")
    page.fill("#new", NEW)
    page.fill("#confirm", NEW)
    page.check("#privacy")
    shot(page, "accounts-06-join-form")
    page.click("#join-button")
    page.wait_for_load_state()
    assert "欢迎加入嘉兴市阳光社工服务中心" in page.content()

    log_in(page, "wangfang@example.org", NEW)
    page.goto(page.base + f"/organisations/{org.id}/members")
    members = page.inner_text("#members")
    assert "王芳" in members and "张伟" in members and "组织管理员" in members
    assert page.locator("#invitations").count() == 0  # only the admin invites
    shot(page, "accounts-07-colleague-sees-members")
