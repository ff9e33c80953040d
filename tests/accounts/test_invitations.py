"""An organisation's admin invites colleagues: a signed link that expires and works once; the
invitee joins that organisation as an applicant. Organisations never see each other's members."""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from grants.extensions import db
from grants.models import AuditEvent, Invitation, Membership, OutboxMessage, User
from grants.services import accounts
from grants.services.organisations import invitation_token
from tests.accounts.conftest import link_in
from tests.factories import create_applicant, create_org, create_user

NEW = "a-brand-new-password-2026"


@pytest.fixture
def org_admin():
    org = create_org(name="甲组织")
    user = create_applicant(org, name="甲组织管理员")
    db.session.query(Membership).filter_by(user_id=user.id).one().is_admin = True
    db.session.commit()
    return user


def _invite(client, org, email="colleague@example.org", name="王同事"):
    return client.post(f"/organisations/{org.id}/invitations", data={"name": name, "email": email})


def _join_path(email="colleague@example.org") -> str:
    message = db.session.query(OutboxMessage).filter_by(to_address=email).one()
    return urlsplit(link_in(message.body, "/organisations/join/")).path


def _join(client, path, **changes):
    data = {"name": "王同事", "new": NEW, "confirm": NEW, "privacy": "y"}
    data.update(changes)
    return client.post(path, data=data)


def test_the_admin_invites_a_colleague_by_mail(client, login, org_admin, app):
    org = org_admin.organisation
    c = login(org_admin)
    response = _invite(c, org)
    assert response.status_code == 302
    page = c.get(response.headers["Location"]).get_data(as_text=True)
    assert "邀请已发送至 colleague@example.org" in page and "待接受的邀请" in page and "王同事" in page
    message = db.session.query(OutboxMessage).filter_by(to_address="colleague@example.org").one()
    assert message.subject == "邀请您加入甲组织" and "甲组织管理员" in message.body and "7 天" in message.body
    assert link_in(message.body, "/organisations/join/").startswith(app.config["BASE_URL"] + "/organisations/join/")
    event = db.session.query(AuditEvent).filter_by(action="organisation.invite").one()
    assert event.actor_id == org_admin.id and event.object_id == org.id


def test_the_invitee_sets_a_password_and_joins_as_an_applicant(client, login, org_admin):
    org = org_admin.organisation
    _invite(login(org_admin), org)
    client.post("/auth/logout")
    path = _join_path()
    page = client.get(path).get_data(as_text=True)
    assert "加入甲组织" in page and 'value="王同事"' in page and "colleague@example.org" in page
    response = _join(client, path, name="王小同")
    assert response.status_code == 302 and response.headers["Location"].endswith("/auth/login")
    user = db.session.query(User).filter_by(email="colleague@example.org").one()
    assert user.name == "王小同" and user.roles == {"applicant"}
    assert user.privacy_version == accounts.PRIVACY_VERSION and user.privacy_accepted_at is not None
    membership = db.session.query(Membership).filter_by(user_id=user.id).one()
    assert membership.organisation_id == org.id and not membership.is_admin
    assert accounts.authenticate("colleague@example.org", NEW) is not None
    assert db.session.query(AuditEvent).filter_by(action="organisation.invitation_accept").count() == 1
    # the link worked once
    again = client.get(path)
    assert again.status_code == 400 and "该邀请已被接受或已撤销" in again.get_data(as_text=True)
    assert _join(client, path).status_code == 400
    assert db.session.query(User).filter_by(email="colleague@example.org").count() == 1


def test_joining_needs_the_privacy_tick_and_a_good_password(client, login, org_admin):
    _invite(login(org_admin), org_admin.organisation)
    client.post("/auth/logout")
    path = _join_path()
    response = _join(client, path, privacy="")
    assert response.status_code == 422 and "请阅读隐私声明，并勾选同意" in response.get_data(as_text=True)
    response = _join(client, path, new="short", confirm="short")
    assert response.status_code == 422 and "10至200" in response.get_data(as_text=True)
    assert db.session.query(User).filter_by(email="colleague@example.org").count() == 0


def test_the_admin_cancels_an_invitation_and_its_link_dies(client, login, org_admin):
    org = org_admin.organisation
    c = login(org_admin)
    _invite(c, org)
    invitation = db.session.query(Invitation).one()
    page = c.post(f"/organisations/{org.id}/invitations/{invitation.id}/cancel",
                  follow_redirects=True).get_data(as_text=True)
    assert "已撤销对 colleague@example.org 的邀请" in page and "没有待接受的邀请" in page
    assert db.session.query(AuditEvent).filter_by(action="organisation.invitation_cancel").count() == 1
    c.post("/auth/logout")
    response = client.get(_join_path())
    assert response.status_code == 400 and "该邀请已被接受或已撤销" in response.get_data(as_text=True)


def test_an_invitation_expires(client, login, org_admin, clock):
    org = org_admin.organisation
    c = login(org_admin)
    _invite(c, org)
    clock.advance(days=7, minutes=1)
    assert "没有待接受的邀请" in c.get(f"/organisations/{org.id}/members").get_data(as_text=True)
    c.post("/auth/logout")
    response = client.get(_join_path())
    assert response.status_code == 400 and "链接已过期" in response.get_data(as_text=True)


def test_a_tampered_invitation_link_is_refused(client, login, org_admin):
    _invite(login(org_admin), org_admin.organisation)
    client.post("/auth/logout")
    path = _join_path()
    response = client.get(path[:-2] + ("AA" if not path.endswith("AA") else "BB"))
    assert response.status_code == 400 and "链接不完整或无效" in response.get_data(as_text=True)
    reset = accounts.reset_token(org_admin)  # a reset token is no invitation
    assert client.get(f"/organisations/join/{reset}").status_code == 400


def test_an_address_with_an_account_cannot_be_invited(client, login, org_admin):
    existing = create_user("reviewer", email="expert@example.org")
    response = _invite(login(org_admin), org_admin.organisation, email="Expert@Example.org")
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "该邮箱已在本系统注册账号，无法邀请" in page
    assert db.session.query(Invitation).count() == 0 and db.session.query(OutboxMessage).count() == 0
    assert existing.organisation is None


def test_an_account_made_meanwhile_makes_the_link_refuse(client, login, org_admin):
    _invite(login(org_admin), org_admin.organisation)
    client.post("/auth/logout")
    path = _join_path()
    create_user("applicant", email="colleague@example.org")
    page = _join(client, path).get_data(as_text=True)
    assert "该邮箱已在本系统注册账号。请直接登录" in page
    assert db.session.query(Invitation).one().accepted_at is None


def test_a_second_pending_invitation_to_one_address_is_refused(client, login, org_admin):
    c = login(org_admin)
    _invite(c, org_admin.organisation)
    response = _invite(c, org_admin.organisation)
    assert response.status_code == 422 and "该邮箱已有一份待接受的邀请" in response.get_data(as_text=True)


def test_only_the_organisation_admin_invites(client, login, org_admin):
    org = org_admin.organisation
    colleague = create_applicant(org)
    c = login(colleague)
    page = c.get(f"/organisations/{org.id}/members").get_data(as_text=True)
    assert "甲组织管理员" in page and "邀请同事" not in page
    assert _invite(c, org).status_code == 403
    c.post("/auth/logout")
    staff = login(create_user("staff"))
    assert staff.get(f"/organisations/{org.id}/members").status_code == 200
    assert _invite(staff, org).status_code == 403
    assert db.session.query(Invitation).count() == 0


def test_organisations_never_see_each_others_members_or_invitations(client, login, org_admin):
    org = org_admin.organisation
    _invite(login(org_admin), org)
    invitation = db.session.query(Invitation).one()
    client.post("/auth/logout")
    other_org = create_org(name="乙组织")
    other_admin = create_applicant(other_org)
    db.session.query(Membership).filter_by(user_id=other_admin.id).one().is_admin = True
    db.session.commit()
    c = login(other_admin)
    assert c.get(f"/organisations/{org.id}/members").status_code == 404
    assert _invite(c, org).status_code == 404
    assert c.post(f"/organisations/{org.id}/invitations/{invitation.id}/cancel").status_code == 404
    # and its own invitation id cannot reach another organisation's invitation
    assert c.post(f"/organisations/{other_org.id}/invitations/{invitation.id}/cancel").status_code == 404
    assert db.session.get(Invitation, invitation.id).cancelled_at is None
    page = c.get(f"/organisations/{other_org.id}/members").get_data(as_text=True)
    assert "甲组织管理员" not in page and "colleague@example.org" not in page


def test_a_logged_in_person_is_told_to_log_out_first(client, login, org_admin):
    org = org_admin.organisation
    c = login(org_admin)
    _invite(c, org)
    invitation = db.session.query(Invitation).one()
    page = c.get(f"/organisations/join/{invitation_token(invitation)}", follow_redirects=True).get_data(as_text=True)
    assert "请先退出登录" in page
