"""The review panel of a call: members, conflicts of interest, assignment, progress, reminders.

Every function that changes something takes the acting user, checks, changes, audits and
queues its mail in one transaction (`with atomic():`).

Assignment policy (documented for staff on the panel page):
- automatic assignment keeps every existing assignment and only fills gaps up to the call's
  `reviewers_per_proposal`; assignments a reviewer was recused from or staff removed are never
  recreated automatically (staff may re-add a removed one by hand);
- a reviewer is never assigned a proposal they conflict with: a recorded conflict with the
  proposal or its organisation, membership of the organisation, or an affiliation (on the
  account or on the panel entry) equal to the organisation's name or USCC.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import and_, case, func, insert, or_, select
from sqlalchemy.orm import contains_eager

from grants import permissions
from grants.extensions import db
from grants.models import (
    AuditEvent,
    Call,
    Conflict,
    Membership,
    Organisation,
    PanelMember,
    Proposal,
    Review,
    ReviewAssignment,
    ReviewReminder,
    User,
    UserRole,
)
from grants.models.review import CONFLICT_TYPES
from grants.services import ServiceError, atomic, lock
from grants.services.assignment import Result, assign
from grants.services.audit import record
from grants.services.notify import notify as _notify
from grants.services.people import staff_users as _staff_users
from grants.services.workflow import transition
from grants.timeutil import local_today, now_utc, to_local
from grants.workflows import ASSIGNMENT

ACTIVE = ("assigned", "cleared")
ASSIGNABLE_STATUS = "screened_in"


# -- panel members -------------------------------------------------------------------------
def add_member(actor, call: Call, reviewer: User, affiliation: str | None = None) -> PanelMember:
    if not permissions.can_manage_panel(actor, call):
        raise ServiceError(_("You are not allowed to manage this panel."))
    if reviewer is None or not reviewer.active or not reviewer.has_role("reviewer"):
        raise ServiceError(_("Choose an active reviewer account."),
                           {"reviewer_id": [_("Choose an active reviewer account.")]})
    exists = db.session.scalar(
        select(PanelMember.id).where(PanelMember.call_id == call.id, PanelMember.reviewer_id == reviewer.id)
    )
    if exists:
        raise ServiceError(_("%(name)s is on this panel already.", name=reviewer.name),
                           {"reviewer_id": [_("%(name)s is on this panel already.", name=reviewer.name)]})
    affiliation = (affiliation or "").strip() or None
    with atomic():
        member = PanelMember(call_id=call.id, reviewer_id=reviewer.id, affiliation=affiliation)
        db.session.add(member)
        db.session.flush()
        record(actor, call, "panel.add_member", data={"reviewer_id": reviewer.id, "affiliation": affiliation})
    return member


def remove_member(actor, member: PanelMember) -> int:
    """Take a reviewer off the panel; their open assignments in the call are removed.
    Refused once they have submitted a review in the call. Returns the assignments removed."""
    call = db.session.get(Call, member.call_id)
    if not permissions.can_manage_panel(actor, call):
        raise ServiceError(_("You are not allowed to manage this panel."))
    submitted = db.session.scalar(
        select(func.count(Review.id)).join(Proposal, Proposal.id == Review.proposal_id)
        .where(Proposal.call_id == call.id, Review.reviewer_id == member.reviewer_id, Review.status == "submitted")
    )
    if submitted:
        raise ServiceError(_("%(name)s has submitted reviews for this call and stays on the panel.",
                             name=member.reviewer.name))
    assignments = list(db.session.scalars(
        select(ReviewAssignment).join(Proposal, Proposal.id == ReviewAssignment.proposal_id)
        .where(Proposal.call_id == call.id, ReviewAssignment.reviewer_id == member.reviewer_id,
               ReviewAssignment.status.in_(ACTIVE))
    ))
    with atomic():
        for a in assignments:
            transition(ASSIGNMENT, a, "removed", actor, note=_("Reviewer taken off the panel."))
        record(actor, call, "panel.remove_member", data={"reviewer_id": member.reviewer_id,
                                                          "assignments_removed": len(assignments)})
        db.session.delete(member)
    return len(assignments)


def members(call: Call) -> list[PanelMember]:
    """The call's panel with each reviewer loaded in the same statement (not their roles or
    organisations: one statement whatever the size of the panel)."""
    reviewer = contains_eager(PanelMember.reviewer)
    return list(db.session.scalars(
        select(PanelMember).join(User, User.id == PanelMember.reviewer_id)
        .options(reviewer.lazyload(User.role_rows), reviewer.lazyload(User.memberships))
        .where(PanelMember.call_id == call.id).order_by(User.name, User.id)
    ))


# -- searchable pickers (a panel of a big call: thousands of proposals and reviewers) ----------
PICKER_LIMIT = 50
PICKER_KINDS = ("reviewer", "target", "proposal")


def picker_options(call: Call, kind: str, *, q: str = "", value: str | None = None,
                   limit: int = PICKER_LIMIT) -> list[tuple[str, str]]:
    """(value, label) pairs of a picker on the call's panel pages, at most `limit`, matching the
    search text `q` (name, e-mail, title; empty: the first ones) — or, with `value`, that one
    option if it may be chosen (how a posted choice is checked). Kinds: "reviewer" (active
    reviewers not on the panel yet), "target" (a conflict's organisation "o:<id>" or proposal
    "p:<id>" among the proposals under review) and "proposal" (the proposals under review).
    At most 2 statements."""
    q = (q or "").strip()[:100]
    reviewable = and_(Proposal.call_id == call.id, Proposal.status.in_(permissions.REVIEWABLE_PROPOSAL_STATUSES))
    if kind == "reviewer":
        on_panel = select(PanelMember.reviewer_id).where(PanelMember.call_id == call.id)
        stmt = (select(User.id, User.name, User.email).join(UserRole, UserRole.user_id == User.id)
                .where(UserRole.role == "reviewer", User.active.is_(True), User.id.not_in(on_panel)))
        if value is not None:
            stmt = stmt.where(User.id == _int_or_none(value))
        elif q:
            stmt = stmt.where(or_(User.name.contains(q, autoescape=True), User.email.contains(q, autoescape=True)))
        return [(str(i), f"{name} ({email})") for i, name, email in
                db.session.execute(stmt.order_by(User.name, User.id).limit(limit))]
    if kind == "proposal" or kind == "target":
        out: list[tuple[str, str]] = []
        each = limit // 2 if kind == "target" else limit  # organisations and proposals, half each
        prefix, ident = ("", value) if kind == "proposal" else (value or "").partition(":")[::2]
        if kind == "target" and (value is None or prefix == "o"):
            stmt = (select(Organisation.id, Organisation.name).where(
                Organisation.id.in_(select(Proposal.organisation_id).where(reviewable))))
            if value is not None:
                stmt = stmt.where(Organisation.id == _int_or_none(ident))
            elif q:
                stmt = stmt.where(Organisation.name.contains(q, autoescape=True))
            out += [(f"o:{oid}", _("Organisation: %(name)s (standing conflict)", name=name)) for oid, name in
                    db.session.execute(stmt.order_by(Organisation.name, Organisation.id).limit(each))]
        if value is None or prefix == ("p" if kind == "target" else ""):
            stmt = select(Proposal.id, Proposal.title).where(reviewable)
            if value is not None:
                stmt = stmt.where(Proposal.id == _int_or_none(ident))
            elif q:
                stmt = stmt.where(Proposal.title.contains(q, autoescape=True))
            rows = db.session.execute(stmt.order_by(Proposal.id).limit(each)).all()
            if kind == "target":
                out += [(f"p:{pid}", _("Proposal: %(title)s", title=title)) for pid, title in rows]
            else:
                out += [(str(pid), title) for pid, title in rows]
        return out[:limit] if value is None else out
    raise ValueError(f"unknown picker {kind}")


def _int_or_none(text) -> int | None:
    text = str(text or "")
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else None


# -- conflicts -------------------------------------------------------------------------------
def conflict_pairs(call: Call, proposal_rows, panel_rows, assignment_rows=None) -> set[tuple[int, int]]:
    """(proposal_id, reviewer_id) pairs that may never be assigned, for the given proposals
    (rows with id, organisation_id, org name, org uscc) and panel (reviewer_id, panel
    affiliation, account affiliation)."""
    reviewer_ids = [r.reviewer_id for r in panel_rows]
    if not reviewer_ids or not proposal_rows:
        return set()
    by_org: dict[int, list[int]] = defaultdict(list)
    org_keys: dict[str, set[int]] = defaultdict(set)  # normalised name/USCC -> organisation ids
    for p in proposal_rows:
        by_org[p.organisation_id].append(p.id)
        org_keys[permissions.normalise_affiliation(p.org_name)].add(p.organisation_id)
        org_keys[permissions.normalise_affiliation(p.org_uscc)].add(p.organisation_id)
    pairs: set[tuple[int, int]] = set()

    def block_org(org_id, reviewer_id):
        for pid in by_org.get(org_id, ()):
            pairs.add((pid, reviewer_id))

    for r in panel_rows:
        for aff in (r.panel_affiliation, r.account_affiliation):
            key = permissions.normalise_affiliation(aff)
            if key:
                for org_id in org_keys.get(key, ()):
                    block_org(org_id, r.reviewer_id)
    # the call's organisations as a subquery, not a list of thousands of bound ids (planning such
    # a statement cost PostgreSQL half a second at the city's scale); others are ignored below
    call_orgs = select(Proposal.organisation_id).where(Proposal.call_id == call.id)
    for m in db.session.execute(
        select(Membership.user_id, Membership.organisation_id)
        .where(Membership.user_id.in_(reviewer_ids), Membership.organisation_id.in_(call_orgs))
    ):
        block_org(m.organisation_id, m.user_id)
    for c in db.session.execute(
        select(Conflict.reviewer_id, Conflict.proposal_id, Conflict.organisation_id)
        .where(Conflict.reviewer_id.in_(reviewer_ids))
        .where(or_(Conflict.organisation_id.in_(call_orgs),
                   Conflict.proposal_id.in_(select(Proposal.id).where(Proposal.call_id == call.id))))
    ):
        if c.proposal_id is not None:
            pairs.add((c.proposal_id, c.reviewer_id))
        if c.organisation_id is not None:
            block_org(c.organisation_id, c.reviewer_id)
    # Recused or removed assignments are not recreated automatically.
    if assignment_rows is None:
        assignment_rows = db.session.execute(
            select(ReviewAssignment.proposal_id, ReviewAssignment.reviewer_id, ReviewAssignment.status)
            .join(Proposal, Proposal.id == ReviewAssignment.proposal_id)
            .where(Proposal.call_id == call.id, ReviewAssignment.status.in_(("recused", "removed"))))
    for proposal_id, reviewer_id, status in assignment_rows:
        if status in ("recused", "removed"):
            pairs.add((proposal_id, reviewer_id))
    return pairs


def _assignable_proposals(call: Call):
    # Core rows on the session's connection: thousands of plain rows without ORM row processing
    return db.session.connection().execute(
        select(Proposal.id, Proposal.organisation_id, Organisation.name.label("org_name"),
               Organisation.uscc.label("org_uscc"))
        .join(Organisation, Organisation.id == Proposal.organisation_id)
        .where(Proposal.call_id == call.id, Proposal.status == ASSIGNABLE_STATUS)
        .order_by(Proposal.id)
    ).all()


def _panel_rows(call: Call):
    return db.session.execute(
        select(PanelMember.reviewer_id, PanelMember.affiliation.label("panel_affiliation"),
               User.affiliation.label("account_affiliation"))
        .join(User, User.id == PanelMember.reviewer_id)
        .where(PanelMember.call_id == call.id, User.active.is_(True))
        .order_by(PanelMember.reviewer_id)
    ).all()


def _active_pairs(call: Call) -> list[tuple[int, int]]:
    return [tuple(row) for row in db.session.execute(
        select(ReviewAssignment.proposal_id, ReviewAssignment.reviewer_id)
        .join(Proposal, Proposal.id == ReviewAssignment.proposal_id)
        .where(Proposal.call_id == call.id, ReviewAssignment.status.in_(ACTIVE))
    )]


def declare(actor, assignment: ReviewAssignment, *, conflict: bool, conflict_type: str | None = None,
            note: str = "") -> ReviewAssignment:
    """The reviewer declares, before opening the proposal: no conflict (cleared) or a conflict
    (a Conflict row, the assignment recused at once, staff notified to reassign)."""
    if not permissions.can_declare_conflict(actor, assignment):
        raise ServiceError(_("You cannot declare for this assignment (any more)."))
    note = (note or "").strip()
    if conflict:
        errors = {}
        if conflict_type not in CONFLICT_TYPES:
            errors["conflict_type"] = [_("Choose the kind of conflict.")]
        if not note:
            errors["note"] = [_("Describe the conflict in a few words.")]
        if errors:
            raise ServiceError(_("Please complete the conflict declaration."), errors)
    proposal = assignment.proposal
    with atomic():
        assignment.declared_at = now_utc()
        if not conflict:
            transition(ASSIGNMENT, assignment, "cleared", actor)
        else:
            db.session.add(Conflict(reviewer_id=actor.id, proposal_id=proposal.id, conflict_type=conflict_type,
                                    note=note, recorded_by_id=actor.id))
            transition(ASSIGNMENT, assignment, "recused", actor, note=note, data={"conflict_type": conflict_type},
                       to=_staff_users(), template="panel_conflict_declared", kind="panel.conflict",
                       context={"reviewer": actor, "proposal": proposal, "call": proposal.call,
                                "conflict_type": conflict_type, "note": note})
    return assignment


def record_conflict(actor, call: Call, reviewer: User, *, conflict_type: str, note: str = "",
                    proposal: Proposal | None = None, organisation: Organisation | None = None) -> int:
    """Staff record a conflict of a reviewer with one proposal or (standing) with an
    organisation; every open assignment it touches is recused. Returns how many."""
    if not permissions.can_manage_panel(actor, call):
        raise ServiceError(_("You are not allowed to manage this panel."))
    errors = {}
    if conflict_type not in CONFLICT_TYPES:
        errors["conflict_type"] = [_("Choose the kind of conflict.")]
    if (proposal is None) == (organisation is None):
        errors["target"] = [_("Choose either a proposal or an organisation.")]
    if proposal is not None and proposal.call_id != call.id:
        errors["target"] = [_("Choose a proposal of this call.")]
    if errors:
        raise ServiceError(_("Please complete the conflict record."), errors)
    stmt = select(ReviewAssignment).where(ReviewAssignment.reviewer_id == reviewer.id,
                                          ReviewAssignment.status.in_(ACTIVE))
    if proposal is not None:
        stmt = stmt.where(ReviewAssignment.proposal_id == proposal.id)
    else:
        stmt = stmt.join(Proposal, Proposal.id == ReviewAssignment.proposal_id).where(
            Proposal.organisation_id == organisation.id)
    touched = list(db.session.scalars(stmt))
    note = (note or "").strip()
    with atomic():
        conflict = Conflict(reviewer_id=reviewer.id, proposal_id=proposal.id if proposal else None,
                            organisation_id=organisation.id if organisation else None,
                            conflict_type=conflict_type, note=note, recorded_by_id=actor.id)
        db.session.add(conflict)
        db.session.flush()
        record(actor, call, "panel.record_conflict", note=note,
               data={"conflict_id": conflict.id, "reviewer_id": reviewer.id, "conflict_type": conflict_type,
                     "proposal_id": conflict.proposal_id, "organisation_id": conflict.organisation_id,
                     "recused": [a.id for a in touched]})
        for a in touched:
            transition(ASSIGNMENT, a, "recused", actor, note=note, data={"conflict_id": conflict.id})
    return len(touched)


def conflicts(call: Call) -> list[Conflict]:
    """Conflicts that matter for this call: with its proposals, or standing with the
    organisation of one of its proposals, or of a panel member."""
    panel_ids = select(PanelMember.reviewer_id).where(PanelMember.call_id == call.id)
    call_proposals = select(Proposal.id).where(Proposal.call_id == call.id)
    call_orgs = select(Proposal.organisation_id).where(Proposal.call_id == call.id)
    return list(db.session.scalars(
        select(Conflict).where(
            or_(Conflict.proposal_id.in_(call_proposals),
                and_(Conflict.organisation_id.in_(call_orgs), Conflict.reviewer_id.in_(panel_ids)))
        ).order_by(Conflict.created_at.desc(), Conflict.id.desc())
    ))


# -- assignment ------------------------------------------------------------------------------
@dataclass
class AutoAssignOutcome:
    created: int
    result: Result


def auto_assign(actor, call: Call, seed: int | None = None, notify: bool = True) -> AutoAssignOutcome:
    """Fill every screened-in proposal of the call up to k reviewers from the panel (see the
    module docstring); one transaction, one audit event listing the new pairs, and one mail
    per reviewer who got new proposals."""
    if not permissions.can_manage_panel(actor, call):
        raise ServiceError(_("You are not allowed to manage this panel."))
    seed = call.id if seed is None else seed
    proposals = _assignable_proposals(call)
    panel = _panel_rows(call)
    if not panel:
        raise ServiceError(_("Add reviewers to the panel first."))
    blocked = conflict_pairs(call, proposals, panel)
    existing = _active_pairs(call)
    result = assign([p.id for p in proposals], [r.reviewer_id for r in panel], call.reviewers_per_proposal,
                    blocked, seed=seed, existing=existing)
    now = now_utc()
    with atomic():
        lock(call)  # one auto-assignment of a call at a time
        if result.pairs:
            created = db.session.execute(
                insert(ReviewAssignment).returning(ReviewAssignment.id, ReviewAssignment.proposal_id,
                                                   ReviewAssignment.reviewer_id),
                [{"proposal_id": p, "reviewer_id": r, "status": "assigned", "assigned_by_id": actor.id,
                  "assigned_at": now, "version": 1} for p, r in result.pairs],
            ).all()
            # Each new assignment gets its own audit event, as a manual one does.
            db.session.execute(insert(AuditEvent), [
                {"at": now, "actor_id": actor.id, "object_type": "reviewassignment", "object_id": row.id,
                 "action": "assignment.add", "to_status": "assigned",
                 "data": {"proposal_id": row.proposal_id, "reviewer_id": row.reviewer_id, "auto": True}}
                for row in created
            ])
        counts: dict[int, int] = defaultdict(int)
        for _p, r in result.pairs:
            counts[r] += 1
        reviewers = list(db.session.scalars(select(User).where(User.id.in_(list(counts))))) if notify else []
        _notify(actor, call, "panel.auto_assign", data={
            "seed": seed, "k": call.reviewers_per_proposal, "created": len(result.pairs),
            "pairs": [list(pair) for pair in result.pairs],
            "shortfalls": [[s.proposal_id, s.assigned] for s in result.shortfalls],
        }, to=reviewers, template="panel_assigned", kind="panel.assigned",
            context=lambda user: {"call": call, "count": counts[user.id]})
    return AutoAssignOutcome(len(result.pairs), result)


def add_assignment(actor, proposal: Proposal, reviewer: User) -> ReviewAssignment:
    call = proposal.call
    if not permissions.can_manage_panel(actor, call):
        raise ServiceError(_("You are not allowed to manage this panel."))
    if proposal.status not in permissions.REVIEWABLE_PROPOSAL_STATUSES:
        raise ServiceError(_("Only proposals that passed screening can be assigned."))
    on_panel = db.session.scalar(
        select(PanelMember.id).where(PanelMember.call_id == call.id, PanelMember.reviewer_id == reviewer.id))
    if not on_panel:
        raise ServiceError(_("%(name)s is not on this call's panel.", name=reviewer.name))
    if permissions.reviewer_conflicted(reviewer, proposal):
        raise ServiceError(_("%(name)s has a conflict of interest with this proposal.", name=reviewer.name))
    assignment = permissions.reviewer_assignment(reviewer, proposal)
    if assignment is not None and assignment.status in ACTIVE:
        raise ServiceError(_("%(name)s is assigned to this proposal already.", name=reviewer.name))
    if assignment is not None and assignment.status == "recused":
        raise ServiceError(_("%(name)s was recused from this proposal.", name=reviewer.name))
    with atomic():
        if assignment is None:
            assignment = ReviewAssignment(proposal_id=proposal.id, reviewer_id=reviewer.id, status="assigned",
                                          assigned_by_id=actor.id)
            db.session.add(assignment)
            _notify(actor, assignment, "assignment.add", to_status="assigned",
                    data={"proposal_id": proposal.id, "reviewer_id": reviewer.id}, to=[reviewer],
                    template="panel_assigned", kind="panel.assigned", context={"call": call, "count": 1})
        else:  # a removed one, back again
            lock(assignment)
            assignment.assigned_by_id = actor.id
            assignment.assigned_at = now_utc()
            assignment.declared_at = None
            transition(ASSIGNMENT, assignment, "assigned", actor, to=[reviewer], template="panel_assigned",
                       kind="panel.assigned", context={"call": call, "count": 1})
    return assignment


def remove_assignment(actor, assignment: ReviewAssignment, note: str = "") -> ReviewAssignment:
    call = assignment.proposal.call
    if not permissions.can_manage_panel(actor, call):
        raise ServiceError(_("You are not allowed to manage this panel."))
    if assignment.status not in ACTIVE:
        raise ServiceError(_("This assignment is not active."))
    submitted = db.session.scalar(select(Review.id).where(
        Review.proposal_id == assignment.proposal_id, Review.reviewer_id == assignment.reviewer_id,
        Review.status == "submitted"))
    if submitted:
        raise ServiceError(_("The review has been submitted; the assignment cannot be removed."))
    with atomic():
        transition(ASSIGNMENT, assignment, "removed", actor, note=(note or "").strip() or None)
    return assignment


# -- views of the panel ------------------------------------------------------------------------
@dataclass
class Gap:
    proposal: object  # row: id, title, organisation name
    assigned: int
    needed: int
    free: int  # eligible panel reviewers not assigned yet
    panel_size: int
    conflicted: int

    @property
    def reason(self) -> str:
        if self.free + self.assigned >= self.needed:
            return _("%(n)d eligible reviewers are free: run the automatic assignment or add one by hand.",
                     n=self.free)
        if self.conflicted:
            return _("Only %(free)d of %(k)d reviewers are free of conflicts (%(c)d of the %(panel)d on the panel "
                     "conflict or were recused or removed).", free=self.free + self.assigned, k=self.needed,
                     c=self.conflicted, panel=self.panel_size)
        return _("The panel has only %(panel)d reviewers; %(k)d are needed.", panel=self.panel_size, k=self.needed)


def assignable_proposals(call: Call):
    """Rows (id, organisation_id, org_name, org_uscc) of the call's proposals under review."""
    return _assignable_proposals(call)


@dataclass
class PanelRow:
    reviewer_id: int
    panel_affiliation: str | None
    account_affiliation: str | None


def gaps(call: Call, proposals=None, members=None) -> list[Gap]:
    """Screened-in proposals with fewer than k active reviewers, and why (`proposals`: the
    rows of assignable_proposals(call), `members`: the panel with reviewers loaded, when the
    caller has them)."""
    proposals = _assignable_proposals(call) if proposals is None else proposals
    if members is None:
        panel = _panel_rows(call)
    else:
        panel = sorted((PanelRow(m.reviewer_id, m.affiliation, m.reviewer.affiliation) for m in members
                        if m.reviewer.active), key=lambda r: r.reviewer_id)
    assignments = db.session.connection().execute(  # Core rows (thousands at the city's scale)
        select(ReviewAssignment.proposal_id, ReviewAssignment.reviewer_id, ReviewAssignment.status)
        .join(Proposal, Proposal.id == ReviewAssignment.proposal_id).where(Proposal.call_id == call.id)).all()
    blocked = conflict_pairs(call, proposals, panel, assignments)
    active: dict[int, set[int]] = defaultdict(set)
    for p, r, status in assignments:
        if status in ACTIVE:
            active[p].add(r)
    k = call.reviewers_per_proposal
    panel_ids = {r.reviewer_id for r in panel}
    short = [p for p in proposals if len(active[p.id]) < k]
    if not short:
        return []
    titles = dict(db.session.execute(
        select(Proposal.id, Proposal.title).where(Proposal.id.in_([p.id for p in short]))).all())
    out = []
    for p in short:
        mine = active[p.id]
        conflicted = sum(1 for r in panel_ids if (p.id, r) in blocked)
        free = sum(1 for r in panel_ids if (p.id, r) not in blocked and r not in mine)
        row = {"id": p.id, "title": titles.get(p.id, ""), "org_name": p.org_name}
        out.append(Gap(row, len(mine), k, free, len(panel_ids), conflicted))
    return out


@dataclass
class Progress:
    reviewer: User
    member: PanelMember
    assigned: int
    done: int
    recused: int
    last_reminder: date | None

    @property
    def unfinished(self) -> int:
        return self.assigned - self.done


def progress(call: Call) -> list[Progress]:
    """Per panel member: active assignments, submitted reviews among them, recusals — in a
    constant number of queries."""
    active_case = case((ReviewAssignment.status.in_(ACTIVE), 1), else_=0)
    rows = db.session.execute(
        select(ReviewAssignment.reviewer_id,
               func.sum(active_case),
               func.sum(case((and_(ReviewAssignment.status.in_(ACTIVE), Review.id.is_not(None)), 1), else_=0)),
               func.sum(case((ReviewAssignment.status == "recused", 1), else_=0)))
        .join(Proposal, Proposal.id == ReviewAssignment.proposal_id)
        .outerjoin(Review, and_(Review.proposal_id == ReviewAssignment.proposal_id,
                                Review.reviewer_id == ReviewAssignment.reviewer_id, Review.status == "submitted"))
        .where(Proposal.call_id == call.id)
        .group_by(ReviewAssignment.reviewer_id)
    ).all()
    counts = {r[0]: (int(r[1] or 0), int(r[2] or 0), int(r[3] or 0)) for r in rows}
    last_reminder = (select(func.max(ReviewReminder.sent_on))
                     .where(ReviewReminder.reviewer_id == PanelMember.reviewer_id)
                     .correlate(PanelMember).scalar_subquery())
    reviewer = contains_eager(PanelMember.reviewer)
    panel = db.session.execute(
        select(PanelMember, last_reminder).join(User, User.id == PanelMember.reviewer_id)
        .options(reviewer.lazyload(User.role_rows), reviewer.lazyload(User.memberships))
        .where(PanelMember.call_id == call.id).order_by(User.name, User.id)).all()
    return [Progress(m.reviewer, m, *counts.get(m.reviewer_id, (0, 0, 0)), last) for m, last in panel]


def queue_for(reviewer: User) -> list[ReviewAssignment]:
    """The reviewer's open assignments (never recused or removed ones), newest call first."""
    return list(db.session.scalars(queue_query(reviewer)))


def queue_query(reviewer: User):
    """queue_for() as a statement (the queue page paginates it)."""
    return (
        select(ReviewAssignment)
        .join(Proposal, Proposal.id == ReviewAssignment.proposal_id)
        .join(Call, Call.id == Proposal.call_id)
        .options(contains_eager(ReviewAssignment.proposal).contains_eager(Proposal.call),
                 # the organisation: its name on non-blind calls, masked out of titles on blind ones
                 contains_eager(ReviewAssignment.proposal).selectinload(Proposal.organisation))
        .where(ReviewAssignment.reviewer_id == reviewer.id, ReviewAssignment.status.in_(ACTIVE),
               Proposal.status.in_(permissions.REVIEWABLE_PROPOSAL_STATUSES))
        .order_by(Call.review_deadline.is_(None), Call.review_deadline, Call.id.desc(), Proposal.id)
    )


def submitted_proposal_ids(reviewer: User, proposal_ids) -> set[int]:
    if not proposal_ids:
        return set()
    return set(db.session.scalars(select(Review.proposal_id).where(
        Review.reviewer_id == reviewer.id, Review.status == "submitted", Review.proposal_id.in_(list(proposal_ids)))))


# -- reminders --------------------------------------------------------------------------------
def _unfinished_by_reviewer(call_ids) -> dict[int, dict[int, int]]:
    """reviewer_id -> {call_id: unfinished reviews} for screened-in proposals of the calls."""
    rows = db.session.execute(
        select(ReviewAssignment.reviewer_id, Proposal.call_id, func.count(ReviewAssignment.id))
        .join(Proposal, Proposal.id == ReviewAssignment.proposal_id)
        .outerjoin(Review, and_(Review.proposal_id == ReviewAssignment.proposal_id,
                                Review.reviewer_id == ReviewAssignment.reviewer_id, Review.status == "submitted"))
        .where(Proposal.call_id.in_(list(call_ids)), Proposal.status == ASSIGNABLE_STATUS,
               ReviewAssignment.status.in_(ACTIVE), Review.id.is_(None))
        .group_by(ReviewAssignment.reviewer_id, Proposal.call_id)
    ).all()
    out: dict[int, dict[int, int]] = defaultdict(dict)
    for reviewer_id, call_id, n in rows:
        out[reviewer_id][call_id] = int(n)
    return out


def _reminded_today(reviewer_ids, today: date) -> set[int]:
    if not reviewer_ids:
        return set()
    return set(db.session.scalars(select(ReviewReminder.reviewer_id).where(
        ReviewReminder.reviewer_id.in_(list(reviewer_ids)), ReviewReminder.sent_on == today)))


def send_reminder(actor, call: Call, reviewer: User, today: date | None = None) -> ReviewReminder:
    """Staff remind one reviewer of their unfinished reviews in the call (once per day)."""
    if not permissions.can_manage_panel(actor, call):
        raise ServiceError(_("You are not allowed to manage this panel."))
    today = today or local_today()
    unfinished = _unfinished_by_reviewer([call.id]).get(reviewer.id, {}).get(call.id, 0)
    if not unfinished:
        raise ServiceError(_("%(name)s has no unfinished reviews in this call.", name=reviewer.name))
    if reviewer.id in _reminded_today([reviewer.id], today):
        raise ServiceError(_("%(name)s has been reminded today already.", name=reviewer.name))
    with atomic():
        reminder = ReviewReminder(reviewer_id=reviewer.id, call_id=call.id, sent_on=today, kind="manual",
                                  unfinished=unfinished, sent_by_id=actor.id)
        db.session.add(reminder)
        _notify(actor, call, "panel.remind", data={"reviewer_id": reviewer.id, "unfinished": unfinished},
                to=[reviewer], template="panel_reminder", kind="panel.reminder",
                context={"items": [(call, unfinished)]})
    return reminder


def remind_due(days: int, now: datetime | None = None) -> int:
    """For calls whose review deadline falls within `days` days (and has not passed), queue
    one mail per reviewer with unfinished reviews, at most once per reviewer per local day.
    Returns the number of reviewers reminded."""
    now = now or now_utc()
    today = to_local(now).date()
    calls = {c.id: c for c in db.session.scalars(select(Call).where(
        Call.review_deadline.is_not(None), Call.review_deadline >= now,
        Call.review_deadline <= now + timedelta(days=days)))}
    if not calls:
        return 0
    unfinished = _unfinished_by_reviewer(calls)
    skip = _reminded_today(unfinished, today)
    due = {r: per_call for r, per_call in unfinished.items() if r not in skip}
    if not due:
        return 0
    sent = 0
    with atomic():
        for user in db.session.scalars(select(User).where(User.id.in_(list(due)), User.active.is_(True))
                                       .order_by(User.id)):
            per_call = due[user.id]
            items = sorted(((calls[c], n) for c, n in per_call.items()), key=lambda x: (x[0].review_deadline, x[0].id))
            db.session.add(ReviewReminder(reviewer_id=user.id, call_id=items[0][0].id, sent_on=today,
                                          kind="scheduled", unfinished=sum(per_call.values())))
            _notify(None, user, "panel.remind_scheduled", data={"calls": {str(c.id): n for c, n in items}},
                    to=[user], template="panel_reminder", kind="panel.reminder", context={"items": items})
            sent += 1
    return sent

