"""Public disclosure in the browser: a visitor (no login) sees the city's figures on the home
page, browses the funded projects, filters them, opens a project and its organisation; an
organisation writes its annual disclosure, staff approve it and it appears on the public page.
Screenshots at 1280 px and 390 px."""
from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from grants.extensions import db
from grants.models import AnnualDisclosure
from grants.services import disclosure
from tests.browser.conftest import log_in, log_out
from tests.factories import PASSWORD, create_applicant, create_call, create_org, create_user
from tests.public.helpers import funded


def _city():
    staff = create_user("staff", name="陈主任", email="pub-staff@example.org")
    call = create_call(status="decided", title="2026年度嘉兴市公益创投项目")
    sunshine = create_org(name="嘉兴市南湖区阳光长者服务中心", district="南湖区", grade=4,
                          grade_assessed_on=date(2023, 6, 1))
    youth = create_org(name="海宁市青苗青少年发展中心", district="海宁市", grade=3, grade_assessed_on=date(2019, 5, 1))
    care = funded("120000.00", org=sunshine, call=call, title="“银龄守望”独居老人关爱项目", paid=(1,),
                  reports=(("accepted", 812, "1260.5", 42), ("submitted", 1046, "1580", 51)),
                  evaluations=(("mid", "pass", "87.25"),), confirmed=datetime(2026, 3, 2, 2, 0, tzinfo=UTC))
    funded("80000.00", org=youth, call=call, category="youth", title="青苗课后成长营",
           reports=(("accepted", 640, "350.5", 25),), confirmed=datetime(2026, 3, 2, 2, 0, tzinfo=UTC))
    funded("60000.00", category="community", title="邻里议事会能力建设", confirmed=datetime(2025, 4, 1, tzinfo=UTC))
    disclosure.add_enforcement(staff, youth, decided_on=date(2025, 9, 12), kind="warning", authority="海宁市民政局",
                               summary="未按规定报送2024年度工作报告，责令限期改正并予以警告。")
    db.session.add(AnnualDisclosure(
        organisation_id=sunshine.id, year=2025, status="approved", reviewed_at=datetime(2026, 3, 20, tzinfo=UTC),
        activities="全年上门探访独居老人2,460人次，举办健康讲座18场。", income=Decimal("1286400.00"),
        expenditure=Decimal("1193250.50"), net_assets=Decimal("412780.35"), donations_received=Decimal("86000.00"),
        donations_use="全部用于健康包采购和紧急呼叫设备安装。"))
    db.session.commit()
    return staff, sunshine, youth, care


def test_a_visitor_browses_funded_projects_and_opens_a_project_and_an_organisation(page, shot):
    _staff, sunshine, youth, care = _city()
    page.goto(page.base + "/")
    assert page.inner_text("#total-orgs") == "3"
    assert page.inner_text("#total-awarded") == "¥260,000.00"
    assert page.inner_text("#total-person-times") == "1,452"
    shot(page, "public-1-home-figures")

    page.click("nav >> text=资助项目")
    page.wait_for_load_state()
    assert page.locator("#funded-projects tbody tr").count() == 3
    shot(page, "public-2-projects")
    page.select_option("#filter-category", "elderly")
    page.click("#project-filters button[type=submit]")
    page.wait_for_load_state()
    rows = page.locator("#funded-projects tbody tr")
    assert rows.count() == 1
    assert "¥60,000.00" in rows.first.inner_text() and "87.25" in rows.first.inner_text()
    shot(page, "public-3-projects-filtered")

    page.click("text=“银龄守望”独居老人关爱项目")
    page.wait_for_load_state()
    assert page.inner_text("#project-paid") == "¥60,000.00"
    assert "已报告并通过验收" in page.inner_text("#project-milestones")
    assert "812" in page.inner_text("#project-figures")
    shot(page, "public-4-project")

    page.click("#project-org")
    page.wait_for_load_state()
    assert "4A" in page.inner_text("#org-grade") and "有效期至 2028-06-01" in page.inner_text("#org-grade")
    assert "¥1,286,400.00" in page.inner_text("#org-disclosures")
    assert sunshine.contact_phone not in page.content() and sunshine.address not in page.content()
    shot(page, "public-5-organisation")

    page.goto(f"{page.base}/public/organisations/{youth.id}")
    assert "警告" in page.inner_text("#enforcement-records")
    assert "过期" in page.inner_text("#org-grade")
    shot(page, "public-6-organisation-enforcement")

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(page.base + "/public/projects")
    shot(page, "public-7-projects-390")
    page.goto(f"{page.base}/public/projects/{care.id}")
    shot(page, "public-8-project-390")
    page.goto(f"{page.base}/public/organisations/{sunshine.id}")
    shot(page, "public-9-organisation-390")
    page.goto(page.base + "/")
    shot(page, "public-10-home-390")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the home page scrolls sideways at 390 px ({width} px)"


def test_an_organisation_discloses_its_year_and_staff_publish_it(page, shot):
    page.on("dialog", lambda dialog: dialog.accept())
    org = create_org(name="嘉兴市秀洲区红马甲志愿服务中心", district="秀洲区")
    member = create_applicant(org, email="pub-member@example.org", name="沈干事")
    staff = create_user("staff", name="陈主任", email="pub-staff2@example.org")
    log_in(page, member.email, PASSWORD)
    page.goto(f"{page.base}/organisations/{org.id}/disclosures")
    page.select_option("#year", "2025")
    page.click("#start-button")
    page.wait_for_load_state()
    page.fill("#activities", "组织志愿者开展社区巡防和敬老服务，全年服务3,200人次。")
    page.fill("#income", "52.3万")
    page.fill("#expenditure", "498,760")
    page.fill("#net_assets", "96540")
    page.fill("#donations_received", "12000")
    shot(page, "public-11-disclosure-form")
    page.click("#submit-disclosure")
    page.wait_for_load_state()
    assert "请说明所接受捐赠的使用情况。" in page.content()
    page.fill("#donations_use", "用于志愿者保险和服务物资。")
    page.click("#submit-disclosure")
    page.wait_for_load_state()
    assert "民政局审核中" in page.inner_text("#disclosure-status")
    log_out(page)

    log_in(page, staff.email, PASSWORD)
    page.goto(page.base + "/organisations/")
    page.click("#disclosure-queue-link")
    page.wait_for_load_state()
    page.click("#disclosure-queue a")
    page.wait_for_load_state()
    shot(page, "public-12-disclosure-review")
    page.click("#approve-disclosure")
    page.wait_for_load_state()
    assert "已审核通过并公开" in page.inner_text("#disclosure-status")
    log_out(page)

    page.goto(f"{page.base}/public/organisations/{org.id}")
    text = page.inner_text("#org-disclosures")
    assert "¥523,000.00" in text and "用于志愿者保险和服务物资。" in text
    shot(page, "public-13-disclosure-public")
