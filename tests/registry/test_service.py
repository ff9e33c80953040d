"""The emergency capability registry's rules: declaring (validation, one transaction, audit),
confirming, the staff search and its counts, targeted invitations, the yearly reminder."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from grants.extensions import db
from grants.models import AuditEvent, CallInvitation, CapabilityDeclaration, DeclaredCapability, OutboxMessage
from grants.services import ServiceError, registry
from grants.services.registry import Filters
from grants.timeutil import now_utc
from tests.factories import create_applicant, create_call, create_org, create_user
from tests.registry.factories import create_declaration, declaration_data


def _events(action):
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


# -- declaring -------------------------------------------------------------------------------------
def test_save_creates_the_declaration_with_its_rows_and_an_audit_event():
    org = create_org()
    user = create_applicant(org)
    d = registry.save_declaration(user, org, declaration_data())
    d = registry.declaration_of(org.id)
    assert d.capabilities == ["counselling", "rescue"]
    assert d.districts == ["南湖区", "秀洲区"]
    assert (d.people_available, d.volunteers_available, d.certified_total) == (12, 80, 8)
    assert d.contact_phone == "13905730001" and d.confirmed_by_id == user.id
    [event] = _events("registry.declare")
    assert event.object_type == "organisation" and event.object_id == org.id and event.data["created"] is True


def test_saving_again_replaces_the_rows_and_keeps_one_declaration():
    org = create_org()
    user = create_applicant(org)
    registry.save_declaration(user, org, declaration_data())
    registry.save_declaration(user, org, declaration_data(capabilities=["logistics"], districts=["海宁市"]))
    assert db.session.scalar(select(func.count()).select_from(CapabilityDeclaration)) == 1
    assert db.session.scalar(select(func.count()).select_from(DeclaredCapability)) == 1
    d = registry.declaration_of(org.id)
    assert d.capabilities == ["logistics"] and d.districts == ["海宁市"]


@pytest.mark.parametrize("overrides, field, text", [
    ({"capabilities": []}, "capabilities", "至少选择一项"),
    ({"capabilities": ["flying"]}, "capabilities", "从列表中选择"),
    ({"districts": []}, "districts", "至少选择一个"),
    ({"districts": ["上海市"]}, "districts", "从列表中选择"),
    ({"people_available": 0}, "people_available", "至少1人"),
    ({"volunteers_available": -1}, "volunteers_available", "0到100000"),
    ({"counsellors": 10, "social_workers": 10}, "other_certified", "不能多于"),
    ({"contact_name": "  "}, "contact_name", "24小时"),
    ({"contact_phone": "call me"}, "contact_phone", "电话"),
    ({"equipment": "x" * 2001}, "equipment", "2000"),
])
def test_validation_names_the_field_in_chinese_and_writes_nothing(overrides, field, text):
    org = create_org()
    user = create_applicant(org)
    with pytest.raises(ServiceError) as caught:
        registry.save_declaration(user, org, declaration_data(**overrides))
    messages = " ".join(caught.value.field_errors[field])
    assert text in messages, messages
    assert db.session.scalar(select(func.count()).select_from(CapabilityDeclaration)) == 0
    assert not _events("registry.declare")


def test_confirm_only_refreshes_the_date_and_who_confirmed():
    org = create_org()
    first, second = create_applicant(org), create_applicant(org)
    old = now_utc() - timedelta(days=400)
    registry.save_declaration(first, org, declaration_data(), now=old)
    registry.confirm(second, org)
    d = registry.declaration_of(org.id)
    assert d.confirmed_at > old + timedelta(days=399) and d.confirmed_by_id == second.id
    assert d.people_available == 12 and d.capabilities == ["counselling", "rescue"]
    assert len(_events("registry.confirm")) == 1


def test_confirm_without_a_declaration_is_refused():
    org = create_org()
    with pytest.raises(ServiceError, match="尚未登记"):
        registry.confirm(create_applicant(org), org)


# -- search ------------------------------------------------------------------------------------------
@pytest.fixture
def population():
    now = now_utc()
    a = create_org(name="甲救援队", grade=5, grade_assessed_on=date(2024, 1, 1))
    b = create_org(name="乙心理服务", grade=3, grade_assessed_on=date(2024, 1, 1))
    c = create_org(name="丙物流", grade=4, grade_assessed_on=date(2015, 1, 1))  # grade expired
    d = create_org(name="丁社区", grade=0)
    create_declaration(a, capabilities=("rescue", "medical"), districts=("南湖区", "海宁市"), people=50, volunteers=200)
    create_declaration(b, capabilities=("counselling",), districts=("南湖区",), people=8, volunteers=30)
    create_declaration(c, capabilities=("logistics", "goods"), districts=("秀洲区",), people=20, volunteers=5,
                       confirmed_at=now - timedelta(days=500))
    create_declaration(d, capabilities=("checkpoint", "rescue"), districts=("海宁市",), people=3, volunteers=60)
    create_org(name="戊无登记")
    return {"a": a, "b": b, "c": c, "d": d, "now": now}


def _names(f: Filters, now=None):
    return [d.organisation.name for d in db.session.scalars(registry.search_statement(f, now))]


def test_search_filters(population):
    assert _names(Filters()) == ["甲救援队", "丙物流", "乙心理服务", "丁社区"]  # most people first
    assert _names(Filters(capabilities=("rescue", "counselling"))) == ["甲救援队", "乙心理服务", "丁社区"]
    assert _names(Filters(district="海宁市")) == ["甲救援队", "丁社区"]
    assert _names(Filters(min_people=20)) == ["甲救援队", "丙物流"]
    assert _names(Filters(min_volunteers=60)) == ["甲救援队", "丁社区"]
    assert _names(Filters(min_grade=4)) == ["甲救援队"]  # 丙's 4A is more than five years old
    assert _names(Filters(min_grade=3)) == ["甲救援队", "乙心理服务"]
    assert _names(Filters(freshness="stale")) == ["丙物流"]
    assert _names(Filters(freshness="current")) == ["甲救援队", "乙心理服务", "丁社区"]
    assert _names(Filters(capabilities=("rescue",), district="南湖区", min_volunteers=100)) == ["甲救援队"]


def test_counts_per_district_and_capability_are_exact(population):
    facets = registry.facets(Filters())
    assert facets.by_district == {"南湖区": 2, "秀洲区": 1, "嘉善县": 0, "平湖市": 0, "海盐县": 0, "海宁市": 2,
                                  "桐乡市": 0}
    assert facets.by_capability["rescue"] == 2 and facets.by_capability["goods"] == 1
    assert facets.by_capability["shelter"] == 0
    # Each facet ignores its own filter but applies the others.
    facets = registry.facets(Filters(district="海宁市", capabilities=("rescue",), min_people=5))
    assert facets.by_district["南湖区"] == 1 and facets.by_district["海宁市"] == 1  # 丁 has 3 people
    assert facets.by_capability["rescue"] == 1 and facets.by_capability["medical"] == 1
    assert facets.by_capability["counselling"] == 0


# -- invitations ----------------------------------------------------------------------------------------
def test_invite_mails_each_member_once_and_reinviting_is_idempotent(population):
    staff = create_user("staff")
    call = create_call(title="应急征集：防汛抢险", kind="emergency")
    members = [create_applicant(population["a"]), create_applicant(population["a"])]
    create_applicant(population["b"])
    result = registry.invite(staff, call, [population["a"].id, population["b"].id])
    assert [o.name for o in result.invited] == ["乙心理服务", "甲救援队"] and not result.already
    mails = list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "registry.invite")))
    assert len(mails) == 3
    assert {m.recipient_id for m in mails} >= {u.id for u in members}
    assert all("应急征集：防汛抢险" in m.subject for m in mails)
    assert all(f"/public/calls/{call.id}" in m.body for m in mails)
    assert len(_events("registry.invite")) == 2

    again = registry.invite(staff, call, [population["a"].id, population["c"].id])
    assert [o.name for o in again.invited] == ["丙物流"] and [o.name for o in again.already] == ["甲救援队"]
    assert "已邀请过" in again.message()
    assert db.session.scalar(select(func.count()).select_from(CallInvitation)) == 3
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)
                             .where(OutboxMessage.kind == "registry.invite")) == 3  # 丙 has no members


def test_invite_refuses_a_call_that_is_not_open_and_an_empty_choice(population):
    staff = create_user("staff")
    with pytest.raises(ServiceError, match="开放"):
        registry.invite(staff, create_call(status="closed"), [population["a"].id])
    with pytest.raises(ServiceError, match="勾选"):
        registry.invite(staff, create_call(), [])
    assert db.session.scalar(select(func.count()).select_from(CallInvitation)) == 0


def test_invitations_for_lists_open_calls_only(population):
    staff = create_user("staff")
    open_call, later_closed = create_call(title="开放征集"), create_call(title="将关闭征集")
    registry.invite(staff, open_call, [population["a"].id])
    registry.invite(staff, later_closed, [population["a"].id])
    later_closed.status = "closed"
    db.session.commit()
    assert [i.call.title for i in registry.invitations_for(population["a"].id)] == ["开放征集"]


def test_hub_counts_the_invitations(population):
    from grants.services import hub

    call = create_call()
    registry.invite(create_user("staff"), call, [population["a"].id, population["b"].id])
    assert hub.for_call(call).invited == 2


# -- the yearly reminder ------------------------------------------------------------------------------
def test_reminder_goes_to_stale_declarations_once_a_year():
    fixed = datetime(2027, 3, 1, 2, 0, tzinfo=UTC)
    stale_org, fresh_org = create_org(name="过期机构"), create_org(name="新近机构")
    member = create_applicant(stale_org)
    create_applicant(fresh_org)
    create_declaration(stale_org, confirmed_at=fixed - timedelta(days=400))
    create_declaration(fresh_org, confirmed_at=fixed - timedelta(days=100))
    create_org(name="未登记机构")

    assert registry.remind(now=fixed) == 1
    mails = list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "registry.remind")))
    assert [m.recipient_id for m in mails] == [member.id]
    assert f"/organisations/{stale_org.id}/capabilities" in mails[0].body
    # Again the same day, and a month later: nothing.
    assert registry.remind(now=fixed) == 0
    assert registry.remind(now=fixed + timedelta(days=30)) == 0
    # A year later: the first once more (still not confirmed), and the other, stale by now, once.
    assert registry.remind(now=fixed + timedelta(days=366)) == 2
    assert registry.remind(now=fixed + timedelta(days=400)) == 0
    assert len(_events("registry.remind")) == 3


def test_confirming_stops_the_reminders():
    fixed = datetime(2027, 3, 1, 2, 0, tzinfo=UTC)
    org = create_org()
    user = create_applicant(org)
    create_declaration(org, confirmed_at=fixed - timedelta(days=400))
    registry.confirm(user, org, now=fixed + timedelta(days=1))
    assert registry.remind(now=fixed + timedelta(days=2)) == 0


def test_remind_command(runner):
    org = create_org()
    create_applicant(org)
    create_declaration(org, confirmed_at=now_utc() - timedelta(days=500))
    result = runner.invoke(args=["registry", "remind"])
    assert result.exit_code == 0 and "reminded=1" in result.output
    assert "reminded=0" in runner.invoke(args=["registry", "remind"]).output
