"""The registry's pages: a member declares and confirms, staff search (constant statements, the
24-hour contact shown to staff only), invite, and the organisation sees its invitation."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from grants.extensions import db
from grants.models import CallInvitation, OutboxMessage
from grants.services import registry
from grants.sqlcount import recorded_statements
from grants.timeutil import now_utc
from tests.factories import create_applicant, create_call, create_org, create_user
from tests.registry.factories import create_declaration


def _form(**overrides):
    data = {"capabilities": ["rescue", "logistics"], "districts": ["海宁市"], "people_available": "15",
            "volunteers_available": "1,200", "counsellors": "0", "social_workers": "2", "medical_staff": "1",
            "other_certified": "", "certified_note": "", "equipment": "冲锋舟1艘", "contact_name": "蒋卫东",
            "contact_phone": "13905731234"}
    data.update(overrides)
    return data


def test_member_declares_then_confirms(login):
    org = create_org(name="海宁救援")
    user = create_applicant(org)
    client = login(user)
    page = client.get(f"/organisations/{org.id}/capabilities").get_data(as_text=True)
    assert "尚未登记应急能力" in page
    response = client.post(f"/organisations/{org.id}/capabilities", data=_form())
    assert response.status_code == 302
    d = registry.declaration_of(org.id)
    assert d.volunteers_available == 1200 and d.capabilities == ["logistics", "rescue"]
    page = client.get(f"/organisations/{org.id}/capabilities").get_data(as_text=True)
    assert "最近确认" in page and 'value="13905731234"' in page
    old = d.confirmed_at
    response = client.post(f"/organisations/{org.id}/capabilities/confirm", follow_redirects=True)
    assert "已确认应急能力登记仍然有效" in response.get_data(as_text=True)
    db.session.expire_all()
    assert registry.declaration_of(org.id).confirmed_at >= old


def test_bad_declaration_shows_chinese_messages_beside_the_fields(login):
    org = create_org()
    client = login(create_applicant(org))
    response = client.post(f"/organisations/{org.id}/capabilities",
                           data=_form(capabilities=[], contact_phone="夜里打", people_available="abc"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "请填写昼夜均可接通的电话号码" in page
    assert registry.declaration_of(org.id) is None


def test_stale_declaration_is_marked_for_the_member(login):
    org = create_org()
    create_declaration(org, confirmed_at=now_utc() - timedelta(days=400))
    page = login(create_applicant(org)).get(f"/organisations/{org.id}/capabilities").get_data(as_text=True)
    assert 'id="stale-mark"' in page


def test_staff_search_shows_counts_contacts_and_staleness(login):
    a, b = create_org(name="甲队"), create_org(name="乙队")
    create_declaration(a, capabilities=("rescue",), districts=("南湖区", "秀洲区"), contact_phone="13911112222")
    create_declaration(b, capabilities=("medical",), districts=("南湖区",),
                       confirmed_at=now_utc() - timedelta(days=500))
    client = login(create_user("staff"))
    page = client.get("/registry/").get_data(as_text=True)
    assert "13911112222" in page and "共2家组织符合条件" in page
    assert page.count("stale-mark") == 1
    page = client.get("/registry/?capability=rescue&district=南湖区").get_data(as_text=True)
    assert "共1家组织符合条件" in page and "乙队" not in page


def _statements(client, url):
    client.get(url)  # warm caches (user, translations)
    with recorded_statements(db.engine) as seen:
        response = client.get(url)
    assert response.status_code == 200
    return len(seen)


def test_search_page_sends_a_constant_number_of_statements(login):
    client = login(create_user("staff"))
    create_call(title="应急征集", kind="emergency")
    url = "/registry/?capability=rescue&capability=medical&min_people=1&freshness=current&per_page=50"
    for i in range(3):
        create_declaration(create_org(name=f"少{i}"), capabilities=("rescue", "medical"),
                           districts=("南湖区", "海宁市"))
    few = _statements(client, url)
    for i in range(40):
        create_declaration(create_org(name=f"多{i}"), capabilities=("rescue", "goods"), districts=("平湖市", "桐乡市"))
    many = _statements(client, url)
    assert few == many, (few, many)
    assert many <= 12


def test_invite_from_the_search_page_and_see_it_on_the_dashboard(login):
    org = create_org(name="被邀请机构")
    member = create_applicant(org)
    create_declaration(org)
    call = create_call(title="应急征集：抗台救灾", kind="emergency")
    staff_client = login(create_user("staff"))
    response = staff_client.post("/registry/invite", data={"call_id": str(call.id), "org_id": [str(org.id)],
                                                           "next": "/registry/?district=南湖区"})
    assert response.status_code == 302 and "/registry/?district=" in response.headers["Location"]
    again = staff_client.post("/registry/invite", data={"call_id": str(call.id), "org_id": [str(org.id)]},
                              follow_redirects=True).get_data(as_text=True)
    assert "此前已邀请过" in again
    assert db.session.scalar(select(func.count()).select_from(CallInvitation)) == 1
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)
                             .where(OutboxMessage.recipient_id == member.id)) == 1
    hub = staff_client.get(f"/calls/{call.id}").get_data(as_text=True)
    assert 'id="hub-invited"' in hub
    staff_client.post("/auth/logout")
    board = login(member).get("/dashboard").get_data(as_text=True)
    assert f'id="call-invitation-{call.id}"' in board and "应急征集：抗台救灾" in board
    assert f"/proposals/calls/{call.id}/new" in board


def test_open_redirect_refused_after_invite(login):
    call = create_call()
    org = create_org()
    response = login(create_user("staff")).post(
        "/registry/invite", data={"call_id": str(call.id), "org_id": [str(org.id)], "next": "https://evil.example/"})
    assert response.headers["Location"].endswith("/registry/")


def test_contact_not_shown_to_other_organisations(login):
    org = create_org()
    create_declaration(org, contact_phone="13977778888")
    client = login(create_applicant(create_org()))
    assert client.get(f"/organisations/{org.id}/capabilities").status_code == 404
    assert client.get("/registry/").status_code == 403
