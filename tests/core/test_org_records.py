"""Organisation records kept by staff: grade, annual inspection, 失信 flag — audited, staff only."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from grants.extensions import db
from grants.models import AuditEvent
from grants.timeutil import local_today
from tests.factories import create_applicant, create_org, create_user


@pytest.fixture
def org():
    return create_org(grade=3, grade_assessed_on=date(2023, 6, 1), inspections=((2024, "passed"),))


@pytest.fixture
def staff_client(login):
    return login(create_user("staff"))


def _events(org, action):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.object_id == org.id, AuditEvent.action == action)
                              .order_by(AuditEvent.id)).all()


def test_staff_sets_grade_audited(staff_client, org):
    response = staff_client.post(f"/organisations/{org.id}/records/grade", data={"grade": "5",
                                                                                 "assessed_on": "2025-09-01"})
    assert response.status_code == 302
    db.session.refresh(org)
    assert (org.grade, org.grade_assessed_on) == (5, date(2025, 9, 1))
    (event,) = _events(org, "organisation.grade")
    assert event.data["before"] == {"grade": 3, "assessed_on": "2023-06-01"}
    assert event.data["after"] == {"grade": 5, "assessed_on": "2025-09-01"}
    html = staff_client.get(f"/organisations/{org.id}/records").get_data(as_text=True)
    assert 'id="effective-grade">5A<' in html


def test_grade_needs_a_date_not_in_future(staff_client, org):
    html = staff_client.post(f"/organisations/{org.id}/records/grade", data={"grade": "4",
                                                                             "assessed_on": ""}).get_data(as_text=True)
    assert "请填写评估日期。" in html
    future = date(local_today().year + 1, 1, 1).isoformat()
    html = staff_client.post(f"/organisations/{org.id}/records/grade",
                             data={"grade": "4", "assessed_on": future}).get_data(as_text=True)
    assert "评估日期不能晚于今天。" in html
    db.session.refresh(org)
    assert org.grade == 3


def test_expired_grade_shown_as_none(staff_client):
    org = create_org(grade=5, grade_assessed_on=date(2015, 1, 1))
    html = staff_client.get(f"/organisations/{org.id}/records").get_data(as_text=True)
    assert 'id="effective-grade">未评估<' in html


def test_inspection_added_and_corrected(staff_client, org):
    staff_client.post(f"/organisations/{org.id}/records/inspection", data={"year": "2025", "result": "basic_pass",
                                                                           "note": "整改后通过"})
    staff_client.post(f"/organisations/{org.id}/records/inspection", data={"year": "2024", "result": "failed"})
    db.session.expire_all()
    assert org.inspection_result(2025) == "basic_pass" and org.inspection_result(2024) == "failed"
    events = _events(org, "organisation.inspection")
    assert events[1].data["before"] == {"result": "passed", "note": None}


@pytest.mark.parametrize("data, message", [
    ({"year": "abc", "result": "passed"}, "请输入整数。"),
    ({"year": "1800", "result": "passed"}, "请输入1990到2100之间的整数。"),
    ({"year": "2025", "result": "great"}, "请从列表中选择。"),
    ({"year": "", "result": "passed"}, "请填写年度。"),
])
def test_inspection_bad_input(staff_client, org, data, message):
    response = staff_client.post(f"/organisations/{org.id}/records/inspection", data=data)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html


def test_blacklist_flag_with_date_and_note(staff_client, org):
    html = staff_client.post(f"/organisations/{org.id}/records/blacklist", data={"flagged": "y"}).get_data(as_text=True)
    assert "请填写列入名单的日期。" in html and "请填写原因或列入决定的文号。" in html
    staff_client.post(f"/organisations/{org.id}/records/blacklist",
                      data={"flagged": "y", "on": "2026-03-01", "note": "嘉民决〔2026〕12号 <b>x</b>"})
    db.session.refresh(org)
    assert org.blacklisted and org.blacklisted_on == date(2026, 3, 1)
    page = staff_client.get(f"/organisations/{org.id}").get_data(as_text=True)
    assert "已于2026-03-01列入" in page and "&lt;b&gt;x&lt;/b&gt;" in page
    staff_client.post(f"/organisations/{org.id}/records/blacklist", data={"note": "信用修复"})
    db.session.refresh(org)
    assert not org.blacklisted and org.blacklisted_on is None
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.object_id == org.id).order_by(AuditEvent.id))
    assert [e.action for e in events if "blacklist" in e.action] == ["organisation.blacklist",
                                                                     "organisation.unblacklist"]


def test_applicant_cannot_change_records_through_profile_edit(login, org):
    applicant = create_applicant(org)
    client = login(applicant)
    form = client.get(f"/organisations/{org.id}/edit").get_data(as_text=True)
    assert 'name="grade"' not in form and 'name="blacklisted"' not in form
    data = {"name": org.name, "org_type": org.org_type, "registration_date": "2015-01-01", "address": org.address,
            "district": org.district, "legal_representative": "张三", "contact_name": "李四",
            "contact_phone": "0573-88888888",
            # extra fields an applicant might try to slip in
            "grade": "5", "grade_assessed_on": "2026-01-01", "blacklisted": "", "status": "verified",
            "inspections-0-result": "passed"}
    assert client.post(f"/organisations/{org.id}/edit", data=data).status_code == 302
    db.session.refresh(org)
    assert org.grade == 3 and org.grade_assessed_on == date(2023, 6, 1)
    assert org.inspection_result(2024) == "passed"


def test_applicant_blocked_from_records_routes(login, org):
    client = login(create_applicant(org))
    assert client.get(f"/organisations/{org.id}/records").status_code == 403
    assert client.post(f"/organisations/{org.id}/records/grade", data={"grade": "5",
                                                                       "assessed_on": "2026-01-01"}).status_code == 403
    assert client.post(f"/organisations/{org.id}/records/blacklist", data={}).status_code == 403
    db.session.refresh(org)
    assert org.grade == 3 and not org.blacklisted
    assert "修改等级、年检和失信记录" not in client.get(f"/organisations/{org.id}").get_data(as_text=True)
