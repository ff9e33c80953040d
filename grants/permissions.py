"""One place answering "may this user do this to this object".

Views call these to decide 404/403; templates call the same functions (exposed as `can`)
to hide what the user cannot press. Objects of another organisation are *not visible*
(the view answers 404), never merely forbidden.
"""
from __future__ import annotations

from sqlalchemy import or_, select

from grants.extensions import db
from grants.models import Conflict, PanelMember, ReviewAssignment
from grants.workflows import ASSIGNMENT, CALL, DISCLOSURE, ORGANISATION, PROPOSAL, REVIEW

STAFF_ROLES = ("staff", "admin")


def _authed(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


def is_staff(user) -> bool:
    return _authed(user) and user.has_role(*STAFF_ROLES)


def is_admin(user) -> bool:
    return _authed(user) and user.has_role("admin")


def is_applicant(user) -> bool:
    return _authed(user) and user.has_role("applicant")


def is_reviewer(user) -> bool:
    return _authed(user) and user.has_role("reviewer")


def is_finance(user) -> bool:
    return _authed(user) and user.has_role("finance", "finance_senior")


def is_member(user, organisation_id: int | None) -> bool:
    return _authed(user) and organisation_id is not None and organisation_id in user.organisation_ids


# -- organisations -------------------------------------------------------------
def can_view_organisation(user, org) -> bool:
    return is_staff(user) or is_member(user, org.id)


def can_edit_organisation_profile(user, org) -> bool:
    return is_member(user, org.id) and user.has_role("applicant")


def is_organisation_admin(user, org) -> bool:
    """The organisation's own administrator (who registered it): invites and cancels colleagues."""
    return (is_member(user, org.id) and user.has_role("applicant")
            and any(m.organisation_id == org.id and m.is_admin for m in user.memberships))


def can_manage_members(user, org) -> bool:
    return is_organisation_admin(user, org)


def can_view_members(user, org) -> bool:
    return is_staff(user) or is_member(user, org.id)


def can_download_certificate(user, org) -> bool:
    """The 登记证书 scan: staff (who verify against it) and the organisation's own members."""
    return is_staff(user) or is_member(user, org.id)


def can_verify_organisation(user, org) -> bool:
    return ORGANISATION.allows(org, "verified", user)


def can_declare_capabilities(user, org) -> bool:
    """The organisation's members (applicants) keep its emergency capability declaration."""
    return is_member(user, org.id) and user.has_role("applicant")


def can_search_registry(user) -> bool:
    """Staff search the emergency capability registry (with the private 24-hour contacts) and invite."""
    return is_staff(user)


def can_manage_organisation_records(user, org) -> bool:
    """Grade, annual inspection, 失信 flag: staff only."""
    return is_staff(user)


# -- annual disclosures (年度信息公开) and enforcement records -------------------------
def can_start_disclosure(user, org) -> bool:
    """Members of a verified organisation write its yearly disclosure."""
    return org.status == "verified" and is_member(user, org.id) and user.has_role("applicant")


def can_view_disclosure(user, disclosure) -> bool:
    return is_staff(user) or is_member(user, disclosure.organisation_id)


def can_edit_disclosure(user, disclosure) -> bool:
    return disclosure.status in ("draft", "returned") and is_member(user, disclosure.organisation_id) \
        and user.has_role("applicant")


def can_submit_disclosure(user, disclosure) -> bool:
    return DISCLOSURE.allows(disclosure, "submitted", user)


def can_review_disclosure(user, disclosure) -> bool:
    return DISCLOSURE.allows(disclosure, "approved", user)


def can_review_disclosures(user) -> bool:
    return is_staff(user)


# -- calls ---------------------------------------------------------------------
def can_manage_calls(user) -> bool:
    """Staff pages of calls: list, create, detail, state steps."""
    return is_staff(user)


def can_edit_call(user, call) -> bool:
    """Drafts change freely; open/closed calls only their title and description (see services.calls)."""
    return is_staff(user) and call.status in ("draft", "open", "closed")


def call_next_steps(user, call) -> list[str]:
    """The state steps this user may take on this call now (buttons on the detail page)."""
    if not is_staff(user):
        return []
    return CALL.steps_for(call, user)


def can_view_organisation_publicly(org) -> bool:
    """Only verified organisations have a public page (信息公开); pending and rejected ones don't."""
    return org.status == "verified"


def can_view_call_publicly(call) -> bool:
    """Everyone (no login) sees a call once it is published; drafts stay internal."""
    return call.status != "draft"


# -- users ---------------------------------------------------------------------
def can_manage_users(user) -> bool:
    return is_admin(user)


def can_view_outbox(user, config) -> bool:
    return is_admin(user) and bool(config.get("OUTBOX_PAGE"))


def can_manage_api_tokens(user) -> bool:
    """Department API tokens (create, revoke, read the call log): administrators only."""
    return is_admin(user)


# -- review panel (area "panel") ------------------------------------------------------
REVIEWABLE_PROPOSAL_STATUSES = ("screened_in", "recommended", "awarded", "not_funded")


def normalise_affiliation(value: str | None) -> str:
    return "".join((value or "").split()).casefold()


def affiliation_matches(affiliation: str | None, organisation) -> bool:
    """Same organisation by name or USCC (spaces and case ignored)."""
    aff = normalise_affiliation(affiliation)
    return bool(aff) and aff in (normalise_affiliation(organisation.name), normalise_affiliation(organisation.uscc))


def reviewer_conflicted(user, proposal) -> bool:
    """A recorded conflict with the proposal or its organisation, membership of the
    organisation, or an affiliation (account or panel entry) naming it."""
    if proposal.organisation_id in user.organisation_ids:
        return True
    if affiliation_matches(user.affiliation, proposal.organisation):
        return True
    panel_affiliation = db.session.scalar(
        select(PanelMember.affiliation).where(PanelMember.call_id == proposal.call_id,
                                              PanelMember.reviewer_id == user.id)
    )
    if affiliation_matches(panel_affiliation, proposal.organisation):
        return True
    conflict = db.session.scalar(
        select(Conflict.id).where(
            Conflict.reviewer_id == user.id,
            or_(Conflict.proposal_id == proposal.id, Conflict.organisation_id == proposal.organisation_id),
        ).limit(1)
    )
    return conflict is not None


def reviewer_assignment(user, proposal):
    """The user's ReviewAssignment for the proposal, or None."""
    if not _authed(user):
        return None
    return db.session.scalar(
        select(ReviewAssignment).where(ReviewAssignment.proposal_id == proposal.id,
                                       ReviewAssignment.reviewer_id == user.id)
    )


def can_open_proposal_as_reviewer(user, proposal) -> bool:
    """Everything reviewer-facing about a proposal (content, files, scores) is gated by this:
    a reviewer assigned to it who declared no conflict, with no conflict on record."""
    if not is_reviewer(user) or proposal is None or proposal.status not in REVIEWABLE_PROPOSAL_STATUSES:
        return False
    assignment = reviewer_assignment(user, proposal)
    if assignment is None or assignment.status != "cleared":
        return False
    return not reviewer_conflicted(user, proposal)


def can_declare_conflict(user, assignment) -> bool:
    """The reviewer's own assignment, not yet declared, on a proposal under review."""
    return (
        is_reviewer(user)
        and ASSIGNMENT.allows(assignment, "cleared", user)
        and assignment.proposal.status in REVIEWABLE_PROPOSAL_STATUSES
    )


def can_see_assignment_in_queue(user, assignment) -> bool:
    return (
        is_reviewer(user)
        and assignment.reviewer_id == user.id
        and assignment.status in ("assigned", "cleared")
        and assignment.proposal.status in REVIEWABLE_PROPOSAL_STATUSES
    )


def can_manage_panel(user, call) -> bool:
    return is_staff(user)


# -- scoring and ranking (area "reviews") ---------------------------------------------------
def review_deadline_passed(call) -> bool:
    """Scores are locked once the call's review deadline has passed."""
    from grants.timeutil import now_utc

    return call.review_deadline is not None and now_utc() > call.review_deadline


def review_locked(proposal, submitted: bool) -> bool:
    """A review of this proposal can no longer change: submitted, past the call's review
    deadline, or a decision has been taken on the proposal."""
    return submitted or proposal.status != "screened_in" or review_deadline_passed(proposal.call)


def can_score_proposal(user, proposal, review=None) -> bool:
    """The reviewer may still change their review: opened, not submitted, before the deadline,
    and the proposal still under review (no decision on it yet)."""
    return (can_open_proposal_as_reviewer(user, proposal)
            and not review_locked(proposal, review is not None and review.status != "draft"))


def can_see_other_scores(user, proposal, own_review=None) -> bool:
    """Staff see everything; a reviewer sees the others' scores (never their names) only after
    submitting their own, and only when the call allows it."""
    if is_staff(user):
        return True
    return (can_open_proposal_as_reviewer(user, proposal) and bool(proposal.call.show_scores_after_submit)
            and own_review is not None and own_review.status == "submitted" and own_review.reviewer_id == user.id)


def can_view_reviews_of_proposal(user, proposal) -> bool:
    """The staff page with every review of a proposal, reviewers named."""
    return is_staff(user)


def can_reopen_review(user, review) -> bool:
    return REVIEW.allows(review, "draft", user)


def can_view_ranking(user, call) -> bool:
    """Staff, and finance staff (read only) from the award stage on."""
    return is_staff(user) or is_finance(user)


# -- awards, notice and finance --------------------------------------------------------------
def can_decide_awards(user, call) -> bool:
    return is_staff(user)


def can_view_awards(user, call) -> bool:
    return is_staff(user) or is_finance(user)


def can_view_finance(user) -> bool:
    return is_staff(user) or is_finance(user)


def can_view_contract(user, contract) -> bool:
    """Staff and finance; members of the contracted organisation. Others get 404."""
    return is_staff(user) or is_finance(user) or (is_applicant(user) and is_member(user, contract.organisation_id))


def can_upload_signed_contract(user, contract) -> bool:
    from grants.workflows import CONTRACT

    return CONTRACT.allows(contract, "signed_uploaded", user)


def can_activate_contract(user, contract) -> bool:
    from grants.workflows import CONTRACT

    return CONTRACT.allows(contract, "active", user)


def can_resolve_objection(user, objection) -> bool:
    from grants.workflows import OBJECTION

    return OBJECTION.allows(objection, "dismissed", user)


# -- proposals (reviewers get nothing here; the review area has its own views) ---------------
def can_view_proposal(user, proposal) -> bool:
    """Staff, or a member of the applying organisation. Others get 404."""
    return is_staff(user) or (is_applicant(user) and is_member(user, proposal.organisation_id))


def can_start_proposal(user) -> bool:
    return is_applicant(user) and user.organisation is not None


def can_edit_proposal(user, proposal) -> bool:
    return is_applicant(user) and is_member(user, proposal.organisation_id) and proposal.status == "draft"


def can_withdraw_proposal(user, proposal) -> bool:
    """The workflow's guard: a member of the applying organisation, before the call closes."""
    return PROPOSAL.allows(proposal, "withdrawn", user)


def can_resubmit_proposal(user, proposal) -> bool:
    """A withdrawn proposal, the call allows resubmission and is accepting proposals now."""
    return PROPOSAL.allows(proposal, "submitted", user)


def can_screen_proposals(user) -> bool:
    return is_staff(user)


def can_screen_proposal(user, proposal) -> bool:
    return PROPOSAL.allows(proposal, "screened_in", user)


# -- spot checks (双随机) --------------------------------------------------------------------
def can_manage_spot_checks(user) -> bool:
    """The inspector pool, draws and results: staff. Everyone sees draws on the public pages."""
    return is_staff(user)


def step_refusal(workflow, obj, target, user) -> str | None:
    """Why `user` may not take this workflow step now (the text beside a disabled button), or None."""
    return workflow.refusal(obj, target, user)


class _Can:
    """`can.view_organisation(user, org)` in templates."""

    def __getattr__(self, name):
        fn = globals().get(f"can_{name}") or globals().get(name)
        if fn is None:
            raise AttributeError(name)
        return fn


can = _Can()
