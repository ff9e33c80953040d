"""Demo proposals: ~30 submitted to the closed call, four screened out with reasons, a draft for org1;
valid budgets and idempotent."""
from __future__ import annotations

from sqlalchemy import func, select

from grants.extensions import db
from grants.models import Proposal
from grants.seed import calls as seed_calls
from grants.seed import core as seed_core
from grants.seed import proposals as seed_proposals
from grants.services import proposals as service


def _run_twice(app):
    for _ in range(2):
        ctx = {"logins": []}
        with app.test_request_context():
            seed_core.run(ctx)
            seed_calls.run(ctx)
            seed_proposals.run(ctx)
    return ctx


def test_seed_proposals(app):
    ctx = _run_twice(app)
    closed, open_call = ctx["closed_call"], ctx["open_call"]
    rows = db.session.scalars(select(Proposal).where(Proposal.call_id == closed.id)).all()
    assert len(rows) == 30
    statuses = [p.status for p in rows]
    assert statuses.count("screened_out") == 4 and statuses.count("screened_in") == 26
    assert len(ctx["screened_in"]) == 26
    assert all(p.screening_note for p in rows if p.status == "screened_out")
    assert len({p.organisation_id for p in rows}) >= 10
    for p in rows:
        assert p.amount_requested <= closed.per_project_cap
        assert service.grant_total(p) == p.amount_requested and service.matching_total(p) == p.matching_funds
        assert p.snapshot["call"]["rubric"] and p.submitted_at <= closed.closes_at
    # the screened-in ones pass every budget rule of the call (eligibility is judged at the closing date)
    fields, _ = service.problems(ctx["screened_in"][0], now=closed.closes_at)
    assert fields == {}
    drafts = db.session.scalars(select(Proposal).where(Proposal.call_id == open_call.id)).all()
    assert [d.status for d in drafts] == ["draft"] and drafts[0].organisation_id == ctx["organisations"][0].id
    assert db.session.scalar(select(func.count()).select_from(Proposal)) == 31


