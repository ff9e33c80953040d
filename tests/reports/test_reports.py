"""Milestone reports: milestones on activation, drafts that keep what is valid, submission with
frozen versions, return and resubmission with a diff, the late flag, evidence and reminders."""
from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from grants.extensions import db
from grants.models import AuditEvent, OutboxMessage, ProposedMilestone, ReportVersion
from grants.services import ServiceError
from grants.services import reports as service
from grants.timeutil import local_today
from tests.factories import create_applicant, create_org, create_user
from tests.factories_reports import PNG_BYTES, complete_data, create_active_contract, submitted_report


@pytest.fixture
def staff():
    return create_user("staff", email="reports-staff@example.org")


@pytest.fixture
def grantee():
    org = create_org(name="嘉兴市南湖区阳光社会工作服务中心")
    return create_applicant(org, email="grantee@example.org")


@pytest.fixture
def contract(staff, grantee):
    return create_active_contract(grantee.organisation, staff=staff, applicant=grantee)


def _first(contract):
    return service.milestones_of(contract)[0].report


def test_activation_creates_milestones_in_due_date_order_with_draft_reports(staff, grantee):
    from tests.factories_awards import create_award

    award = create_award(org=grantee.organisation)
    proposal = award.proposal
    proposal.milestones = [  # entered out of order: the contract numbers them by due date
        ProposedMilestone(position=0, title="结项", due_date=date(2027, 12, 31), deliverable="结项报告"),
        ProposedMilestone(position=1, title="启动", due_date=date(2027, 3, 31), deliverable="启动报告"),
        ProposedMilestone(position=2, title="中期", due_date=date(2027, 6, 30), deliverable="中期报告"),
    ]
    db.session.commit()
    from grants.services import contracts

    contract = contracts.generate(staff, award)
    contracts.upload_signed(grantee, contract, "signed.png", PNG_BYTES)
    assert service.milestones_of(contract) == []
    contracts.activate(staff, contract)
    milestones = service.milestones_of(contract)
    assert [(m.number, m.title, m.is_final) for m in milestones] == [(1, "启动", False), (2, "中期", False),
                                                                     (3, "结项", True)]
    assert all(m.report.status == "draft" for m in milestones)


def test_the_contract_page_links_to_milestones(contract, grantee, login, client):
    login(grantee)
    page = client.get(f"/contracts/{contract.id}").get_data(as_text=True)
    assert f"/reports/contracts/{contract.id}" in page
    overview = client.get(f"/reports/contracts/{contract.id}").get_data(as_text=True)
    assert "中期" in overview and "结项" in overview and "填写报告" in overview


def test_a_draft_with_bad_fields_keeps_the_valid_ones(contract, grantee, login, client):
    report = _first(contract)
    kpi = service.kpi_rows(report)[0]
    login(grantee)
    response = client.post(f"/reports/{report.id}/edit", data={
        "action": "save", "narrative": "已完成上门探访。", "beneficiaries_served": "120",
        "person_times": "很多", "service_hours": "35.5", "volunteers": "-3",
        "kpi_actuals-0-indicator_id": str(kpi["indicator_id"]), "kpi_actuals-0-actual": "abc",
        "spending-0-category": "personnel", "spending-0-spent": "1.5万",
    })
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "没有错误的内容已保存" in page
    assert "很多" in page and "abc" in page  # what was typed is shown back
    db.session.expire_all()
    assert report.narrative == "已完成上门探访。"
    assert report.beneficiaries_served == 120 and report.service_hours == Decimal("35.5")
    assert report.person_times is None and report.volunteers is None
    assert {r["category"]: r["spent"] for r in report.spending}["personnel"] == "15000.00"
    assert service.kpi_rows(report)[0]["actual"] is None


def test_an_incomplete_report_cannot_be_submitted(contract, grantee):
    report = _first(contract)
    service.save_draft(grantee, report, {"narrative": "只写了一半"})
    with pytest.raises(ServiceError) as exc:
        service.submit(grantee, report)
    assert "person_times" in exc.value.field_errors and "kpi_actuals" in exc.value.field_errors
    assert report.status == "draft" and report.versions == []


def test_submit_return_resubmit_keeps_versions_and_the_diff_shows_the_change(contract, grantee, staff, login,
                                                                                client):
    report = submitted_report(contract, grantee, actual="600")
    assert report.status == "submitted"
    with pytest.raises(ServiceError):
        service.save_draft(grantee, report, {"narrative": "提交后不能改"})
    with pytest.raises(ServiceError) as exc:
        service.return_for_changes(staff, report, "  ")
    assert "请说明需要修改的内容" in exc.value.message
    service.return_for_changes(staff, report, "探访人次与签到表不符，请核对。")
    assert report.status == "returned"
    data = complete_data(report, actual="640")
    service.save_draft(grantee, report, data)
    service.submit(grantee, report)
    db.session.expire_all()
    versions = db.session.scalars(select(ReportVersion).where(ReportVersion.report_id == report.id)
                                  .order_by(ReportVersion.number)).all()
    assert [v.number for v in versions] == [1, 2]
    assert versions[0].data["kpi_actuals"][0]["actual"] == "600"
    assert versions[1].data["kpi_actuals"][0]["actual"] == "640"
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "report")
                                 .order_by(AuditEvent.id)).all()
    assert actions == ["report.submit", "report.return", "report.resubmit"]
    changes = service.diff(versions[0], versions[1])
    assert [(c["label"], c["before"], c["after"]) for c in changes] == [("探访人次", "600 / 1200.00 人次",
                                                                         "640 / 1200.00 人次")]
    login(staff)
    page = client.get(f"/reports/{report.id}/versions/2").get_data(as_text=True)
    assert "与第 1 版相比的改动" in page and "600 / 1200.00" in page and "640 / 1200.00" in page
    assert client.get(f"/reports/{report.id}/versions/3").status_code == 404


def test_staff_accept_and_the_grantee_is_told(contract, grantee, staff, login, client):
    report = submitted_report(contract, grantee)
    staff_mail = db.session.scalar(select(OutboxMessage).where(OutboxMessage.to_address == staff.email,
                                                               OutboxMessage.kind == "report.submit"))
    assert staff_mail.subject == f"合同 {contract.number} 第 1 个里程碑报告已提交"
    login(staff)
    response = client.post(f"/reports/{report.id}/review", data={"decision": "accept", "comment": "材料齐全"})
    assert response.status_code == 302
    db.session.expire_all()
    assert report.status == "accepted" and report.reviewed_by_id == staff.id
    mail = db.session.scalar(select(OutboxMessage).where(OutboxMessage.to_address == grantee.email,
                                                         OutboxMessage.kind == "report.accept"))
    assert "已验收" in mail.subject and "材料齐全" in mail.body
    from grants.services import tranche_conditions

    assert tranche_conditions.milestone_accepted(contract, 1)


def test_late_after_due_date_plus_the_calls_grace_days(contract, grantee):
    report = _first(contract)
    call = contract.call
    call.report_grace_days = 3
    db.session.commit()
    due = report.milestone.due_date
    assert service.deadline(report) == due + timedelta(days=3)
    assert not service.is_late(report, today=due + timedelta(days=3))
    assert service.is_late(report, today=due + timedelta(days=4))


def test_the_default_grace_is_ten_days_and_the_staff_list_flags_late_reports(contract, grantee, staff, login,
                                                                             client):
    assert contract.call.report_grace_days == 10
    first, second = service.milestones_of(contract)
    first.due_date = local_today() - timedelta(days=11)  # past due + 10 grace days
    second.due_date = local_today() - timedelta(days=10)  # still within the grace days
    db.session.commit()
    login(staff)
    page = client.get(f"/reports/calls/{contract.call_id}").get_data(as_text=True)
    rows = page.split('<tbody>')[1].split('</tbody>')[0].split("<tr>")[1:]
    assert "逾期" in rows[0] and first.title in rows[0]
    assert "逾期" not in rows[1] and second.title in rows[1]


def test_a_report_submitted_after_the_deadline_stays_late(contract, grantee):
    report = _first(contract)
    report.milestone.due_date = local_today() - timedelta(days=30)
    db.session.commit()
    submitted_report(contract, grantee)
    assert service.is_late(report)


def test_evidence_follows_the_upload_rules_and_is_frozen_with_the_version(contract, grantee, login, client):
    report = _first(contract)
    login(grantee)
    bad = client.post(f"/reports/{report.id}/evidence", data={"file": (io.BytesIO(b"MZ\x90\x00exe"), "照片.png")})
    assert bad.status_code == 422
    assert "不接受此文件类型。请上传 PDF、JPEG、PNG、DOCX 或 XLSX 文件。" in bad.get_data(as_text=True)
    assert report.evidence == []
    ok = client.post(f"/reports/{report.id}/evidence", data={"file": (io.BytesIO(PNG_BYTES), "../签到表.png")})
    assert ok.status_code == 302
    (evidence,) = report.evidence
    assert evidence.original_name == "签到表.png"
    download = client.get(f"/reports/{report.id}/evidence/{evidence.id}")
    assert download.get_data() == PNG_BYTES
    download.close()
    service.save_draft(grantee, report, complete_data(report))
    version = service.submit(grantee, report)
    assert version.data["evidence"] == [{"id": evidence.id, "name": "签到表.png",
                                         "sha256": evidence.stored_file.sha256}]
    with pytest.raises(ServiceError):
        service.delete_evidence(grantee, evidence)


def test_another_organisation_cannot_touch_the_report(contract):
    stranger = create_applicant(create_org(name="别的组织"))
    with pytest.raises(ServiceError):
        service.save_draft(stranger, _first(contract), {"narrative": "篡改"})


def test_reminders_are_queued_once_before_the_due_date_and_once_when_overdue(contract, grantee, runner):
    first, second = service.milestones_of(contract)
    first.due_date = local_today() + timedelta(days=5)
    second.due_date = local_today() - timedelta(days=1)
    db.session.commit()

    def mails():
        return db.session.scalar(select(func.count()).select_from(OutboxMessage)
                                 .where(OutboxMessage.to_address == grantee.email,
                                        OutboxMessage.kind.like("report.remind%")))

    result = runner.invoke(args=["milestones", "remind", "--days", "7"])
    assert result.exit_code == 0, result.output
    assert "due_soon=1 overdue=1" in result.output
    assert mails() == 2
    again = runner.invoke(args=["milestones", "remind", "--days", "7"])
    assert "due_soon=0 overdue=0" in again.output
    assert mails() == 2
    subjects = db.session.scalars(select(OutboxMessage.subject).where(OutboxMessage.to_address == grantee.email,
                                                                     OutboxMessage.kind.like("report.remind%")))
    assert sorted(subjects) == sorted([f"第 1 个里程碑报告将于 {first.due_date.isoformat()} 到期",
                                       "第 2 个里程碑报告已逾期"])


def test_submitted_reports_get_no_reminders(contract, grantee):
    first = service.milestones_of(contract)[0]
    first.due_date = local_today() - timedelta(days=1)
    db.session.commit()
    submitted_report(contract, grantee)
    assert service.remind(days=7) == {"due_soon": 0, "overdue": 0}


NUMBERS = st.one_of(st.text(max_size=30), st.integers(min_value=-10**30, max_value=10**30).map(str),
                    st.decimals(allow_nan=True, allow_infinity=True).map(str),
                    st.sampled_from(["1e999", "-0", "３５", "1,000", "0.05", "NaN", "٣", "1.5万", "１２.５"]))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(person_times=NUMBERS, hours=NUMBERS, actual=NUMBERS, spent=NUMBERS)
def test_any_numbers_typed_into_a_report_get_a_page_never_a_500(contract, grantee, login, person_times, hours,
                                                                 actual, spent):
    report = _first(contract)
    kpi_id = service.kpi_rows(report)[0]["indicator_id"]
    client = login(grantee)
    response = client.post(f"/reports/{report.id}/edit", data={
        "action": "save", "narrative": "x", "person_times": person_times, "service_hours": hours,
        "kpi_actuals-0-indicator_id": str(kpi_id), "kpi_actuals-0-actual": actual,
        "spending-0-category": "personnel", "spending-0-spent": spent,
    })
    assert response.status_code in (302, 422)
    if response.status_code == 422:
        assert "请更正" in response.get_data(as_text=True)
