"""The demo data carries the contract in force through reports and a mid-term evaluation."""
from __future__ import annotations

from sqlalchemy import select

from grants.extensions import db
from grants.models import Evaluation, Report, User


def test_seed_demo_reports_and_evaluates_the_contract_in_force(runner):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "evaluator@demo.jx.gov.cn" in result.output
    statuses = sorted(db.session.scalars(select(Report.status).where(Report.status != "draft")))
    assert statuses == ["accepted", "submitted"]
    evaluation = db.session.scalar(select(Evaluation))
    evaluator = db.session.scalar(select(User).where(User.email == "evaluator@demo.jx.gov.cn"))
    assert (evaluation.kind, evaluation.status, evaluation.conclusion) == ("mid", "submitted", "pass")
    assert evaluation.evaluator_id == evaluator.id and evaluation.report_file_id is not None
