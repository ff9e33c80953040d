"""Public disclosure: funded projects, their download, project and organisation pages (everyone);
the organisation's annual disclosures (its members write, staff approve or return); enforcement
records (staff, on the records pages)."""
from datetime import date
from decimal import Decimal

from tests.access import EVERYONE, STAFF, Rule, only
from tests.factories_finance import create_active_contract

RECORDS = only(STAFF, default=404, applicant=403)


def extend_world(w):
    from grants.extensions import db
    from grants.models import AnnualDisclosure
    from grants.services import disclosure

    w.pub_contract = create_active_contract("70000.00", org=w.org_a)
    w.pub_award = w.pub_contract.award
    w.pub_draft = AnnualDisclosure(organisation_id=w.org_a.id, year=2024, status="draft", activities="草稿")
    w.pub_submitted = AnnualDisclosure(organisation_id=w.org_a.id, year=2023, status="submitted", activities="活动",
                                       income=Decimal("1"), expenditure=Decimal("1"), net_assets=Decimal("0"),
                                       donations_received=Decimal("0"))
    db.session.add_all([w.pub_draft, w.pub_submitted])
    db.session.commit()
    w.pub_enforcement = disclosure.add_enforcement(w.users["staff"], w.org_a, decided_on=date(2025, 1, 2),
                                                   kind="warning", authority="嘉兴市民政局", summary="警告")


RULES = [
    Rule("public_disclosure.projects", "GET", lambda w: "/public/projects", only(EVERYONE)),
    Rule("public_disclosure.projects_export", "GET", lambda w: "/public/projects/export.csv", only(EVERYONE)),
    Rule("public_disclosure.project", "GET", lambda w: f"/public/projects/{w.pub_award.id}", only(EVERYONE)),
    Rule("public_disclosure.organisation", "GET", lambda w: f"/public/organisations/{w.org_a.id}", only(EVERYONE)),
    Rule("disclosures.index", "GET", lambda w: f"/organisations/{w.org_a.id}/disclosures",
         only(STAFF + ("applicant",), default=404)),
    Rule("disclosures.index", "POST", lambda w: f"/organisations/{w.org_a.id}/disclosures",
         only(("applicant",), default=404, staff=403, admin=403), visible=STAFF, data=lambda w: {"year": "2025"}),
    Rule("disclosures.review_queue", "GET", lambda w: "/organisations/disclosures/review", only(STAFF)),
    Rule("disclosures.edit", "GET", lambda w: f"/organisations/disclosures/{w.pub_draft.id}",
         only(STAFF + ("applicant",), default=404)),
    Rule("disclosures.edit", "POST", lambda w: f"/organisations/disclosures/{w.pub_draft.id}",
         only(("applicant",), default=404, staff=403, admin=403), visible=STAFF,
         data=lambda w: {"activities": "主要活动", "action": "save"}),
    Rule("disclosures.approve", "POST", lambda w: f"/organisations/disclosures/{w.pub_submitted.id}/approve",
         RECORDS, visible=("applicant",), data=lambda w: {}),
    Rule("disclosures.return_", "POST", lambda w: f"/organisations/disclosures/{w.pub_submitted.id}/return",
         RECORDS, visible=("applicant",), data=lambda w: {"reason": "请补充"}),
    Rule("organisation_records.enforcement", "POST", lambda w: f"/organisations/{w.org_a.id}/records/enforcement",
         RECORDS, visible=("applicant",),
         data=lambda w: {"decided_on": "2025-01-01", "kind": "fine", "authority": "嘉兴市民政局", "summary": "罚款"}),
    Rule("organisation_records.withdraw_enforcement", "POST",
         lambda w: f"/organisations/{w.org_a.id}/records/enforcement/{w.pub_enforcement.id}/withdraw",
         RECORDS, visible=("applicant",), data=lambda w: {"reason": "录入错误"}),
]
