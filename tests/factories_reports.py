"""Factories for milestones, reports and evaluations: an active contract (milestones created on
activation) and helpers to fill and submit reports."""
from __future__ import annotations

from decimal import Decimal

from grants.services import contracts, reports
from tests.factories import create_applicant, create_user
from tests.factories_awards import create_award

PNG_BYTES = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
             b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")


def create_active_contract(org=None, *, staff=None, applicant=None, call=None, amount="80000.00"):
    """A confirmed award of `org` with its contract generated, signed and put in force."""
    award = create_award(call, org, amount=amount)
    staff = staff or create_user("staff")
    applicant = applicant or create_applicant(award.organisation)
    contract = contracts.generate(staff, award)
    contracts.upload_signed(applicant, contract, "signed.png", PNG_BYTES)
    contracts.activate(staff, contract)
    return contract


def complete_data(report, *, narrative="完成上门探访320人次，举办健康讲座4场。", actual="640", spent="20000") -> dict:
    """Draft data that makes `report` complete (every indicator and budget category filled)."""
    return {
        "narrative": narrative, "beneficiaries_served": 120, "person_times": 640,
        "service_hours": Decimal("350.5"), "volunteers": 25,
        "kpi_actuals": {row["indicator_id"]: Decimal(actual) for row in reports.kpi_rows(report)},
        "spending": {row["category"]: Decimal(spent) for row in reports.spending_rows(report)},
    }


def submitted_report(contract, applicant, number=1, **kwargs):
    report = reports.milestones_of(contract)[number - 1].report
    reports.save_draft(applicant, report, complete_data(report, **kwargs))
    reports.submit(applicant, report)
    return report
