"""Award decisions from the ranking, the public notice, objections and confirmation (staff);
finance staff read the same pages."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from grants import permissions
from grants.awards.forms import AmountForm, NoteForm, ProposeForm, ResolveForm
from grants.models import Award, Call, Objection, Proposal
from grants.services import ServiceError
from grants.services import awards as service
from grants.views import flash_form_errors, flash_refusal, get_or_404, refuse

bp = Blueprint("awards", __name__)


def _call_for(call_id, *, decide: bool = False) -> Call:
    call = get_or_404(Call, call_id)
    allowed = permissions.can_decide_awards(current_user, call) if decide else permissions.can_view_awards(
        current_user, call)
    if not allowed:
        refuse()
    return call


def _back(call_id):
    return redirect(url_for("awards.call", call_id=call_id))


@bp.route("/calls/<int:call_id>")
@login_required
def call(call_id):
    call = _call_for(call_id)
    result, rows = service.decision_rows(call)
    return render_template(
        "awards/call.html", call=call, result=result, rows=rows, totals=service.totals(call),
        notice=service.notice_of(call), objections=service.objections_of(call),
        decision_refusal=service.decision_refusal(call), confirmation_refusal=service.confirmation_refusal(call),
        can_decide=permissions.can_decide_awards(current_user, call), propose_form=ProposeForm(),
        amount_form=AmountForm(), note_form=NoteForm(), resolve_form=ResolveForm())


@bp.route("/calls/<int:call_id>/propose", methods=["POST"])
@login_required
def propose(call_id):
    call = _call_for(call_id, decide=True)
    form = ProposeForm()
    if form.validate_on_submit():
        proposal = get_or_404(Proposal, form.proposal_id.data)
        try:
            award = service.propose(current_user, call, proposal, form.amount.data, form.note.data or "")
        except ServiceError as exc:
            flash_refusal(exc)
        else:
            flash(_("Award of %(amount)s proposed for \u201c%(title)s\u201d.", amount=award.amount,
                    title=proposal.title), "success")
    else:
        flash_form_errors(form)
    return _back(call.id)


@bp.route("/<int:award_id>/amount", methods=["POST"])
@login_required
def change_amount(award_id):
    award = get_or_404(Award, award_id)
    _call_for(award.call_id, decide=True)  # staff only: to anyone else the award does not exist
    form = AmountForm()
    if form.validate_on_submit():
        try:
            service.change_amount(current_user, award, form.amount.data, form.note.data or "")
        except ServiceError as exc:
            flash_refusal(exc)
        else:
            flash(_("The amount has been changed."), "success")
    else:
        flash_form_errors(form)
    return _back(award.call_id)


@bp.route("/<int:award_id>/withdraw", methods=["POST"])
@login_required
def withdraw(award_id):
    award = get_or_404(Award, award_id)
    _call_for(award.call_id, decide=True)  # staff only: to anyone else the award does not exist
    form = NoteForm()
    if form.validate_on_submit():
        try:
            service.withdraw(current_user, award, form.note.data or "")
        except ServiceError as exc:
            flash(exc.message, "error")
        else:
            flash(_("The proposed award has been withdrawn."), "success")
    else:
        flash_form_errors(form)
    return _back(award.call_id)


@bp.route("/calls/<int:call_id>/publish", methods=["POST"])
@login_required
def publish(call_id):
    call = _call_for(call_id, decide=True)
    if NoteForm().validate_on_submit():
        try:
            notice = service.publish_notice(current_user, call)
        except ServiceError as exc:
            flash(exc.message, "error")
        else:
            flash(_("The notice is published from %(start)s to %(end)s; the other applicants have been told.",
                    start=notice.starts_on.isoformat(), end=notice.ends_on.isoformat()), "success")
    return _back(call.id)


@bp.route("/objections/<int:objection_id>/resolve", methods=["POST"])
@login_required
def resolve(objection_id):
    objection = get_or_404(Objection, objection_id)
    _call_for(objection.call_id, decide=True)
    form = ResolveForm()
    if form.validate_on_submit():
        try:
            service.resolve_objection(current_user, objection, upheld=form.decision.data == "uphold",
                                      resolution=form.resolution.data)
        except ServiceError as exc:
            flash(exc.message, "error")
        else:
            flash(_("Objection %(ref)s resolved.", ref=objection.reference), "success")
    else:
        flash_form_errors(form)
    return _back(objection.call_id)


@bp.route("/calls/<int:call_id>/confirm", methods=["POST"])
@login_required
def confirm(call_id):
    call = _call_for(call_id, decide=True)
    if NoteForm().validate_on_submit():
        try:
            confirmed = service.confirm(current_user, call)
        except ServiceError as exc:
            flash(exc.message, "error")
        else:
            flash(_("%(n)d award(s) confirmed; the organisations have been told.", n=len(confirmed)), "success")
    return _back(call.id)
