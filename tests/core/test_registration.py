import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grants.extensions import db
from grants.models import AuditEvent, Membership, Organisation, OutboxMessage, User
from tests.factories import PASSWORD, create_org, create_user, make_uscc

CERTIFICATE_PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def form(**changes):
    data = {
        "name": "嘉兴市新青年社工服务中心", "uscc": make_uscc(9001), "org_type": "social_service",
        "registration_date": "2019-05-20", "address": "嘉兴市南湖区中山路8号", "district": "南湖区",
        "legal_representative": "张伟", "contact_name": "李娜", "contact_phone": "0573-82000000",
        "contact_email": "", "bank_name": "", "bank_account": "", "service_areas": "",
        "user_name": "李娜", "email": "lina@example.org", "password": PASSWORD, "confirm": PASSWORD,
        # the 登记证书 scan and the privacy notice ticked (tests/accounts/test_registration_scan.py)
        "certificate": (io.BytesIO(CERTIFICATE_PNG), "登记证书.png"), "privacy": "y",
    }
    data.update(changes)
    return data


def without_scan(**changes):
    """A registration form sent urlencoded (no file part): for tests of the body itself."""
    return {k: v for k, v in form(**changes).items() if k != "certificate"}


def test_registration_creates_a_pending_organisation_and_its_first_user(client):
    create_user("staff")
    response = client.post("/organisations/register", data=form(uscc=make_uscc(9001).lower()))
    assert response.status_code == 302
    org = db.session.query(Organisation).one()
    assert org.status == "pending"
    assert org.uscc == make_uscc(9001)  # normalised to upper case
    user = db.session.query(User).filter_by(email="lina@example.org").one()
    assert user.roles == {"applicant"}
    assert db.session.query(Membership).filter_by(user_id=user.id, organisation_id=org.id).count() == 1
    assert db.session.query(AuditEvent).filter_by(action="organisation.register").count() == 1
    assert db.session.query(OutboxMessage).count() == 1  # staff told to verify


def test_duplicate_uscc_is_refused_with_a_clear_message(client):
    existing = create_org()
    page = client.post("/organisations/register", data=form(uscc=existing.uscc)).get_data(as_text=True)
    assert "该统一社会信用代码的组织已经注册" in page
    assert db.session.query(Organisation).count() == 1


@pytest.mark.parametrize("field, value, message", [
    ("uscc", "91350211M000100Y47", "校验码不符"),
    ("uscc", "91350211I000100Y46", "不会出现字母"),
    ("uscc", "123", "应为18位"),
    ("name", "", "此项为必填项"),
    ("name", "长" * 201, "200"),
    ("email", "not-an-email", "有效的电子邮箱"),
    ("registration_date", "2019-13-45", "请输入日期"),
    ("registration_date", "2999-01-01", "不能晚于今天"),
    ("org_type", "company", "不是有效的选择"),
    ("password", "short", "10至200"),
    ("confirm", "different-password", "不一致"),
])
def test_bad_registration_input_is_shown_beside_the_field(client, field, value, message):
    response = client.post("/organisations/register", data=form(**{field: value}))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert message in page
    assert f'id="{field}-error"' in page
    assert db.session.query(Organisation).count() == 0


def test_empty_registration_lists_every_missing_field(client):
    page = client.post("/organisations/register", data={}).get_data(as_text=True)
    assert page.count("此项为必填项") >= 8


def test_script_in_text_is_shown_escaped(client):
    page = client.post("/organisations/register",
                       data=form(name="<script>alert(1)</script>", uscc="bad")).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_five_megabyte_body_gets_the_413_page(client, app):
    app.config["MAX_CONTENT_LENGTH"] = 4 * 1024 * 1024
    try:
        response = client.post("/organisations/register", data=without_scan(address="x" * (5 * 1024 * 1024)))
    finally:
        app.config["MAX_CONTENT_LENGTH"] = 12 * 1024 * 1024
    assert response.status_code == 413
    assert "文件过大" in response.get_data(as_text=True)


def test_five_megabyte_field_is_refused_without_error(client):
    response = client.post("/organisations/register", data=without_scan(address="x" * (5 * 1024 * 1024)))
    assert response.status_code in (200, 413)
    assert db.session.query(Organisation).count() == 0


def test_bad_login_input_never_500(client):
    for data in ({}, {"email": "", "password": ""}, {"email": "x" * 5000, "password": "y" * 5000},
                 {"email": ["a", "b"], "password": "1"}):
        response = client.post("/auth/login", data=data)
        assert response.status_code == 200
        assert "电子邮箱" in response.get_data(as_text=True)


@settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(name=st.text(max_size=300), code=st.text(max_size=30))
def test_registration_never_fails_with_a_server_error(client, name, code):
    response = client.post("/organisations/register", data=form(name=name, uscc=code))
    assert response.status_code in (200, 302)


def test_staff_verify_and_reject_with_reason(client, login):
    staff = create_user("staff")
    org = create_org(status="pending")
    member = create_user("applicant")
    db.session.add(Membership(user_id=member.id, organisation_id=org.id))
    db.session.commit()
    c = login(staff)
    page = c.post(f"/organisations/{org.id}/reject", data={"reason": ""}, follow_redirects=True).get_data(as_text=True)
    assert "请填写原因" in page
    assert db.session.get(Organisation, org.id).status == "pending"
    c.post(f"/organisations/{org.id}/reject", data={"reason": "登记证书扫描件不清晰"})
    org = db.session.get(Organisation, org.id)
    assert org.status == "rejected" and org.status_note == "登记证书扫描件不清晰"
    mail = db.session.query(OutboxMessage).filter_by(to_address=member.email).one()
    assert "登记证书扫描件不清晰" in mail.body
    # The applicant corrects the profile: back to pending.
    c.post("/auth/logout")
    login(member)
    data = {k: v for k, v in form().items() if k not in ("uscc", "user_name", "email", "password", "confirm")}
    assert c.post(f"/organisations/{org.id}/edit", data=data).status_code == 302
    assert db.session.get(Organisation, org.id).status == "pending"
