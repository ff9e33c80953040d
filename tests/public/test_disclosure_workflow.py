"""The organisation's annual disclosure: members write and submit it; staff approve (public) or
return it with a reason; each step audited, the organisation told by mail. Enforcement records:
staff add and withdraw them on the records page, audited."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from grants.extensions import db
from grants.models import AnnualDisclosure, AuditEvent, EnforcementRecord, OutboxMessage
from grants.services import ServiceError, disclosure
from tests.factories import create_applicant, create_org, create_user

COMPLETE = {"activities": "开展为老服务。", "income": "128.64万", "expenditure": "1,193,250.50",
            "net_assets": "-12800", "donations_received": "0", "donations_use": ""}


@pytest.fixture
def org():
    return create_org(registration_date=date(2015, 1, 1))


def _actions(obj_type):
    return list(db.session.scalars(select(AuditEvent.action).where(AuditEvent.object_type == obj_type)
                                   .order_by(AuditEvent.id)))


def test_a_member_starts_fills_and_submits_then_staff_approve_and_it_is_public(login, client, org):
    member = create_applicant(org)
    staff = create_user("staff")
    login(member)
    response = client.post(f"/organisations/{org.id}/disclosures", data={"year": "2025"})
    assert response.status_code == 302
    d = db.session.scalar(select(AnnualDisclosure))
    assert (d.year, d.status) == (2025, "draft")
    response = client.post(f"/organisations/disclosures/{d.id}", data={**COMPLETE, "action": "submit"})
    assert response.status_code == 302
    db.session.refresh(d)
    assert d.status == "submitted"
    assert (d.income, d.expenditure, d.net_assets) == (Decimal("1286400.00"), Decimal("1193250.50"),
                                                       Decimal("-12800.00"))
    assert "开展为老服务。" not in client.get(f"/public/organisations/{org.id}").get_data(as_text=True)
    client.post("/auth/logout")
    login(staff)
    assert "2025" in client.get("/organisations/disclosures/review").get_data(as_text=True)
    response = client.post(f"/organisations/disclosures/{d.id}/approve", follow_redirects=True)
    assert "信息公开已审核通过，现已公开。" in response.get_data(as_text=True)
    db.session.refresh(d)
    assert d.status == "approved"
    html = client.get(f"/public/organisations/{org.id}").get_data(as_text=True)
    assert "开展为老服务。" in html and "¥1,286,400.00" in html and "-¥12,800.00" in html
    assert _actions("annualdisclosure") == ["disclosure.create", "disclosure.submit", "disclosure.approve"]
    mail = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "disclosure.approve"))
    assert mail.to_address == member.email and "2025" in mail.subject


def test_submission_refuses_an_incomplete_disclosure_and_keeps_what_was_typed(login, client, org):
    member = create_applicant(org)
    d = disclosure.start(member, org, 2025)
    login(member)
    response = client.post(f"/organisations/disclosures/{d.id}",
                           data={"activities": "开展为老服务。", "income": "abc", "donations_received": "5000",
                                 "action": "submit"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "abc" in html
    db.session.refresh(d)
    assert d.status == "draft" and d.activities == "开展为老服务。" and d.donations_received == Decimal("5000.00")
    response = client.post(f"/organisations/disclosures/{d.id}",
                           data={**COMPLETE, "donations_received": "5000", "action": "submit"})
    assert response.status_code == 422
    assert "请说明所接受捐赠的使用情况。" in response.get_data(as_text=True)


def test_staff_return_with_a_reason_and_the_member_resubmits(org):
    member = create_applicant(org)
    staff = create_user("staff")
    d = disclosure.start(member, org, 2025)
    disclosure.save(member, d, {"activities": "活动", "income": Decimal("1"), "expenditure": Decimal("1"),
                                "net_assets": Decimal("0"), "donations_received": Decimal("0")})
    disclosure.submit(member, d)
    with pytest.raises(ServiceError):
        disclosure.return_(staff, d, "  ")
    disclosure.return_(staff, d, "请补充活动规模。")
    assert (d.status, d.return_reason) == ("returned", "请补充活动规模。")
    mail = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "disclosure.return"))
    assert mail.to_address == member.email and "请补充活动规模。" in mail.body
    disclosure.save(member, d, {"activities": "活动：服务 1,200 人次"})
    disclosure.submit(member, d)
    assert d.status == "submitted" and d.return_reason is None
    with pytest.raises(ServiceError):
        disclosure.approve(member, d)  # not staff
    with pytest.raises(ServiceError):
        disclosure.save(member, d, {"activities": "改"})  # submitted: locked


def test_one_disclosure_per_year_and_only_members_write_it(org):
    member = create_applicant(org)
    outsider = create_applicant(create_org())
    disclosure.start(member, org, 2025)
    with pytest.raises(ServiceError, match="请选择尚无信息公开的年度"):
        disclosure.start(member, org, 2025)
    with pytest.raises(ServiceError):
        disclosure.start(outsider, org, 2024)
    with pytest.raises(ServiceError):
        disclosure.start(member, org, 1990)


def test_others_cannot_see_or_change_a_disclosure(login, client, org):
    d = disclosure.start(create_applicant(org), org, 2025)
    login(create_applicant(create_org()))
    assert client.get(f"/organisations/disclosures/{d.id}").status_code == 404
    assert client.post(f"/organisations/disclosures/{d.id}", data=COMPLETE).status_code == 404
    assert client.get(f"/organisations/{org.id}/disclosures").status_code == 404


def test_staff_add_and_withdraw_enforcement_records_on_the_records_page(login, client, org):
    staff = create_user("staff")
    login(staff)
    response = client.post(f"/organisations/{org.id}/records/enforcement",
                           data={"decided_on": "2099-01-01", "kind": "warning", "authority": "", "summary": ""})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "日期不能晚于今天。" in html and "请填写作出决定的机关。" in html and "请概述事实和处理决定。" in html
    response = client.post(f"/organisations/{org.id}/records/enforcement",
                           data={"decided_on": "2025-09-12", "kind": "warning", "authority": "嘉兴市民政局",
                                 "summary": "责令改正并予以警告。", "ends_on": ""})
    assert response.status_code == 302
    row = db.session.scalar(select(EnforcementRecord))
    assert (row.kind, row.decided_on, row.withdrawn_at) == ("warning", date(2025, 9, 12), None)
    assert "责令改正并予以警告。" in client.get(f"/public/organisations/{org.id}").get_data(as_text=True)
    client.post(f"/organisations/{org.id}/records/enforcement/{row.id}/withdraw", data={"reason": ""})
    db.session.refresh(row)
    assert row.withdrawn_at is None
    client.post(f"/organisations/{org.id}/records/enforcement/{row.id}/withdraw", data={"reason": "录入错误"})
    db.session.refresh(row)
    assert row.withdrawn_reason == "录入错误" and row.withdrawn_at is not None
    assert "责令改正并予以警告。" not in client.get(f"/public/organisations/{org.id}").get_data(as_text=True)
    assert _actions("organisation") == ["organisation.enforcement_add", "organisation.enforcement_withdraw"]
    other = create_org()
    assert client.post(f"/organisations/{other.id}/records/enforcement/{row.id}/withdraw",
                       data={"reason": "x"}).status_code == 404
