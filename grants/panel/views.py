"""Review panel: staff manage a call's panel, assignments, conflicts and reminders; reviewers
see their queue and declare conflicts of interest before opening a proposal."""
from __future__ import annotations

from collections import defaultdict

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select

from grants import permissions
from grants.extensions import db
from grants.models import Call, Organisation, PanelMember, Proposal, ReviewAssignment, User
from grants.panel.forms import (
    AddAssignmentForm,
    AddMemberForm,
    AutoAssignForm,
    DeclareForm,
    RecordConflictForm,
    ReminderForm,
    RemoveForm,
)
from grants.services import ServiceError, redaction
from grants.services import panel as service
from grants.views import apply_field_errors, flash_form_errors, get_or_404, paginate, refuse

bp = Blueprint("panel", __name__)


# -- loading and authorising ---------------------------------------------------------------
def _staff_call(call_id) -> Call:
    call = get_or_404(Call, call_id)
    if not permissions.can_manage_panel(current_user, call):
        refuse()
    return call


def _staff_member(member_id) -> tuple[PanelMember, Call]:
    member = get_or_404(PanelMember, member_id)
    call = db.session.get(Call, member.call_id)
    if not permissions.can_manage_panel(current_user, call):
        refuse()
    return member, call


def _own_assignment(assignment_id) -> ReviewAssignment:
    """The reviewer's own open assignment; anything else (someone else's, recused, removed,
    proposal no longer under review) is not visible."""
    assignment = get_or_404(ReviewAssignment, assignment_id)
    if not permissions.can_see_assignment_in_queue(current_user, assignment):
        abort(404)
    return assignment


def _member_choices(call: Call, members=None):
    members = service.members(call) if members is None else members
    return [("", _("Choose…"))] + [(str(m.reviewer_id), m.reviewer.name) for m in members]


def _picker_choices(call: Call, kind: str, field: str) -> list[tuple[str, str]]:
    """A searchable picker's options: on a POST the one option posted (if it may be chosen, else
    none: the form then refuses it); on a page view the first PICKER_LIMIT matching the search
    box `<field>_q` (works without JavaScript; grants/static/picker.js searches as you type)."""
    if request.method == "POST":
        posted = request.form.get(field) or ""
        options = service.picker_options(call, kind, value=posted) if posted else []
    else:
        options = service.picker_options(call, kind, q=request.args.get(f"{field}_q", ""))
    return [("", _("Choose…"))] + options


def _add_member_form(call: Call, formdata=None) -> AddMemberForm:
    form = AddMemberForm(formdata=formdata) if formdata is not None else AddMemberForm()
    form.reviewer_id.choices = _picker_choices(call, "reviewer", "reviewer_id")
    return form


def _conflict_form(call: Call, members=None) -> RecordConflictForm:
    form = RecordConflictForm()
    form.reviewer_id.choices = _member_choices(call, members)
    form.target.choices = _picker_choices(call, "target", "target")
    return form


def _assignment_form(call: Call) -> AddAssignmentForm:
    form = AddAssignmentForm()
    form.reviewer_id.choices = _member_choices(call)
    form.proposal_id.choices = _picker_choices(call, "proposal", "proposal_id")
    return form


@bp.route("/calls/<int:call_id>/picker/<kind>")
@login_required
def picker(call_id, kind):
    """The options of a searchable picker matching ?q= (JSON), for grants/static/picker.js."""
    call = _staff_call(call_id)
    if kind not in service.PICKER_KINDS:
        abort(404)
    options = service.picker_options(call, kind, q=request.args.get("q", ""))
    return jsonify([{"value": v, "label": label} for v, label in options])


def _render_panel(call: Call, member_form=None, conflict_form=None, status=200):
    proposals = service.assignable_proposals(call)  # the screened-in proposals: counted and checked for gaps
    progress = service.progress(call)
    members = [row.member for row in progress]
    conflicts = service.conflicts(call)
    proposal_ids = {c.proposal_id for c in conflicts if c.proposal_id}
    org_ids = {c.organisation_id for c in conflicts if c.organisation_id}
    titles = dict(db.session.execute(select(Proposal.id, Proposal.title).where(Proposal.id.in_(proposal_ids))).all()) \
        if proposal_ids else {}
    org_names = dict(db.session.execute(select(Organisation.id, Organisation.name)
                                        .where(Organisation.id.in_(org_ids))).all()) if org_ids else {}
    return render_template(
        "panel/call.html", call=call, progress=progress, gaps=service.gaps(call, proposals, members),
        conflicts=conflicts, titles=titles, org_names=org_names, screened=len(proposals),
        member_form=member_form or _add_member_form(call),
        conflict_form=conflict_form or _conflict_form(call, members),
        auto_form=AutoAssignForm(), remind_form=ReminderForm(), remove_form=RemoveForm(),
        picker_limit=service.PICKER_LIMIT, users={m.reviewer_id: m.reviewer for m in members},
    ), status


# -- staff -------------------------------------------------------------------------------------
@bp.route("/")
@login_required
def index():
    if not permissions.is_staff(current_user):
        abort(403)
    page = paginate(select(Call).where(Call.status != "draft").order_by(Call.opens_at.desc(), Call.id.desc()))
    ids = [c.id for c in page.items]
    panel_sizes = dict(db.session.execute(select(PanelMember.call_id, func.count(PanelMember.id))
                                          .where(PanelMember.call_id.in_(ids)).group_by(PanelMember.call_id)).all())
    screened = dict(db.session.execute(select(Proposal.call_id, func.count(Proposal.id))
                                       .where(Proposal.call_id.in_(ids), Proposal.status == "screened_in")
                                       .group_by(Proposal.call_id)).all())
    return render_template("panel/index.html", page=page, panel_sizes=panel_sizes, screened=screened)


@bp.route("/calls/<int:call_id>")
@login_required
def call_panel(call_id):
    call = _staff_call(call_id)
    return _render_panel(call)


@bp.route("/calls/<int:call_id>/members", methods=["POST"])
@login_required
def add_member(call_id):
    call = _staff_call(call_id)
    form = _add_member_form(call, formdata=None)
    if form.validate_on_submit():
        reviewer = db.session.get(User, int(form.reviewer_id.data)) if form.reviewer_id.data.isdigit() else None
        try:
            service.add_member(current_user, call, reviewer, form.affiliation.data)
        except ServiceError as exc:
            apply_field_errors(form, exc)
        else:
            flash(_("%(name)s has joined the panel.", name=reviewer.name), "success")
            return redirect(url_for("panel.call_panel", call_id=call.id))
    return _render_panel(call, member_form=form, status=400)


@bp.route("/members/<int:member_id>/remove", methods=["POST"])
@login_required
def remove_member(member_id):
    member, call = _staff_member(member_id)
    name = member.reviewer.name
    if RemoveForm().validate_on_submit():
        try:
            n = service.remove_member(current_user, member)
        except ServiceError as exc:
            flash(exc.message, "error")
        else:
            flash(_("%(name)s has left the panel; %(n)d open assignment(s) removed.", name=name, n=n), "success")
    return redirect(url_for("panel.call_panel", call_id=call.id))


@bp.route("/calls/<int:call_id>/auto-assign", methods=["POST"])
@login_required
def auto_assign(call_id):
    call = _staff_call(call_id)
    form = AutoAssignForm()
    if form.validate_on_submit():
        try:
            outcome = service.auto_assign(current_user, call, seed=form.seed.data)
        except ServiceError as exc:
            flash(exc.message, "error")
        else:
            short = len(outcome.result.shortfalls)
            if short:
                flash(_("%(n)d new assignment(s) made; %(short)d proposal(s) could not get enough reviewers "
                        "(see below).", n=outcome.created, short=short), "error")
            else:
                flash(_("%(n)d new assignment(s) made; every proposal has its reviewers.", n=outcome.created),
                      "success")
    else:
        flash(_("The random seed must be a whole number from 0 to 2147483647."), "error")
    return redirect(url_for("panel.call_panel", call_id=call.id))


@bp.route("/calls/<int:call_id>/conflicts", methods=["POST"])
@login_required
def record_conflict(call_id):
    call = _staff_call(call_id)
    form = _conflict_form(call)
    if form.validate_on_submit():
        reviewer = db.session.get(User, int(form.reviewer_id.data))
        kind, _sep, ident = form.target.data.partition(":")
        proposal = db.session.get(Proposal, int(ident)) if kind == "p" else None
        organisation = db.session.get(Organisation, int(ident)) if kind == "o" else None
        try:
            n = service.record_conflict(current_user, call, reviewer, conflict_type=form.conflict_type.data,
                                        note=form.note.data, proposal=proposal, organisation=organisation)
        except ServiceError as exc:
            apply_field_errors(form, exc)
        else:
            flash(_("The conflict is recorded; %(n)d assignment(s) recused.", n=n), "success")
            return redirect(url_for("panel.call_panel", call_id=call.id))
    return _render_panel(call, conflict_form=form, status=400)


@bp.route("/members/<int:member_id>/remind", methods=["POST"])
@login_required
def remind(member_id):
    member, call = _staff_member(member_id)
    if ReminderForm().validate_on_submit():
        try:
            service.send_reminder(current_user, call, member.reviewer)
        except ServiceError as exc:
            flash(exc.message, "error")
        else:
            flash(_("A reminder to %(name)s is queued.", name=member.reviewer.name), "success")
    return redirect(url_for("panel.call_panel", call_id=call.id))


@bp.route("/calls/<int:call_id>/assignments")
@login_required
def assignments(call_id):
    call = _staff_call(call_id)
    page = paginate(
        select(Proposal).where(Proposal.call_id == call.id,
                               Proposal.status.in_(permissions.REVIEWABLE_PROPOSAL_STATUSES))
        .order_by(Proposal.id))
    ids = [p.id for p in page.items]
    by_proposal = defaultdict(list)
    if ids:
        for a in db.session.scalars(select(ReviewAssignment).where(ReviewAssignment.proposal_id.in_(ids))
                                    .order_by(ReviewAssignment.id)):
            by_proposal[a.proposal_id].append(a)
    reviewer_ids = {a.reviewer_id for rows in by_proposal.values() for a in rows}
    names = {}
    if reviewer_ids:
        names = dict(db.session.execute(select(User.id, User.name).where(User.id.in_(reviewer_ids))).all())
    orgs = dict(db.session.execute(select(Organisation.id, Organisation.name).where(
        Organisation.id.in_({p.organisation_id for p in page.items}))).all()) if ids else {}
    return render_template("panel/assignments.html", call=call, page=page, by_proposal=by_proposal, names=names,
                           orgs=orgs, form=_assignment_form(call), remove_form=RemoveForm(),
                           picker_limit=service.PICKER_LIMIT)


@bp.route("/calls/<int:call_id>/assignments", methods=["POST"])
@login_required
def add_assignment(call_id):
    call = _staff_call(call_id)
    form = _assignment_form(call)
    if form.validate_on_submit():
        proposal = db.session.get(Proposal, int(form.proposal_id.data))
        reviewer = db.session.get(User, int(form.reviewer_id.data))
        try:
            service.add_assignment(current_user, proposal, reviewer)
        except ServiceError as exc:
            flash(exc.message, "error")
        else:
            flash(_("%(name)s is assigned to \"%(title)s\".", name=reviewer.name, title=proposal.title), "success")
    else:
        flash(_("Choose a proposal and a reviewer of the panel."), "error")
    return redirect(url_for("panel.assignments", call_id=call.id))


@bp.route("/assignments/<int:assignment_id>/remove", methods=["POST"])
@login_required
def remove_assignment(assignment_id):
    assignment = get_or_404(ReviewAssignment, assignment_id)
    call = assignment.proposal.call
    if not permissions.can_manage_panel(current_user, call):
        refuse()
    form = RemoveForm()
    if form.validate_on_submit():
        try:
            service.remove_assignment(current_user, assignment, form.note.data)
        except ServiceError as exc:
            flash(exc.message, "error")
        else:
            flash(_("The assignment is removed."), "success")
    else:
        flash_form_errors(form)
    return redirect(url_for("panel.assignments", call_id=call.id))


# -- reviewers -----------------------------------------------------------------------------------
@bp.route("/queue")
@login_required
def queue():
    if not permissions.is_reviewer(current_user):
        abort(403)
    page = paginate(service.queue_query(current_user))
    rows = page.items
    done = service.submitted_proposal_ids(current_user, [a.proposal_id for a in rows])
    # each row as this reviewer may see it: the organisation's name only where its call is not blind
    rows = [(a, redaction.for_viewer(current_user, a.proposal)) for a in rows]
    return render_template("panel/queue.html", rows=rows, done=done, page=page)


@bp.route("/assignments/<int:assignment_id>/declare", methods=["GET", "POST"])
@login_required
def declare(assignment_id):
    assignment = _own_assignment(assignment_id)
    if assignment.status != "assigned":
        flash(_("You have declared no conflict for this proposal already."), "info")
        return redirect(url_for("panel.queue"))
    proposal = assignment.proposal
    form = DeclareForm()
    if form.validate_on_submit():
        conflict = form.decision.data == "conflict"
        try:
            service.declare(current_user, assignment, conflict=conflict, conflict_type=form.conflict_type.data or None,
                            note=form.note.data)
        except ServiceError as exc:
            apply_field_errors(form, exc)
        else:
            if conflict:
                flash(_("Your conflict is recorded and you are recused from this proposal; staff will assign "
                        "another reviewer."), "success")
                return redirect(url_for("panel.queue"))
            flash(_("Thank you. You may now open the proposal."), "success")
            return redirect(url_for("reviews.review", proposal_id=proposal.id))
    return render_template("panel/declare.html", assignment=assignment, proposal=proposal, call=proposal.call,
                           shown=redaction.for_viewer(current_user, proposal), form=form), (400 if form.errors else 200)
