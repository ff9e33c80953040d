"""Milestone reports in the browser: the grantee opens its contract's milestones, saves a draft
with one bad figure (the rest is kept), corrects it, attaches evidence and submits; staff open
the call's report list and accept it. Screenshots of each step."""
from __future__ import annotations

from sqlalchemy import select

from grants.extensions import db
from grants.models import Report
from grants.services import reports
from tests.browser.conftest import log_in, log_out
from tests.factories import PASSWORD, create_applicant, create_org, create_user
from tests.factories_reports import create_active_contract


def test_the_grantee_reports_a_milestone_and_staff_accept_it(page, live_server, shot, tmp_path):
    page.on("dialog", lambda dialog: dialog.accept())
    staff = create_user("staff", name="陈主任", email="report-staff@example.org")
    org = create_org(name="嘉兴市南湖区阳光社会工作服务中心")
    member = create_applicant(org, name="周静", email="report-grantee@example.org")
    contract = create_active_contract(org, staff=staff, applicant=member)
    report = reports.milestones_of(contract)[0].report

    log_in(page, member.email, PASSWORD)
    page.goto(f"{page.base}/contracts/{contract.id}")
    page.click("#milestones-link")
    page.wait_for_load_state()
    assert "中期" in page.inner_text("#milestones")
    shot(page, "reports-1-milestones")
    page.click("#milestones a:has-text('填写报告') >> nth=0")
    page.wait_for_load_state()
    page.fill("#narrative", "完成上门探访，建立服务档案120份。")
    page.fill("#beneficiaries_served", "120")
    page.fill("#person_times", "很多")
    page.fill("#service_hours", "350.5")
    page.fill("#volunteers", "25")
    page.fill("#kpi_actuals-0-actual", "640")
    for i in range(page.locator("input[id$='-spent']").count()):
        page.fill(f"#spending-{i}-spent", "2万")
    page.click("#save-report")
    page.wait_for_load_state()
    assert "没有错误的内容已保存" in page.content()
    assert page.input_value("#person_times") == "很多"
    shot(page, "reports-2-draft-with-an-error")
    db.session.expire_all()
    assert db.session.get(Report, report.id).narrative == "完成上门探访，建立服务档案120份。"

    page.fill("#person_times", "640")
    page.click("#save-report")
    page.wait_for_load_state()
    evidence = tmp_path / "签到表.pdf"
    evidence.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    page.set_input_files("#file", str(evidence))
    page.click("#upload-evidence")
    page.wait_for_load_state()
    assert "签到表.pdf" in page.inner_text("#evidence")
    page.click("#submit-report")
    page.wait_for_load_state()
    assert "报告已提交" in page.content()
    shot(page, "reports-3-submitted")
    log_out(page)

    log_in(page, staff.email, PASSWORD)
    page.goto(f"{page.base}/contracts/calls/{contract.call_id}")
    page.click("#call-reports-link")
    page.wait_for_load_state()
    assert "已提交" in page.inner_text("#call-reports")
    page.click(f"#call-reports a[href='/reports/{report.id}']")
    page.wait_for_load_state()
    assert "640" in page.inner_text("#report-figures")
    page.select_option("#decision", "accept")
    page.fill("#comment", "材料齐全，验收通过。")
    page.click("#review-report")
    page.wait_for_load_state()
    assert "报告已验收通过" in page.content()
    assert "已验收" in page.inner_text("#report-status")
    shot(page, "reports-4-accepted")
    db.session.expire_all()
    assert db.session.scalar(select(Report.status).where(Report.id == report.id)) == "accepted"
