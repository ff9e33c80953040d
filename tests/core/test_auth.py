from grants.extensions import db
from grants.models import AuditEvent, User
from tests.factories import PASSWORD, create_user


def test_login_rotates_the_session_and_records_the_login(client, auth):
    user = create_user("staff")
    token_before = user.session_token
    with client.session_transaction() as sess:
        sess["planted"] = "attacker-chosen"
    response = auth.login(user)
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.session_token != token_before
    with client.session_transaction() as sess:
        assert "planted" not in sess  # a fresh session at login
    assert db.session.query(AuditEvent).filter_by(action="user.login", object_id=user.id).count() == 1


def test_wrong_password_shows_a_clear_message(client, auth):
    user = create_user("staff")
    page = auth.login(user, password="wrong-password").get_data(as_text=True)
    assert "电子邮箱或密码不正确" in page


def test_deactivated_user_cannot_log_in_and_is_told_why(client, auth):
    user = create_user("staff", active=False)
    page = auth.login(user).get_data(as_text=True)
    assert "该账号已停用" in page
    assert client.get("/dashboard").status_code == 302


def test_deactivation_ends_open_sessions(client, auth, app):
    admin = create_user("admin")
    victim = create_user("staff")
    other = app.test_client()
    assert other.post("/auth/login", data={"email": victim.email, "password": PASSWORD}).status_code == 302
    assert other.get("/dashboard").status_code == 200
    auth.login(admin)
    client.post(f"/admin/users/{victim.id}/active", data={"active": "0"})
    assert db.session.get(User, victim.id).active is False
    assert other.get("/dashboard").status_code == 302  # sent to login


def test_logout(client, auth):
    user = create_user("staff")
    auth.login(user)
    assert client.get("/dashboard").status_code == 200
    auth.logout()
    assert client.get("/dashboard").status_code == 302


def test_open_redirect_is_refused(client, auth):
    user = create_user("staff")
    response = client.post("/auth/login?next=https://evil.example/", data={"email": user.email, "password": PASSWORD})
    assert response.headers["Location"] == "/dashboard"


def test_login_is_throttled_with_a_clear_message(app, client):
    user = create_user("staff")
    from grants.extensions import limiter

    app.config.update(LOGIN_RATE_LIMIT="10 per minute")
    try:
        limiter.reset()
        statuses = [client.post("/auth/login", data={"email": user.email, "password": "bad"}).status_code
                    for _ in range(11)]
        assert statuses[:10] == [200] * 10
        assert statuses[10] == 429
        page = client.post("/auth/login", data={"email": user.email, "password": "bad"}).get_data(as_text=True)
        assert "尝试次数过多" in page
    finally:
        app.config.update(LOGIN_RATE_LIMIT="100000 per minute")
        limiter.reset()


def test_password_change(client, auth):
    user = create_user("staff")
    auth.login(user)
    page = client.post("/auth/password", data={"current": "nope", "new": "another-password-1",
                                               "confirm": "another-password-1"}).get_data(as_text=True)
    assert "当前密码不正确" in page
    response = client.post("/auth/password", data={"current": PASSWORD, "new": "another-password-1",
                                                   "confirm": "another-password-1"})
    assert response.status_code == 302
    assert db.session.get(User, user.id).check_password("another-password-1")


def test_passwords_are_hashed_with_scrypt():
    user = create_user("staff")
    assert user.password_hash.startswith("scrypt:")
    assert PASSWORD not in user.password_hash
