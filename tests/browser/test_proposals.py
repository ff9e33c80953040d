"""An applicant fills in a proposal with a budget (adding a row with the button) and an attachment,
submits it; staff find it on the screening list and pass it."""
from __future__ import annotations

from grants.extensions import db
from grants.models import Proposal
from tests.browser.conftest import log_in, log_out
from tests.factories import PASSWORD, create_applicant, create_call, create_org, create_user
from tests.factories_proposals import PDF_BYTES


def test_applicant_submits_and_staff_screens(page, shot, tmp_path):
    call = create_call(title="2027年度嘉兴市公益创投项目征集", per_project_cap="80000.00")
    org = create_org(name="嘉兴市阳光家庭社工事务所")
    applicant = create_applicant(org, name="沈丽萍", email="shen@example.org")
    create_user("staff", name="王晓燕", email="wang@example.org")

    log_in(page, applicant.email, PASSWORD)
    page.goto(page.base + f"/proposals/calls/{call.id}/new")
    page.click("#start-proposal")
    page.wait_for_load_state()
    assert "/edit" in page.url

    page.fill("#title", "“银龄食堂”社区助餐服务")
    page.select_option("#category", "elderly")
    page.fill("#summary", "在社区设立助餐点，为高龄独居老人提供午餐。")
    page.fill("#need_analysis", "辖区80岁以上独居老人约450人，就餐困难。")
    page.fill("#objectives", "每周助餐5天，满意度90%以上。")
    page.fill("#beneficiaries", "社区高龄独居老人")
    page.fill("#beneficiary_count", "１２０")  # full-width digits are accepted
    page.fill("#activities", "助餐、探访、健康讲座")
    page.fill("#start_date", "2027-01-01")
    page.fill("#end_date", "2027-12-31")
    page.fill("#indicators-0-name", "助餐人次")
    page.fill("#indicators-0-target", "24000")
    page.fill("#indicators-0-unit", "人次")
    page.fill("#milestones-0-title", "中期评估")
    page.fill("#milestones-0-due_date", "2027-06-30")
    page.fill("#milestones-0-deliverable", "中期报告")
    rows = [("personnel", "项目社工补贴", "2000", "10", "grant"),
            ("activities", "助餐补贴", "12.50", "4800", "grant"),
            ("materials", "餐具与保温箱（配套）", "20000", "1", "matching")]
    # two spare rows are on the page; the button adds the third
    page.click("button.add-row[data-for=budget_lines]")
    for i, (cat, desc, price, qty, paid) in enumerate(rows):
        page.select_option(f"#budget_lines-{i}-category", cat)
        page.fill(f"#budget_lines-{i}-description", desc)
        page.fill(f"#budget_lines-{i}-unit_price", price)
        page.fill(f"#budget_lines-{i}-quantity", qty)
        page.select_option(f"#budget_lines-{i}-funded_by", paid)
    page.fill("#amount_requested", "80,000")
    page.fill("#matching_funds", "20000")
    page.fill("#matching_source", "机构自筹")
    shot(page, "proposals-01-applicant-form")
    page.click("#save-draft")
    page.wait_for_load_state()
    assert "草稿已保存" in page.content()
    assert page.inner_text("#grant-total") == "¥80,000.00"

    pdf = tmp_path / "项目申报书.pdf"
    pdf.write_bytes(PDF_BYTES)
    page.set_input_files("#file", str(pdf))
    page.click("#upload-file")
    page.wait_for_load_state()
    assert "项目申报书.pdf" in page.inner_text("#attachment-list")
    shot(page, "proposals-02-draft-with-attachment")

    page.once("dialog", lambda dialog: dialog.accept())  # the step asks for confirmation
    page.click("#submit-proposal")
    page.wait_for_load_state()
    assert "申报书已提交" in page.content()
    assert page.inner_text("#proposal-status") == "已提交：等待资格审核"
    shot(page, "proposals-03-submitted")
    page.goto(page.base + "/dashboard")
    assert "“银龄食堂”社区助餐服务" in page.inner_text("#my-proposals")
    shot(page, "proposals-04-dashboard-timeline")
    log_out(page)

    log_in(page, "wang@example.org", PASSWORD)
    page.goto(page.base + f"/proposals/calls/{call.id}/screening")
    assert "“银龄食堂”社区助餐服务" in page.inner_text("#screening-table")
    assert "¥80,000.00" in page.inner_text("#screening-table")
    shot(page, "proposals-05-screening-list")
    page.click("#screening-table a")
    page.wait_for_load_state()
    page.select_option("#decision", "pass")
    page.fill("#reason", "材料齐全，符合申报条件。")
    shot(page, "proposals-06-screening-decision")
    page.once("dialog", lambda dialog: dialog.accept())  # the decision asks for confirmation
    page.click("#screen-submit")
    page.wait_for_load_state()
    assert "资格审核结论已记录" in page.content()
    assert page.inner_text("#proposal-status") == "资格审核通过"
    db.session.expire_all()
    proposal = db.session.scalars(db.select(Proposal)).one()
    assert proposal.status == "screened_in" and proposal.snapshot["attachments"][0]["name"] == "项目申报书.pdf"
    shot(page, "proposals-07-screened-in")
