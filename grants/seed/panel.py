"""Demo review panel for the closed call: the 7 demo experts, a standing conflict, automatic
assignment (k = the call's reviewers per proposal, 3 by default), declarations of no conflict,
and one declared conflict whose gap staff then filled. Idempotent."""
from __future__ import annotations

from sqlalchemy import select

from grants.extensions import db
from grants.models import Conflict, PanelMember, Proposal, ReviewAssignment
from grants.services import panel as service

STAFF_EMAIL = "staff@demo.jx.gov.cn"
SEED = 2026
# expert2 (a certified accountant) audits this foundation's accounts: a standing conflict.
STANDING = ("expert2@demo.jx.gov.cn", "嘉兴市慈善基金会", "financial", "本人所在会计师事务所承担该基金会年度审计。")
# expert3 declares a conflict with the first proposal assigned to them.
DECLARING = ("expert3@demo.jx.gov.cn", "collaboration", "近三年曾与该机构合作开展社区治理课题，申请回避。")


def _assignments(call):
    return list(db.session.scalars(
        select(ReviewAssignment).join(Proposal, Proposal.id == ReviewAssignment.proposal_id)
        .where(Proposal.call_id == call.id).order_by(ReviewAssignment.id)))


def run(ctx: dict) -> None:
    call = ctx.get("closed_call")
    if call is None:  # the proposals step made no closed call
        ctx["assignments"] = []
        return
    staff = ctx["users"][STAFF_EMAIL]
    reviewers = {r.email: r for r in ctx["reviewers"]}

    on_panel = set(db.session.scalars(select(PanelMember.reviewer_id).where(PanelMember.call_id == call.id)))
    for reviewer in ctx["reviewers"]:
        if reviewer.id not in on_panel:
            service.add_member(staff, call, reviewer, affiliation=None)  # the account's affiliation applies

    email, org_name, kind, note = STANDING
    org = next((o for o in ctx["organisations"] if o.name == org_name), None)
    if org is not None:
        reviewer = reviewers[email]
        exists = db.session.scalar(select(Conflict.id).where(Conflict.reviewer_id == reviewer.id,
                                                             Conflict.organisation_id == org.id))
        if not exists:
            service.record_conflict(staff, call, reviewer, conflict_type=kind, note=note, organisation=org)

    if not _assignments(call):
        service.auto_assign(staff, call, seed=SEED)

    email, kind, note = DECLARING
    declaring = reviewers[email]
    already_recused = any(a.status == "recused" for a in _assignments(call))
    for assignment in _assignments(call):
        if assignment.status != "assigned":
            continue
        if not already_recused and assignment.reviewer_id == declaring.id:
            service.declare(declaring, assignment, conflict=True, conflict_type=kind, note=note)
            already_recused = True
            service.auto_assign(staff, call, seed=SEED)  # staff fill the gap
        else:
            service.declare(assignment.reviewer, assignment, conflict=False)
    # the gap filled after the recusal: its new reviewer declares too
    for assignment in _assignments(call):
        if assignment.status == "assigned":
            service.declare(assignment.reviewer, assignment, conflict=False)
    ctx["assignments"] = [a for a in _assignments(call) if a.status in ("assigned", "cleared")]
