"""The public organisation page: verified organisations only; registration, inspections, grade
validity, the 失信 flag and enforcement records, approved disclosures only, projects with money
paid, contract announcements, award notices with how objections ended — and nothing private."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from grants.extensions import db
from grants.models import AnnualDisclosure, AwardNotice, Objection
from grants.services import disclosure
from tests.factories import create_org, create_user
from tests.public.helpers import funded


def _page(client, org):
    response = client.get(f"/public/organisations/{org.id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_only_verified_organisations_have_a_public_page(client):
    assert client.get(f"/public/organisations/{create_org(status='pending').id}").status_code == 404
    assert client.get(f"/public/organisations/{create_org(status='rejected').id}").status_code == 404
    assert client.get("/public/organisations/99999").status_code == 404


def test_registration_inspections_and_grade_with_its_validity(client):
    org = create_org(name="嘉兴市阳光社工服务中心", grade=4, grade_assessed_on=date(2023, 6, 1),
                     inspections=((2024, "passed"), (2025, "basic_pass")))
    html = _page(client, org)
    assert "嘉兴市阳光社工服务中心" in html and org.uscc in html and "2015-01-01" in html
    assert "4A" in html and "有效期至 2028-06-01" in html
    assert html.index("2025") < html.index("2024") and "基本合格" in html
    old = create_org(grade=5, grade_assessed_on=date(2019, 3, 1))
    assert "已于 2024-03-01 过期：视为无等级" in _page(client, old)


def test_enforcement_shows_the_flag_and_records_not_withdrawn(client):
    staff = create_user("staff")
    org = create_org(blacklisted=True, blacklisted_on=date(2025, 2, 3), blacklist_note="嘉民信〔2025〕3号")
    disclosure.add_enforcement(staff, org, decided_on=date(2025, 9, 12), kind="warning", authority="嘉兴市民政局",
                               summary="未按规定报送年度工作报告，予以警告。")
    wrong = disclosure.add_enforcement(staff, org, decided_on=date(2025, 3, 2), kind="fine",
                                       authority="嘉兴市民政局", summary="录错的记录")
    disclosure.withdraw_enforcement(staff, wrong, "录入错误")
    html = _page(client, org)
    assert "2025-02-03" in html and "嘉民信〔2025〕3号" in html
    assert "未按规定报送年度工作报告" in html and "警告" in html
    assert "录错的记录" not in html and "录入错误" not in html


def test_only_approved_disclosures_are_public(client):
    org = create_org()
    for year, status in ((2023, "approved"), (2024, "submitted"), (2025, "returned")):
        db.session.add(AnnualDisclosure(organisation_id=org.id, year=year, status=status,
                                        activities=f"{year}年主要活动", income=Decimal("1286400.00"),
                                        expenditure=Decimal("1193250.50"), net_assets=Decimal("-12800.00"),
                                        donations_received=Decimal("86000.00"), donations_use="健康包采购"))
    db.session.commit()
    html = _page(client, org)
    assert "2023年主要活动" in html and "¥1,286,400.00" in html and "¥1,193,250.50" in html
    assert "健康包采购" in html and "¥86,000.00" in html
    assert "2024年主要活动" not in html and "2025年主要活动" not in html


def test_projects_contracts_and_notices_with_objections_but_no_objector(client):
    org = create_org()
    award = funded("80000.00", org=org, title="长者关爱", paid=(1,))
    today = date(2026, 2, 20)
    db.session.add(AwardNotice(call_id=award.call_id, starts_on=today, ends_on=today + timedelta(days=6),
                               working_days=5))
    db.session.add(Objection(reference="YY-2026-0007", call_id=award.call_id, award_id=award.id, status="dismissed",
                             name="王举报", contact="13912345678", text="怀疑材料造假（内容不公开）",
                             resolution="经核查，申报材料属实，异议不成立。"))
    db.session.add(Objection(reference="YY-2026-0008", call_id=award.call_id, award_id=award.id, status="pending",
                             name="李待定", contact="li@example.org", text="待处理"))
    db.session.commit()
    html = _page(client, org)
    assert "长者关爱" in html and "¥80,000.00" in html and "累计资助 ¥80,000.00；已拨付 ¥40,000.00。" in html
    assert "TEST-2026-" in html  # the contract announcement
    assert "公示期 2026-02-20 至 2026-02-26" in html
    assert "YY-2026-0007" in html and "经核查，申报材料属实，异议不成立。" in html
    for private in ("王举报", "13912345678", "怀疑材料造假", "YY-2026-0008", "李待定", "li@example.org"):
        assert private not in html, private
    for private in (org.bank_account, org.contact_phone, org.contact_email, org.address, org.contact_name):
        assert private not in html, private


def test_the_page_takes_the_same_number_of_statements_for_few_and_many_projects(client):
    from grants.sqlcount import recorded_statements

    org = create_org()
    counts = []
    for n in (2, 10):
        while len(list(db.session.scalars(disclosure.funded_projects(disclosure.Filters(organisation_id=org.id))))) < n:
            award = funded(org=org, paid=(1,), evaluations=(("mid", "pass", "80"),))
            db.session.add(AwardNotice(call_id=award.call_id, starts_on=date(2026, 2, 2),
                                       ends_on=date(2026, 2, 6), working_days=5))
            db.session.add(Objection(reference=f"YY-{award.id}", call_id=award.call_id, award_id=award.id,
                                     status="dismissed", name="某人", contact="x", text="t", resolution="不成立"))
            db.session.commit()
        db.session.expire_all()
        with recorded_statements(db.engine) as seen:
            assert client.get(f"/public/organisations/{org.id}").status_code == 200
        counts.append(len(list(seen)))
    assert counts[0] == counts[1], counts
