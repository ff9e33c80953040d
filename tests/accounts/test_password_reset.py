"""Forgotten password: one answer for every address, a signed link that expires and works once,
throttled like login; administrators can send the same link."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from grants.extensions import db, limiter
from grants.models import AuditEvent, OutboxMessage, User
from grants.services import accounts
from tests.accounts.conftest import link_in
from tests.factories import PASSWORD, create_user

NEW = "a-brand-new-password-2026"


def _ask(client, email, address="10.9.0.1"):
    response = client.post("/auth/forgot", data={"email": email}, environ_base={"REMOTE_ADDR": address})
    response.close()
    return response


def _without_csrf(page: str) -> str:
    """The page without its CSRF token (signed with the current second, so it differs by time)."""
    return re.sub(r'(name="csrf[-_]token"[^>]*?(?:content|value)=")[^"]*', r"\1", page)


def _link_path(user) -> str:
    message = db.session.query(OutboxMessage).filter_by(to_address=user.email).order_by(OutboxMessage.id.desc()).first()
    return urlsplit(link_in(message.body, "/auth/reset/")).path


def test_login_page_links_to_the_forgotten_password_form(client):
    page = client.get("/auth/login").get_data(as_text=True)
    assert 'href="/auth/forgot"' in page and "忘记密码" in page


def test_the_answer_is_the_same_for_a_known_and_an_unknown_address(client):
    user = create_user("applicant")
    known = client.post("/auth/forgot", data={"email": user.email})
    unknown = client.post("/auth/forgot", data={"email": "nobody-here@example.org"})
    assert known.status_code == unknown.status_code == 200
    assert _without_csrf(known.get_data(as_text=True)) == _without_csrf(unknown.get_data(as_text=True))
    assert "如该邮箱对应某个账号" in known.get_data(as_text=True)
    messages = db.session.query(OutboxMessage).all()
    assert [m.to_address for m in messages] == [user.email]  # mail only to the real account
    assert db.session.query(AuditEvent).filter_by(action="user.password_reset_requested",
                                                  object_id=user.id).count() == 1


def test_a_deactivated_account_gets_the_same_answer_and_no_mail(client):
    user = create_user("applicant", active=False)
    page = client.post("/auth/forgot", data={"email": user.email}).get_data(as_text=True)
    assert "如该邮箱对应某个账号" in page
    assert db.session.query(OutboxMessage).count() == 0


def test_an_invalid_address_is_shown_beside_the_field(client):
    response = client.post("/auth/forgot", data={"email": "not-an-address"})
    assert response.status_code == 422
    assert 'id="email-error"' in response.get_data(as_text=True)


def test_the_mail_links_to_base_url_and_names_the_time_limit(client, app):
    user = create_user("applicant")
    client.post("/auth/forgot", data={"email": user.email.upper()}, headers={"Host": "evil.example"})
    message = db.session.query(OutboxMessage).one()
    link = link_in(message.body, "/auth/reset/")
    assert link.startswith(app.config["BASE_URL"] + "/auth/reset/")
    assert "60 分钟" in message.body and message.subject == "设置新密码"


def test_the_link_sets_a_new_password_ends_every_session_and_is_audited(client, app, login):
    user = create_user("applicant")
    other_device = app.test_client()
    assert other_device.post("/auth/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
    client.post("/auth/forgot", data={"email": user.email})
    path = _link_path(user)
    page = client.get(path).get_data(as_text=True)
    assert user.email in page and "设置新密码" in page
    response = client.post(path, data={"new": NEW, "confirm": NEW})
    assert response.status_code == 302 and response.headers["Location"].endswith("/auth/login")
    assert accounts.authenticate(user.email, NEW) is not None
    assert accounts.authenticate(user.email, PASSWORD) is None
    assert other_device.get("/dashboard").status_code == 302  # the other session has ended
    assert db.session.query(AuditEvent).filter_by(action="user.password_reset", object_id=user.id).count() == 1


def test_the_link_works_once(client):
    user = create_user("applicant")
    client.post("/auth/forgot", data={"email": user.email})
    path = _link_path(user)
    assert client.post(path, data={"new": NEW, "confirm": NEW}).status_code == 302
    for method in ("get", "post"):
        response = getattr(client, method)(path, data={"new": "another-password-99", "confirm": "another-password-99"})
        page = response.get_data(as_text=True)
        assert response.status_code == 400 and "链接已使用过" in page and 'href="/auth/forgot"' in page
    assert accounts.authenticate(user.email, NEW) is not None


def test_a_password_change_kills_earlier_links(client, login):
    user = create_user("applicant")
    token = accounts.reset_token(user)
    accounts.change_password(user, PASSWORD, "changed-password-1")
    response = client.get(f"/auth/reset/{token}")
    assert response.status_code == 400 and "发送后密码已经更改" in response.get_data(as_text=True)


@pytest.mark.parametrize("minutes, usable", [(59, True), (61, False)])
def test_the_link_expires_after_an_hour(client, clock, minutes, usable):
    user = create_user("applicant")
    token = accounts.reset_token(user)
    clock.advance(minutes=minutes)
    response = client.get(f"/auth/reset/{token}")
    if usable:
        assert response.status_code == 200
    else:
        assert response.status_code == 400 and "链接已过期" in response.get_data(as_text=True)
        response = client.post(f"/auth/reset/{token}", data={"new": NEW, "confirm": NEW})
        assert response.status_code == 400
        assert accounts.authenticate(user.email, PASSWORD) is not None


def test_a_tampered_or_foreign_token_is_refused_with_a_clear_page(client):
    user = create_user("applicant")
    token = accounts.reset_token(user)
    flipped = token[:-3] + ("A" if token[-3] != "A" else "B") + token[-2:]
    from grants.services import tokens

    foreign = tokens.make("invitation", {"u": user.id, "p": "x"}, __import__("datetime").timedelta(hours=1))
    for bad in (flipped, "abc", "x" * 3000, foreign, token + "."):
        response = client.get(f"/auth/reset/{bad}")
        assert response.status_code == 400, bad
        assert "链接不完整或无效" in response.get_data(as_text=True)


def test_the_new_password_follows_the_password_rules(client):
    user = create_user("applicant")
    token = accounts.reset_token(user)
    response = client.post(f"/auth/reset/{token}", data={"new": "short", "confirm": "short"})
    assert response.status_code == 422 and "10至200" in response.get_data(as_text=True)
    response = client.post(f"/auth/reset/{token}", data={"new": NEW, "confirm": NEW + "x"})
    assert response.status_code == 422 and "不一致" in response.get_data(as_text=True)
    assert accounts.authenticate(user.email, PASSWORD) is not None


@pytest.fixture
def throttled(app):
    app.config.update(PASSWORD_RESET_RATE_LIMIT="5 per minute", PASSWORD_RESET_ACCOUNT_RATE_LIMIT="3 per minute")
    limiter.reset()
    yield app
    app.config.update(PASSWORD_RESET_RATE_LIMIT="100000 per minute",
                      PASSWORD_RESET_ACCOUNT_RATE_LIMIT="100000 per minute")
    limiter.reset()


def test_requests_for_one_address_are_throttled_from_any_client(throttled, client):
    user = create_user("applicant")
    statuses = [_ask(client, user.email, f"10.8.0.{i}").status_code for i in range(1, 5)]
    assert statuses == [200, 200, 200, 429]
    assert db.session.query(OutboxMessage).count() == 3
    assert _ask(client, "someone-else@example.org", "10.8.0.50").status_code == 200


def test_requests_from_one_client_are_throttled(throttled, client):
    statuses = [_ask(client, f"person{i}@example.org", "10.7.0.1").status_code for i in range(6)]
    assert statuses == [200] * 5 + [429]
    response = client.post("/auth/forgot", data={"email": "late@example.org"}, environ_base={"REMOTE_ADDR": "10.7.0.1"})
    assert response.headers.get("Retry-After") and "尝试次数过多" in response.get_data(as_text=True)


def test_an_admin_sends_a_reset_link_from_the_user_page(client, login, app):
    admin = create_user("admin")
    user = create_user("reviewer", name="专家甲")
    c = login(admin)
    page = c.get(f"/admin/users/{user.id}").get_data(as_text=True)
    assert f"/admin/users/{user.id}/reset" in page and "发送重置密码链接" in page
    response = c.post(f"/admin/users/{user.id}/reset", follow_redirects=True)
    assert f"设置新密码的链接已发送至 {user.email}" in response.get_data(as_text=True)
    message = db.session.query(OutboxMessage).filter_by(to_address=user.email).one()
    assert "管理员" in message.body
    assert link_in(message.body, "/auth/reset/").startswith(app.config["BASE_URL"])
    event = db.session.query(AuditEvent).filter_by(action="user.password_reset_sent").one()
    assert event.actor_id == admin.id and event.object_id == user.id
    # the link works like a requested one
    c.post("/auth/logout")
    path = urlsplit(link_in(message.body, "/auth/reset/")).path
    assert client.post(path, data={"new": NEW, "confirm": NEW}).status_code == 302
    assert accounts.authenticate(user.email, NEW) is not None


def test_no_reset_link_for_a_deactivated_account(client, login):
    admin = create_user("admin")
    user = create_user("reviewer", active=False)
    page = login(admin).post(f"/admin/users/{user.id}/reset", follow_redirects=True).get_data(as_text=True)
    assert "该账号已停用" in page
    assert db.session.query(OutboxMessage).count() == 0


def test_only_admins_send_reset_links(client, login):
    user = create_user("reviewer")
    assert login(create_user("staff")).post(f"/admin/users/{user.id}/reset").status_code == 404
    assert db.session.query(OutboxMessage).count() == 0
    assert db.session.get(User, user.id).active
