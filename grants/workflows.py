"""Every status machine as data.

A workflow lists its states (with a staff label and an applicant-facing label) and its
transitions (source -> target, the roles that may take the step, the audit action name, and
an optional guard). `grants.services.workflow.transition()` is the one place that applies a
step; `Workflow.refusal()` is the one place that says whether a user may take it now and, if
not, why — the service, the view's button and the template all ask it (through
`grants.permissions`), so they cannot disagree.

A guard is `guard(obj, actor, now) -> reason | None`: the who-may and when-may rules a role
cannot express (a member of the applying organisation, one's own assignment, before the call
closes, requester ≠ approver …). It returns a translated message to show, or None.
The role "system" means a step the application takes by itself (for example from the clock).
The models build their status CHECK constraints from these workflows (`check_sql`).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

SYSTEM = "system"


@dataclass(frozen=True)
class State:
    label: object
    applicant_label: object


@dataclass(frozen=True)
class Transition:
    source: str
    target: str
    roles: frozenset
    action: str
    guard: Callable | None = None


def _has_role(actor, roles) -> bool:
    if actor is None:
        return SYSTEM in roles
    return bool(getattr(actor, "is_authenticated", False)) and actor.has_role(*roles)


@dataclass(frozen=True)
class Workflow:
    name: str
    states: dict
    transitions: tuple = field(default_factory=tuple)

    def find(self, source: str, target: str) -> Transition | None:
        for t in self.transitions:
            if t.source == source and t.target == target:
                return t
        return None

    def next_statuses(self, source: str) -> list[str]:
        return [t.target for t in self.transitions if t.source == source]

    @property
    def statuses(self) -> tuple[str, ...]:
        return tuple(self.states)

    def check_sql(self, column: str = "status") -> str:
        """The CHECK constraint listing this workflow's statuses."""
        return f"{column} IN (" + ",".join(f"'{s}'" for s in self.states) + ")"

    def refusal(self, obj, target: str, actor, now: datetime | None = None) -> str | None:
        """Why `actor` may not move `obj` to `target` now (a message to show), or None if they may."""
        step = self.find(obj.status, target)
        if step is None:
            return _("This step is not possible now: %(source)s → %(target)s.",
                     source=self.label(obj.status), target=self.label(target))
        if not _has_role(actor, step.roles):
            return _("You are not allowed to take this step.")
        if step.guard is not None:
            if now is None:
                from grants.timeutil import now_utc

                now = now_utc()
            return step.guard(obj, actor, now)
        return None

    def allows(self, obj, target: str, actor, now: datetime | None = None) -> bool:
        return self.refusal(obj, target, actor, now) is None

    def steps_for(self, obj, actor, now: datetime | None = None) -> list[str]:
        """The targets `actor` may move `obj` to now (the buttons to show)."""
        return [t.target for t in self.transitions if t.source == obj.status
                and self.refusal(obj, t.target, actor, now) is None]

    def label(self, status: str):
        return self.states[status].label if status in self.states else status

    def applicant_label(self, status: str):
        return self.states[status].applicant_label if status in self.states else status


def _t(source, target, roles, action, guard=None):
    return Transition(source, target, frozenset(roles), action, guard)


def _all(*guards):
    """Combine guards: the first refusal wins."""
    def combined(obj, actor, now):
        for guard in guards:
            reason = guard(obj, actor, now)
            if reason:
                return reason
        return None
    return combined


# -- guards ------------------------------------------------------------------------------
def _member_of(organisation_id, actor) -> bool:
    return actor is not None and organisation_id in actor.organisation_ids


def member_of_organisation(org, actor, now):
    if not _member_of(org.id, actor):
        return _("Only members of the organisation can do this.")
    return None


def member_of_applicant(proposal, actor, now):
    if not _member_of(proposal.organisation_id, actor):
        return _("Only members of the applying organisation can change this proposal.")
    return None


def before_call_closes(proposal, actor, now):
    if now > proposal.call.closes_at:
        return _("The call has closed: the proposal can no longer be withdrawn.")
    return None


def resubmission_allowed(proposal, actor, now):
    if not proposal.call.allow_resubmit:
        return _("This call does not allow a withdrawn proposal to be submitted again.")
    from grants.services.calls import accepting_at

    if not accepting_at(proposal.call, now):
        return _("This call is not accepting proposals now.")
    return None


def own_review(review, actor, now):
    if actor is None or review.reviewer_id != actor.id:
        return _("This is not your review.")
    return None


def review_still_open(review, actor, now):
    proposal = review.proposal
    if proposal.status != "screened_in":
        return _("This proposal is no longer under review.")
    deadline = proposal.call.review_deadline
    if deadline is not None and now > deadline:
        return _("The review deadline has passed: scores are locked.")
    return None


def own_assignment(assignment, actor, now):
    if actor is None or assignment.reviewer_id != actor.id:
        return _("This is not your assignment.")
    return None


def staff_or_own_assignment(assignment, actor, now):
    if actor is not None and actor.has_role(*STAFF_ROLES):
        return None
    return own_assignment(assignment, actor, now)


STAFF_ROLES = ("staff", "admin")

ORGANISATION = Workflow(
    "organisation",
    {
        "pending": State(_l("Pending verification"), _l("Waiting for verification by the bureau")),
        "verified": State(_l("Verified"), _l("Verified")),
        "rejected": State(_l("Rejected"), _l("Not verified: see the reason and correct your details")),
    },
    (
        _t("pending", "verified", STAFF_ROLES, "verify"),
        _t("pending", "rejected", STAFF_ROLES, "reject"),
        _t("rejected", "pending", ("applicant",), "resubmit", member_of_organisation),
    ),
)

CALL = Workflow(
    "call",
    {
        "draft": State(_l("Draft"), _l("Not yet published")),
        "open": State(_l("Open"), _l("Open for proposals")),
        "closed": State(_l("Closed"), _l("Closed; proposals under review")),
        "decided": State(_l("Decided"), _l("Results decided")),
        "archived": State(_l("Archived"), _l("Archived")),
    },
    (
        _t("draft", "open", STAFF_ROLES + (SYSTEM,), "open"),
        _t("open", "closed", STAFF_ROLES + (SYSTEM,), "close"),
        _t("closed", "decided", STAFF_ROLES, "decide"),
        _t("decided", "archived", STAFF_ROLES, "archive"),
        _t("draft", "archived", STAFF_ROLES, "archive"),
    ),
)

PROPOSAL = Workflow(
    "proposal",
    {
        "draft": State(_l("Draft"), _l("Draft: not yet submitted")),
        "submitted": State(_l("Submitted"), _l("Submitted: waiting for screening")),
        "withdrawn": State(_l("Withdrawn"), _l("Withdrawn by your organisation")),
        "screened_in": State(_l("Passed screening"), _l("Passed eligibility screening: under expert review")),
        "screened_out": State(_l("Failed screening"), _l("Did not pass eligibility screening")),
        "recommended": State(_l("Recommended"), _l("Under review")),
        "awarded": State(_l("Awarded"), _l("Awarded")),
        "not_funded": State(_l("Not funded"), _l("Not funded")),
    },
    (
        _t("draft", "submitted", ("applicant",), "submit", member_of_applicant),
        _t("submitted", "withdrawn", ("applicant",), "withdraw", _all(member_of_applicant, before_call_closes)),
        _t("withdrawn", "submitted", ("applicant",), "resubmit", _all(member_of_applicant, resubmission_allowed)),
        _t("withdrawn", "draft", ("applicant",), "reopen_draft", _all(member_of_applicant, resubmission_allowed)),
        _t("submitted", "screened_in", STAFF_ROLES, "screen_pass"),
        _t("submitted", "screened_out", STAFF_ROLES, "screen_fail"),
        _t("screened_in", "recommended", STAFF_ROLES, "recommend"),
        _t("screened_in", "not_funded", STAFF_ROLES, "not_fund"),
        _t("recommended", "screened_in", STAFF_ROLES, "unrecommend"),
        _t("recommended", "awarded", STAFF_ROLES, "award"),
        _t("recommended", "not_funded", STAFF_ROLES, "not_fund"),
    ),
)

REVIEW = Workflow(
    "review",
    {
        "draft": State(_l("Draft"), _l("Draft")),
        "submitted": State(_l("Submitted"), _l("Submitted")),
    },
    (
        _t("draft", "submitted", ("reviewer",), "submit", _all(own_review, review_still_open)),
        _t("submitted", "draft", STAFF_ROLES, "reopen"),
    ),
)

# A reviewer's assignment to a proposal (area "panel"): the reviewer declares before opening it.
ASSIGNMENT = Workflow(
    "assignment",
    {
        "assigned": State(_l("Assigned: conflict declaration due"), _l("Assigned")),
        "cleared": State(_l("Declared no conflict"), _l("Declared no conflict")),
        "recused": State(_l("Recused (conflict of interest)"), _l("Recused (conflict of interest)")),
        "removed": State(_l("Removed by staff"), _l("Removed by staff")),
    },
    (
        _t("assigned", "cleared", ("reviewer",), "declare_none", own_assignment),
        _t("assigned", "recused", ("reviewer",) + STAFF_ROLES, "recuse", staff_or_own_assignment),
        _t("cleared", "recused", STAFF_ROLES, "recuse"),
        _t("assigned", "removed", STAFF_ROLES, "remove"),
        _t("cleared", "removed", STAFF_ROLES, "remove"),
        _t("removed", "assigned", STAFF_ROLES, "reassign"),
    ),
)


def notice_over(award, actor, now):
    from grants.services.awards import confirmation_refusal

    return confirmation_refusal(award.call, now)


# A decision to fund (立项): proposed by staff, published for public notice (公示), then confirmed
# once the notice has run with no objection pending — or cancelled by an upheld objection.
AWARD = Workflow(
    "award",
    {
        "proposed": State(_l("Proposed (not yet published)"), _l("Under decision")),
        "in_notice": State(_l("In public notice"), _l("Proposed for funding: in public notice")),
        "confirmed": State(_l("Confirmed"), _l("Funding confirmed")),
        "cancelled": State(_l("Cancelled (objection upheld)"), _l("Funding cancelled after an objection")),
        "withdrawn": State(_l("Withdrawn before notice"), _l("Not funded")),
    },
    (
        _t("proposed", "in_notice", STAFF_ROLES, "publish"),
        _t("proposed", "withdrawn", STAFF_ROLES, "withdraw"),
        _t("in_notice", "confirmed", STAFF_ROLES, "confirm", notice_over),
        _t("in_notice", "cancelled", STAFF_ROLES, "cancel"),
    ),
)

# An objection (异议) to a call's notice, lodged by anyone, resolved by staff.
OBJECTION = Workflow(
    "objection",
    {
        "pending": State(_l("Pending"), _l("Being considered")),
        "upheld": State(_l("Upheld"), _l("Upheld: the award was cancelled")),
        "dismissed": State(_l("Dismissed"), _l("Dismissed")),
    },
    (
        _t("pending", "upheld", STAFF_ROLES, "uphold"),
        _t("pending", "dismissed", STAFF_ROLES, "dismiss"),
    ),
)


def member_of_supplier(contract, actor, now):
    if actor is None or contract.organisation_id not in actor.organisation_ids:
        return _("Only members of the contracted organisation can do this.")
    return None


# The service-purchase contract of a confirmed award: generated (and regenerated) by staff,
# signed and sealed on paper by the organisation, which uploads the scan; staff check the scan
# and activate the contract (the on-signing tranche becomes payable).
CONTRACT = Workflow(
    "contract",
    {
        "generated": State(_l("Generated: waiting for the signed copy"),
                           _l("Ready: download, sign and seal it, then upload the scan")),
        "signed_uploaded": State(_l("Signed copy uploaded: to check"), _l("Signed copy received: being checked")),
        "active": State(_l("In force"), _l("In force")),
        "terminated": State(_l("Terminated"), _l("Terminated")),
    },
    (
        _t("generated", "signed_uploaded", ("applicant",), "upload_signed", member_of_supplier),
        _t("signed_uploaded", "signed_uploaded", ("applicant",), "replace_signed", member_of_supplier),
        _t("signed_uploaded", "generated", STAFF_ROLES, "return_signed"),
        _t("signed_uploaded", "active", STAFF_ROLES, "activate"),
        _t("active", "terminated", STAFF_ROLES, "terminate"),
    ),
)


def member_of_grantee(obj, actor, now):
    """Reports: a member of the organisation that holds the contract."""
    organisation_id = obj.contract.organisation_id if hasattr(obj, "contract") else obj.organisation_id
    if actor is None or organisation_id not in actor.organisation_ids:
        return _("Only members of the contracted organisation can do this.")
    return None


# A milestone report: drafted and submitted by the grantee, accepted or returned by staff.
REPORT = Workflow(
    "report",
    {
        "draft": State(_l("Draft"), _l("Draft: not yet submitted")),
        "submitted": State(_l("Submitted: to review"), _l("Submitted: being reviewed")),
        "returned": State(_l("Returned for changes"), _l("Returned: please revise and submit again")),
        "accepted": State(_l("Accepted"), _l("Accepted")),
    },
    (
        _t("draft", "submitted", ("applicant",), "submit", member_of_grantee),
        _t("returned", "submitted", ("applicant",), "resubmit", member_of_grantee),
        _t("submitted", "accepted", STAFF_ROLES, "accept"),
        _t("submitted", "returned", STAFF_ROLES, "return"),
    ),
)


def evaluator_or_staff(evaluation, actor, now):
    if actor is not None and actor.has_role(*STAFF_ROLES):
        return None
    if actor is None or evaluation.evaluator_id != actor.id:
        return _("This evaluation is not assigned to you.")
    return None


# A mid-term or final evaluation: assigned (to staff or a third-party evaluator), then submitted.
EVALUATION = Workflow(
    "evaluation",
    {
        "assigned": State(_l("Assigned: to do"), _l("Evaluation under way")),
        "submitted": State(_l("Submitted"), _l("Evaluated")),
    },
    (
        _t("assigned", "submitted", ("evaluator",) + STAFF_ROLES, "submit", evaluator_or_staff),
    ),
)


def not_the_requester(disbursement, actor, now):
    if actor is not None and disbursement.requested_by_id == actor.id:
        return _("You raised this request: someone else must approve it.")
    return None


def _threshold():
    from decimal import Decimal

    from flask import current_app

    return Decimal(str(current_app.config["SECOND_APPROVAL_THRESHOLD"]))


def below_threshold(disbursement, actor, now):
    if disbursement.amount >= _threshold():
        return _("At or above %(threshold)s a second approval by a senior finance approver is needed.",
                 threshold=f"¥{_threshold():,.2f}")
    return None


def at_or_above_threshold(disbursement, actor, now):
    if disbursement.amount < _threshold():
        return _("Below the threshold one approval is enough.")
    return None


def not_the_first_approver(disbursement, actor, now):
    if actor is not None and disbursement.first_approver_id == actor.id:
        return _("You gave the first approval: the second must come from a different person.")
    return None


FINANCE_ROLES = ("finance", "finance_senior")

# A disbursement request for one tranche (maker-checker): raised by staff, approved by finance
# (someone other than the requester); at or above the threshold a second approval by a
# different senior approver; then paid. A terminated contract cancels its open requests.
DISBURSEMENT = Workflow(
    "disbursement",
    {
        "requested": State(_l("Requested: waiting for finance"), _l("Payment requested")),
        "first_approved": State(_l("First approval given: waiting for the second"), _l("Payment being approved")),
        "approved": State(_l("Approved: to pay"), _l("Payment approved")),
        "paid": State(_l("Paid"), _l("Paid")),
        "returned": State(_l("Returned by finance"), _l("Payment request returned")),
        "cancelled": State(_l("Cancelled"), _l("Payment request cancelled")),
    },
    (
        _t("requested", "approved", FINANCE_ROLES, "approve", _all(not_the_requester, below_threshold)),
        _t("requested", "first_approved", FINANCE_ROLES, "first_approve",
           _all(not_the_requester, at_or_above_threshold)),
        _t("first_approved", "approved", ("finance_senior",), "second_approve",
           _all(not_the_requester, not_the_first_approver)),
        _t("requested", "returned", FINANCE_ROLES, "return", not_the_requester),
        _t("first_approved", "returned", FINANCE_ROLES, "return", not_the_requester),
        _t("approved", "paid", FINANCE_ROLES, "pay"),
        _t("requested", "cancelled", STAFF_ROLES + (SYSTEM,), "cancel"),
        _t("first_approved", "cancelled", STAFF_ROLES + (SYSTEM,), "cancel"),
        _t("approved", "cancelled", STAFF_ROLES + (SYSTEM,), "cancel"),
    ),
)



def member_of_discloser(disclosure, actor, now):
    if not _member_of(disclosure.organisation_id, actor):
        return _("Only members of the organisation can do this.")
    return None


# An organisation's annual disclosure (年度信息公开): written and submitted by its members, approved
# (then public) or returned with a reason by staff; a returned one is corrected and submitted again.
DISCLOSURE = Workflow(
    "disclosure",
    {
        "draft": State(_l("Draft"), _l("Draft: not yet submitted")),
        "submitted": State(_l("Submitted: to review"), _l("Submitted: being reviewed by the bureau")),
        "returned": State(_l("Returned for changes"), _l("Returned: please correct it and submit again")),
        "approved": State(_l("Approved and public"), _l("Approved: published")),
    },
    (
        _t("draft", "submitted", ("applicant",), "submit", member_of_discloser),
        _t("returned", "submitted", ("applicant",), "resubmit", member_of_discloser),
        _t("submitted", "approved", STAFF_ROLES, "approve"),
        _t("submitted", "returned", STAFF_ROLES, "return"),
    ),
)

WORKFLOWS = {w.name: w for w in (ORGANISATION, CALL, PROPOSAL, REVIEW, ASSIGNMENT, AWARD, OBJECTION, CONTRACT,
                                 REPORT, EVALUATION, DISBURSEMENT, DISCLOSURE)}
