"""Factories for the review panel (area "panel")."""
from __future__ import annotations

from grants.extensions import db
from grants.models import Conflict, PanelMember, ReviewAssignment
from tests.factories import create_user


def create_reviewer(name=None, affiliation=None, **kwargs):
    return create_user("reviewer", name=name, affiliation=affiliation, **kwargs)


def add_to_panel(call, *reviewers, affiliation=None):
    rows = []
    for reviewer in reviewers:
        row = PanelMember(call_id=call.id, reviewer_id=reviewer.id, affiliation=affiliation)
        db.session.add(row)
        rows.append(row)
    db.session.commit()
    return rows[0] if len(rows) == 1 else rows


def create_panel(call, n=5, **kwargs):
    reviewers = [create_reviewer(**kwargs) for _ in range(n)]
    add_to_panel(call, *reviewers)
    return reviewers


def create_assignment(proposal, reviewer, status="assigned", on_panel=True):
    if on_panel and not db.session.query(PanelMember).filter_by(call_id=proposal.call_id,
                                                                reviewer_id=reviewer.id).first():
        add_to_panel(proposal.call, reviewer)
    assignment = ReviewAssignment(proposal_id=proposal.id, reviewer_id=reviewer.id, status=status)
    db.session.add(assignment)
    db.session.commit()
    return assignment


def create_conflict(reviewer, proposal=None, organisation=None, conflict_type="family", note="亲属关系"):
    conflict = Conflict(reviewer_id=reviewer.id, proposal_id=proposal.id if proposal else None,
                        organisation_id=organisation.id if organisation else None,
                        conflict_type=conflict_type, note=note, recorded_by_id=reviewer.id)
    db.session.add(conflict)
    db.session.commit()
    return conflict
