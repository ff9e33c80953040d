"""The panel seed step on top of the core demo data and a closed call."""
from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select

from grants.extensions import db
from grants.models import Conflict, PanelMember, ReviewAssignment
from grants.seed import core, panel
from tests.factories import create_call, create_proposal


def _ctx():
    ctx = {"logins": []}
    core.run(ctx)
    call = create_call(status="closed", title="2026年度嘉兴市公益创投", reviewers_per_proposal=3)
    for org in ctx["organisations"][:12]:
        create_proposal(call, org, status="screened_in")
    ctx["closed_call"] = call
    return ctx


def test_panel_seed_is_complete_and_idempotent():
    ctx = _ctx()
    panel.run(ctx)
    counts = (db.session.scalar(select(func.count(PanelMember.id))),
              db.session.scalar(select(func.count(Conflict.id))),
              db.session.scalar(select(func.count(ReviewAssignment.id))))
    assert counts[0] == 7 and counts[1] == 2  # the standing conflict and the declared one
    statuses = Counter(db.session.scalars(select(ReviewAssignment.status)))
    assert statuses == {"cleared": 36, "recused": 1}
    assert len(ctx["assignments"]) == 36
    per_proposal = Counter(a.proposal_id for a in ctx["assignments"])
    assert set(per_proposal.values()) == {3}
    panel.run(ctx)
    assert (db.session.scalar(select(func.count(PanelMember.id))),
            db.session.scalar(select(func.count(Conflict.id))),
            db.session.scalar(select(func.count(ReviewAssignment.id)))) == counts


def test_panel_seed_without_a_closed_call_does_nothing():
    ctx = {"logins": []}
    core.run(ctx)
    panel.run(ctx)
    assert ctx["assignments"] == [] and db.session.scalar(select(func.count(PanelMember.id))) == 0
