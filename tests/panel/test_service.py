"""auto_assign and the other panel services against the database."""
from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import select

from grants.extensions import db
from grants.models import AuditEvent, Conflict, Membership, OutboxMessage, PanelMember, Review, ReviewAssignment
from grants.permissions import can_open_proposal_as_reviewer
from grants.services import ServiceError
from grants.services import panel as service
from tests.factories import create_call, create_org, create_proposal, create_user
from tests.factories_panel import add_to_panel, create_assignment, create_conflict, create_panel, create_reviewer

pytestmark = pytest.mark.usefixtures("english")


def _active(call):
    return list(db.session.execute(
        select(ReviewAssignment.proposal_id, ReviewAssignment.reviewer_id)
        .where(ReviewAssignment.status.in_(("assigned", "cleared")))).all())


def test_auto_assign_gives_every_proposal_k_reviewers_balanced_and_audited():
    staff = create_user("staff")
    call = create_call(status="closed", reviewers_per_proposal=3)
    proposals = [create_proposal(call, status="screened_in") for _ in range(7)]
    create_proposal(call, status="screened_out")  # not reviewed
    reviewers = create_panel(call, 5)
    outcome = service.auto_assign(staff, call, seed=3)
    assert outcome.created == 21 and outcome.result.complete
    per_proposal = Counter(p for p, _r in _active(call))
    assert per_proposal == {p.id: 3 for p in proposals}
    loads = Counter(r for _p, r in _active(call))
    assert max(loads.values()) - min(loads.values()) <= 1 and set(loads) == {r.id for r in reviewers}
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "panel.auto_assign"))
    assert event.actor_id == staff.id and event.data["created"] == 21 and len(event.data["pairs"]) == 21
    # each reviewer who got proposals is told once
    mails = list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "panel.assigned")))
    assert sorted(m.recipient_id for m in mails) == sorted(r.id for r in reviewers)


def test_auto_assign_is_deterministic_for_a_seed():
    staff = create_user("staff")
    call = create_call(status="closed", reviewers_per_proposal=2)
    for _ in range(6):
        create_proposal(call, status="screened_in")
    create_panel(call, 6)
    first = service.auto_assign(staff, call, seed=11, notify=False).result.pairs
    db.session.execute(ReviewAssignment.__table__.delete())
    db.session.commit()
    again = service.auto_assign(staff, call, seed=11, notify=False).result.pairs
    assert first == again


def test_never_assigns_a_conflicted_reviewer():
    staff = create_user("staff")
    call = create_call(status="closed", reviewers_per_proposal=2)
    org_name, org_uscc, org_conf, org_member, org_ok = (create_org(name=f"机构{i}") for i in range(5))
    p_name = create_proposal(call, org_name, status="screened_in")
    p_uscc = create_proposal(call, org_uscc, status="screened_in")
    p_conf = create_proposal(call, org_conf, status="screened_in")
    p_member = create_proposal(call, org_member, status="screened_in")
    p_declared = create_proposal(call, org_ok, status="screened_in")
    by_name = create_reviewer(affiliation=" 机构0 ")  # account affiliation, spaces ignored
    by_uscc = create_reviewer()
    standing = create_reviewer()
    member = create_reviewer()
    declared = create_reviewer()
    free = [create_reviewer() for _ in range(2)]
    add_to_panel(call, by_name, standing, member, declared, *free)
    add_to_panel(call, by_uscc, affiliation=org_uscc.uscc.lower())  # panel affiliation by USCC
    db.session.add(Membership(user_id=member.id, organisation_id=org_member.id))
    db.session.commit()
    create_conflict(standing, organisation=org_conf)
    create_conflict(declared, proposal=p_declared)
    service.auto_assign(staff, call, seed=1, notify=False)
    pairs = set(_active(call))
    for proposal, reviewer in ((p_name, by_name), (p_uscc, by_uscc), (p_conf, standing), (p_member, member),
                               (p_declared, declared)):
        assert (proposal.id, reviewer.id) not in pairs
    assert Counter(p for p, _r in pairs) == {p.id: 2 for p in (p_name, p_uscc, p_conf, p_member, p_declared)}


def test_keeps_existing_assignments_and_fills_only_gaps():
    staff = create_user("staff")
    call = create_call(status="closed", reviewers_per_proposal=2)
    proposal = create_proposal(call, status="screened_in")
    reviewers = create_panel(call, 4)
    kept = create_assignment(proposal, reviewers[0], status="cleared")
    removed = create_assignment(proposal, reviewers[1], status="removed")
    outcome = service.auto_assign(staff, call, seed=5, notify=False)
    assert outcome.created == 1
    assert db.session.get(ReviewAssignment, kept.id).status == "cleared"
    assert db.session.get(ReviewAssignment, removed.id).status == "removed"  # not recreated
    assert {r for _p, r in _active(call)} - {reviewers[0].id} <= {reviewers[2].id, reviewers[3].id}
    assert service.auto_assign(staff, call, seed=5, notify=False).created == 0  # idempotent


def test_shortfall_explains_which_proposal_and_why():
    staff = create_user("staff")
    call = create_call(status="closed", reviewers_per_proposal=3)
    org = create_org(name="南湖区公益发展中心")
    hard = create_proposal(call, org, status="screened_in", title="难以分配的项目")
    easy = create_proposal(call, status="screened_in")
    reviewers = create_panel(call, 3)
    create_conflict(reviewers[0], organisation=org, conflict_type="affiliation")
    outcome = service.auto_assign(staff, call, notify=False)
    (short,) = outcome.result.shortfalls
    assert short.proposal_id == hard.id and short.assigned == 2 and short.conflicted == 1
    (gap,) = service.gaps(call)
    assert gap.proposal["title"] == "难以分配的项目" and (gap.assigned, gap.needed) == (2, 3)
    assert gap.reason == ("Only 2 of 3 reviewers are free of conflicts (1 of the 3 on the panel conflict or "
                          "were recused or removed).")
    assert easy.id not in {g.proposal["id"] for g in service.gaps(call)}


def test_gap_reason_small_panel_and_not_yet_assigned():
    call = create_call(status="closed", reviewers_per_proposal=3)
    create_proposal(call, status="screened_in")
    create_panel(call, 2)
    (gap,) = service.gaps(call)
    assert gap.reason == "The panel has only 2 reviewers; 3 are needed."
    create_panel(call, 2)
    (gap,) = service.gaps(call)
    assert gap.reason.startswith("4 eligible reviewers are free")


def test_auto_assign_without_panel_is_refused():
    staff = create_user("staff")
    call = create_call(status="closed")
    create_proposal(call, status="screened_in")
    with pytest.raises(ServiceError, match="Add reviewers to the panel first"):
        service.auto_assign(staff, call)


def test_declare_no_conflict_opens_the_proposal():
    call = create_call(status="closed")
    proposal = create_proposal(call, status="screened_in")
    reviewer = create_reviewer()
    assignment = create_assignment(proposal, reviewer)
    assert not can_open_proposal_as_reviewer(reviewer, proposal)  # not declared yet
    service.declare(reviewer, assignment, conflict=False)
    assert assignment.status == "cleared" and assignment.declared_at is not None
    assert can_open_proposal_as_reviewer(reviewer, proposal)
    other = create_reviewer()
    assert not can_open_proposal_as_reviewer(other, proposal)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.object_type == "reviewassignment"))
    assert (event.action, event.to_status) == ("assignment.declare_none", "cleared")


def test_declare_conflict_recuses_and_notifies_staff():
    staff = create_user("staff")
    create_user("staff", active=False)  # inactive staff get no mail
    call = create_call(status="closed")
    proposal = create_proposal(call, status="screened_in", title="青少年成长项目")
    reviewer = create_reviewer(name="钱伟")
    assignment = create_assignment(proposal, reviewer)
    with pytest.raises(ServiceError) as exc:
        service.declare(reviewer, assignment, conflict=True, conflict_type=None, note="")
    assert set(exc.value.field_errors) == {"conflict_type", "note"}
    assert assignment.status == "assigned"
    service.declare(reviewer, assignment, conflict=True, conflict_type="family", note="申报机构负责人是我的表妹")
    assert assignment.status == "recused"
    conflict = db.session.scalar(select(Conflict))
    assert (conflict.proposal_id, conflict.conflict_type, conflict.recorded_by_id) == (proposal.id, "family",
                                                                                       reviewer.id)
    (mail,) = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "panel.conflict"))
    assert mail.recipient_id == staff.id and "钱伟" in mail.body and "青少年成长项目" in mail.body
    assert service.queue_for(reviewer) == []
    assert not can_open_proposal_as_reviewer(reviewer, proposal)
    with pytest.raises(ServiceError):
        service.declare(reviewer, assignment, conflict=False)  # no way back to cleared


def test_conflict_after_clearing_blocks_opening():
    call = create_call(status="closed")
    proposal = create_proposal(call, status="screened_in")
    reviewer = create_reviewer()
    create_assignment(proposal, reviewer, status="cleared")
    assert can_open_proposal_as_reviewer(reviewer, proposal)
    create_conflict(reviewer, organisation=proposal.organisation)
    assert not can_open_proposal_as_reviewer(reviewer, proposal)


def test_affiliation_match_blocks_opening_even_when_cleared():
    call = create_call(status="closed")
    org = create_org(name="嘉兴市慈善基金会")
    proposal = create_proposal(call, org, status="screened_in")
    reviewer = create_reviewer(affiliation="嘉兴市慈善基金会")
    create_assignment(proposal, reviewer, status="cleared")
    assert not can_open_proposal_as_reviewer(reviewer, proposal)


def test_staff_record_standing_conflict_recuses_every_open_assignment_of_the_org():
    staff = create_user("staff")
    call = create_call(status="closed")
    org = create_org()
    p1 = create_proposal(call, org, status="screened_in")
    other_call = create_call(status="closed")
    p2 = create_proposal(other_call, org, status="screened_in")
    p3 = create_proposal(call, status="screened_in")
    reviewer = create_reviewer()
    a1, a2, a3 = (create_assignment(p, reviewer, status="cleared") for p in (p1, p2, p3))
    n = service.record_conflict(staff, call, reviewer, conflict_type="financial", note="持有股份", organisation=org)
    assert n == 2
    assert [db.session.get(ReviewAssignment, a.id).status for a in (a1, a2, a3)] == ["recused", "recused", "cleared"]
    with pytest.raises(ServiceError) as exc:
        service.record_conflict(staff, call, reviewer, conflict_type="other")
    assert "target" in exc.value.field_errors


def test_manual_add_and_remove_are_checked_and_audited():
    staff = create_user("staff")
    call = create_call(status="closed")
    proposal = create_proposal(call, status="screened_in")
    reviewer, outsider = create_reviewer(), create_reviewer()
    add_to_panel(call, reviewer)
    with pytest.raises(ServiceError, match="not on this call's panel"):
        service.add_assignment(staff, proposal, outsider)
    assignment = service.add_assignment(staff, proposal, reviewer)
    with pytest.raises(ServiceError, match="assigned to this proposal already"):
        service.add_assignment(staff, proposal, reviewer)
    service.remove_assignment(staff, assignment, "工作量调整")
    assert assignment.status == "removed"
    again = service.add_assignment(staff, proposal, reviewer)
    assert again.id == assignment.id and again.status == "assigned"
    actions = [e.action for e in db.session.scalars(select(AuditEvent).where(
        AuditEvent.object_type == "reviewassignment").order_by(AuditEvent.id))]
    assert actions == ["assignment.add", "assignment.remove", "assignment.reassign"]
    conflicted = create_reviewer(affiliation=proposal.organisation.name)
    add_to_panel(call, conflicted)
    with pytest.raises(ServiceError, match="conflict of interest"):
        service.add_assignment(staff, proposal, conflicted)


def test_remove_refused_after_submitted_review():
    staff = create_user("staff")
    call = create_call(status="closed")
    proposal = create_proposal(call, status="screened_in")
    reviewer = create_reviewer()
    assignment = create_assignment(proposal, reviewer, status="cleared")
    db.session.add(Review(proposal_id=proposal.id, reviewer_id=reviewer.id, status="submitted"))
    db.session.commit()
    with pytest.raises(ServiceError, match="submitted"):
        service.remove_assignment(staff, assignment)
    member = db.session.scalars(select(PanelMember)).one()
    with pytest.raises(ServiceError, match="submitted reviews"):
        service.remove_member(staff, member)


def test_progress_counts_done_over_assigned():
    call = create_call(status="closed")
    a, b = create_reviewer(name="甲专家"), create_reviewer(name="乙专家")
    add_to_panel(call, a, b)
    proposals = [create_proposal(call, status="screened_in") for _ in range(3)]
    for p in proposals:
        create_assignment(p, a, status="cleared")
    create_assignment(proposals[0], b, status="recused")
    db.session.add(Review(proposal_id=proposals[0].id, reviewer_id=a.id, status="submitted"))
    db.session.add(Review(proposal_id=proposals[1].id, reviewer_id=a.id, status="draft"))
    db.session.commit()
    rows = {row.reviewer.name: (row.done, row.assigned, row.recused) for row in service.progress(call)}
    assert rows == {"甲专家": (1, 3, 0), "乙专家": (0, 0, 1)}
