"""Every status machine as data.

A workflow lists its states (with a staff label and an applicant-facing label) and its
transitions (source -> target, the roles that may take the step, the audit action name).
`grants.services.workflow.transition()` is the one place that applies a step.
The role "system" means a step the application takes by itself (for example from the clock).
"""
from __future__ import annotations

from dataclasses import dataclass, field

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

    def label(self, status: str):
        return self.states[status].label if status in self.states else status

    def applicant_label(self, status: str):
        return self.states[status].applicant_label if status in self.states else status


def _t(source, target, roles, action):
    return Transition(source, target, frozenset(roles), action)


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
        _t("rejected", "pending", ("applicant",), "resubmit"),
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
        _t("draft", "submitted", ("applicant",), "submit"),
        _t("submitted", "withdrawn", ("applicant",), "withdraw"),
        _t("withdrawn", "submitted", ("applicant",), "resubmit"),
        _t("withdrawn", "draft", ("applicant",), "reopen_draft"),
        _t("submitted", "screened_in", STAFF_ROLES, "screen_pass"),
        _t("submitted", "screened_out", STAFF_ROLES, "screen_fail"),
        _t("screened_in", "recommended", STAFF_ROLES, "recommend"),
        _t("screened_in", "not_funded", STAFF_ROLES, "not_fund"),
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
        _t("draft", "submitted", ("reviewer",), "submit"),
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
        _t("assigned", "cleared", ("reviewer",), "declare_none"),
        _t("assigned", "recused", ("reviewer",) + STAFF_ROLES, "recuse"),
        _t("cleared", "recused", STAFF_ROLES, "recuse"),
        _t("assigned", "removed", STAFF_ROLES, "remove"),
        _t("cleared", "removed", STAFF_ROLES, "remove"),
        _t("removed", "assigned", STAFF_ROLES, "reassign"),
    ),
)

WORKFLOWS = {w.name: w for w in (ORGANISATION, CALL, PROPOSAL, REVIEW, ASSIGNMENT)}
