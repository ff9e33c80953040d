"""Logout ends the session for every copy of its cookies; "log out everywhere"; cookie flags."""
from config import ProductionConfig
from grants.extensions import db
from grants.models import AuditEvent
from tests.factories import PASSWORD, create_user

LOGIN_PAGE = "/auth/login"


def _copy_cookies(source, target, names):
    for name in names:
        cookie = source.get_cookie(name)
        assert cookie is not None, f"no {name} cookie to copy"
        target.set_cookie(name, cookie.value, domain=cookie.domain or "localhost")


def _dashboard_status(client):
    response = client.get("/dashboard")
    response.close()
    if response.status_code == 302:
        assert LOGIN_PAGE in response.headers["Location"]
    return response.status_code


def test_a_session_cookie_copied_before_logout_no_longer_opens_the_dashboard(app, client, auth):
    user = create_user("staff")
    auth.login(user)
    thief = app.test_client()
    _copy_cookies(client, thief, ["session"])
    assert _dashboard_status(thief) == 200  # the copy works while the session lives
    auth.logout()
    assert _dashboard_status(client) == 302
    assert _dashboard_status(thief) == 302


def test_the_remember_cookie_alone_stops_working_at_logout(app, client):
    user = create_user("staff")
    client.post(LOGIN_PAGE, data={"email": user.email, "password": PASSWORD, "remember": "y"})
    before = app.test_client()
    _copy_cookies(client, before, ["remember_token"])
    assert _dashboard_status(before) == 200  # remember cookie alone logs in
    after = app.test_client()
    _copy_cookies(client, after, ["remember_token"])
    client.post("/auth/logout")
    assert _dashboard_status(after) == 302


def test_log_out_everywhere_ends_every_copy_and_is_audited(app, client, auth):
    user = create_user("staff")
    client.post(LOGIN_PAGE, data={"email": user.email, "password": PASSWORD, "remember": "y"})
    other_device = app.test_client()
    _copy_cookies(client, other_device, ["session", "remember_token"])
    assert _dashboard_status(other_device) == 200
    page = client.get("/auth/password").get_data(as_text=True)
    assert "在所有设备上退出" in page and 'action="/auth/logout-everywhere"' in page

    response = client.post("/auth/logout-everywhere", follow_redirects=True)
    assert "您已在所有设备上退出登录" in response.get_data(as_text=True)
    assert _dashboard_status(client) == 302
    assert _dashboard_status(other_device) == 302
    events = db.session.query(AuditEvent).filter_by(action="user.logout_everywhere", object_id=user.id).all()
    assert len(events) == 1 and events[0].actor_id == user.id


def test_log_out_everywhere_needs_a_login(client):
    response = client.post("/auth/logout-everywhere")
    assert response.status_code == 302 and LOGIN_PAGE in response.headers["Location"]


def test_the_remember_cookie_is_lax_and_http_only(client):
    user = create_user("staff")
    response = client.post(LOGIN_PAGE, data={"email": user.email, "password": PASSWORD, "remember": "y"})
    remember = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("remember_token=")]
    assert len(remember) == 1
    assert "SameSite=Lax" in remember[0] and "HttpOnly" in remember[0]


def test_production_sends_the_remember_cookie_over_https_only():
    assert ProductionConfig.REMEMBER_COOKIE_SECURE is True
    assert ProductionConfig.SESSION_COOKIE_SECURE is True
    assert ProductionConfig.REMEMBER_COOKIE_SAMESITE == "Lax"
