"""The disclosure seed step: approved, submitted, returned and draft disclosures and enforcement
records (one withdrawn), made once however often the demo is loaded."""
from __future__ import annotations

from sqlalchemy import select

from grants.extensions import db
from grants.models import AnnualDisclosure, EnforcementRecord


def test_the_demo_has_disclosures_in_every_state_and_enforcement_records(runner, client):
    for _ in range(2):
        result = runner.invoke(args=["seed-demo"])
        assert result.exit_code == 0, result.output
    statuses = sorted(db.session.scalars(select(AnnualDisclosure.status)))
    assert statuses == ["approved", "draft", "returned", "submitted"]
    records = list(db.session.scalars(select(EnforcementRecord).order_by(EnforcementRecord.id)))
    assert [(r.kind, r.withdrawn_at is not None) for r in records] == [
        ("warning", False), ("fine", True), ("abnormal_list", False)]
    approved = db.session.scalar(select(AnnualDisclosure).where(AnnualDisclosure.status == "approved"))
    html = client.get(f"/public/organisations/{approved.organisation_id}").get_data(as_text=True)
    assert "¥1,286,400.00" in html and "健康包采购" in html
    home = client.get("/").get_data(as_text=True)
    assert 'id="total-person-times">812<' in home  # the demo's one accepted report
