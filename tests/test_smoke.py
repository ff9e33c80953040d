from tests.factories import create_user


def test_login_and_dashboard(client, auth):
    user = create_user("staff")
    response = auth.login(user)
    assert response.status_code == 302
    page = client.get("/dashboard").get_data(as_text=True)
    assert user.name in page
