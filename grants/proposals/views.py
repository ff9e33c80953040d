"""Proposals: applicant editing and submission, attachments, staff screening and export."""
from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from grants import permissions
from grants.exports import spreadsheet, tables
from grants.extensions import db
from grants.models import Attachment, Call, Proposal
from grants.proposals.forms import AttachmentForm, ConfirmForm, ProposalForm, ScreenForm, WithdrawForm, draft_form
from grants.routing import parse_id
from grants.services import ServiceError, files, redaction
from grants.services import proposals as service
from grants.services.eligibility import check as eligibility_check
from grants.services.proposals import DraftConflict
from grants.timeutil import local_today, now_utc, to_local
from grants.views import apply_field_errors, flash_form_errors, flash_refusal, get_or_404, paginate, refuse

bp = Blueprint("proposals", __name__)

SECTIONS = ("budget_lines", "indicators", "milestones")
# The whole upload request may carry one file of at most 10 MB plus the form fields.
UPLOAD_REQUEST_LIMIT = files.MAX_FILE_BYTES + 256 * 1024


# -- loading --------------------------------------------------------------------------------
def _visible_or_404(proposal_id) -> Proposal:
    proposal = get_or_404(Proposal, proposal_id)
    if not permissions.can_view_proposal(current_user, proposal):
        abort(404)
    return proposal


def _call_or_404(call_id) -> Call:
    call = get_or_404(Call, call_id)
    if call.status == "draft" and not permissions.is_staff(current_user):
        abort(404)
    return call


def _apply_errors(form, exc: ServiceError) -> dict:
    """Field errors beside their fields; row-section errors returned for the template."""
    sections = {name: list(exc.field_errors.get(name, [])) for name in SECTIONS}
    others = {k: v for k, v in exc.field_errors.items() if k not in SECTIONS}
    if others or not any(sections.values()):
        apply_field_errors(form, ServiceError(exc.message, others))
    return sections


def _render_edit(proposal, form, *, sections=None, general=None, att_form=None, status=200, draft_notice=False):
    return render_template(
        "proposals/edit.html", proposal=proposal, call=proposal.call, form=form,
        sections=sections or {}, general=general or [], att_form=att_form or AttachmentForm(),
        confirm_form=ConfirmForm(), files=files, draft_notice=draft_notice,
        figures=service.budget_figures(proposal.call, proposal.budget_lines, proposal.amount_requested,
                                       proposal.matching_funds),
        limits=service.budget_limits(proposal.call), complete=service.section_completeness(proposal),
        section_names=[key for key, _fields in service.FORM_SECTIONS],
    ), status


def _saved_form(proposal) -> ProposalForm:
    return draft_form(proposal, required=service.REQUIRED_FIELDS)


def _posted_form(proposal) -> ProposalForm:
    """The posted edit form, checked: its errors mark what cannot be saved (the rest is saved)."""
    form = ProposalForm(call=proposal.call, required=service.REQUIRED_FIELDS)
    form.validate_on_submit()
    return form


# -- applicant ----------------------------------------------------------------------------
@bp.route("/")
@login_required
def index():
    org = current_user.organisation if permissions.is_applicant(current_user) else None
    if org is None:
        abort(403)
    stmt = (select(Proposal).where(Proposal.organisation_id == org.id)
            .options(selectinload(Proposal.call))  # each row shows its call: one statement for the page
            .order_by(Proposal.updated_at.desc(), Proposal.id.desc()))
    page = paginate(stmt)
    return render_template("proposals/index.html", page=page, org=org,
                           timelines=service.timelines([p.id for p in page.items]))


@bp.route("/calls/<int:call_id>/new", methods=["GET", "POST"])
@login_required
def new(call_id):
    call = _call_or_404(call_id)
    if not permissions.can_start_proposal(current_user):
        abort(403)
    org = current_user.organisation
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            proposal = service.start(current_user, call, org)
        except ServiceError as exc:
            flash(exc.message, "error")
        else:
            flash(_("A draft proposal has been started. Save it at any point; submit it when it is complete."),
                  "success")
            return redirect(url_for("proposals.edit", proposal_id=proposal.id))
    existing = list(db.session.scalars(
        select(Proposal).where(Proposal.call_id == call.id, Proposal.organisation_id == org.id).order_by(Proposal.id)
    ))
    return render_template("proposals/new.html", call=call, org=org, form=form, existing=existing,
                           failures=eligibility_check(call, org, local_today()),
                           accepting=service._accepting(call, now_utc()),
                           limit_reached=service.limit_reached(call, len(existing)),
                           limit_message=service.limit_message(call))


@bp.route("/<int:proposal_id>")
@login_required
def detail(proposal_id):
    return _render_detail(_visible_or_404(proposal_id))


def _render_detail(proposal, screen_form=None):
    staff_view = permissions.is_staff(current_user)
    return render_template(
        "proposals/detail.html", proposal=proposal, call=proposal.call, timeline=service.timeline(proposal),
        confirm_form=ConfirmForm(), withdraw_form=WithdrawForm(), screen_form=screen_form or ScreenForm(),
        staff_view=staff_view, shown=redaction.for_viewer(current_user, proposal),
        eligibility=service.eligibility_at_submission(proposal) if staff_view else None,
    )


@bp.route("/<int:proposal_id>/edit", methods=["GET", "POST"])
@login_required
def edit(proposal_id):
    proposal = _visible_or_404(proposal_id)
    if not permissions.can_edit_proposal(current_user, proposal):
        if proposal.organisation_id in current_user.organisation_ids and proposal.status != "draft":
            flash(_("Only a draft can be changed."), "info")
            return redirect(url_for("proposals.detail", proposal_id=proposal.id))
        abort(403)
    if request.method == "GET":
        form = _saved_form(proposal)
        if request.args.get("check"):
            fields, general = service.problems(proposal)
            exc = ServiceError("", fields)
            sections = _apply_errors(form, exc) if fields else {}
            return _render_edit(proposal, form, sections=sections, general=general)
        return _render_edit(proposal, form, draft_notice=bool(proposal.draft_raw))
    # Every valid field is saved; what cannot be read is kept as typed with its message.
    form = _posted_form(proposal)
    data, raw = form.split()
    submitting = request.form.get("action") == "submit"
    try:
        if submitting:
            service.save_and_submit(current_user, proposal, data, raw, version=form.posted_version())
        else:
            service.save_draft(current_user, proposal, data, raw, version=form.posted_version())
    except DraftConflict as exc:
        flash(exc.message, "error")
        return _render_edit(proposal, form, status=409)
    except ServiceError as exc:
        if not getattr(exc, "draft_saved", False):
            sections = _apply_errors(form, exc)
            flash(_("Nothing was saved: please correct the marked fields. What you typed is kept below."), "error")
            return _render_edit(proposal, form, sections=sections, status=422)
        form = _saved_form(proposal)
        sections = _apply_errors(form, exc)
        flash(_("The draft has been saved, but it cannot be submitted yet: please correct the problems shown."),
              "error")
        return _render_edit(proposal, form, sections=sections, general=getattr(exc, "general", []), status=422)
    if not submitting:
        count = form.error_count()
        if count:
            flash(ngettext("Saved; %(num)d place needs changing (marked below).",
                           "Saved; %(num)d places need changing (marked below).", count), "error")
        else:
            flash(_("The draft has been saved."), "success")
        return redirect(url_for("proposals.edit", proposal_id=proposal.id))
    flash(_("The proposal has been submitted. A confirmation has been sent to your organisation's users."), "success")
    return redirect(url_for("proposals.detail", proposal_id=proposal.id))


@bp.route("/<int:proposal_id>/autosave", methods=["POST"])
@login_required
def autosave(proposal_id):
    """The edit form sent by the page's script (every ~20 s after a change, and on leaving):
    saved as the Save button saves it; the answer is JSON for the page to show."""
    proposal = _visible_or_404(proposal_id)
    if not permissions.can_edit_proposal(current_user, proposal):
        if proposal.organisation_id in current_user.organisation_ids and proposal.status != "draft":
            return jsonify(ok=False, message=_("Only a draft can be changed.")), 409
        abort(403)
    form = _posted_form(proposal)
    data, raw = form.split()
    try:
        service.save_draft(current_user, proposal, data, raw, version=form.posted_version())
    except DraftConflict as exc:
        return jsonify(ok=False, conflict=True, message=exc.message), 409
    except ServiceError as exc:
        return jsonify(ok=False, message=exc.message,
                       errors={k: [str(m) for m in v] for k, v in exc.field_errors.items()}), 422
    at = to_local(proposal.updated_at).strftime("%H:%M")
    count = form.error_count()
    figures = service.budget_figures(proposal.call, proposal.budget_lines, proposal.amount_requested,
                                     proposal.matching_funds)
    return jsonify(
        ok=True, version=proposal.version, saved_at=at, count=count,
        message=(ngettext("Saved automatically at %(at)s; %(num)d place needs changing.",
                          "Saved automatically at %(at)s; %(num)d places need changing.", count, at=at)
                 if count else _("Saved automatically at %(at)s", at=at)),
        errors=form.field_errors(), sections=service.section_completeness(proposal),
        figures={k: (None if v is None else str(v)) for k, v in figures.items()},
        problems_html=render_template("proposals/_problems.html", form=form, general=[], sections={},
                                      draft_notice=True),
    )


@bp.route("/<int:proposal_id>/submit", methods=["POST"])
@login_required
def submit(proposal_id):
    """Submit (or resubmit a withdrawn proposal) from the detail page."""
    proposal = _visible_or_404(proposal_id)
    if not (permissions.can_edit_proposal(current_user, proposal)
            or permissions.can_resubmit_proposal(current_user, proposal)):
        abort(403)
    if ConfirmForm().validate_on_submit():
        try:
            service.submit(current_user, proposal)
        except ServiceError as exc:
            if proposal.status == "draft":
                flash(exc.message, "error")
                return redirect(url_for("proposals.edit", proposal_id=proposal.id, check=1))
            for message in [*getattr(exc, "general", []), *(m for ms in exc.field_errors.values() for m in ms)]:
                flash(message, "error")
            if not exc.field_errors and not getattr(exc, "general", None):
                flash(exc.message, "error")
        else:
            flash(_("The proposal has been submitted. A confirmation has been sent to your organisation's users."),
                  "success")
    return redirect(url_for("proposals.detail", proposal_id=proposal.id))


@bp.route("/<int:proposal_id>/withdraw", methods=["POST"])
@login_required
def withdraw(proposal_id):
    proposal = _visible_or_404(proposal_id)
    if not permissions.can_withdraw_proposal(current_user, proposal):
        abort(403)
    form = WithdrawForm()
    if form.validate_on_submit():
        try:
            service.withdraw(current_user, proposal, reason=form.reason.data)
        except ServiceError as exc:
            flash(exc.message, "error")
        else:
            flash(_("The proposal has been withdrawn."), "success")
    else:
        flash_form_errors(form)
    return redirect(url_for("proposals.detail", proposal_id=proposal.id))


@bp.route("/<int:proposal_id>/reopen", methods=["POST"])
@login_required
def reopen(proposal_id):
    proposal = _visible_or_404(proposal_id)
    if not permissions.can_resubmit_proposal(current_user, proposal):
        abort(403)
    if ConfirmForm().validate_on_submit():
        try:
            service.reopen(current_user, proposal)
        except ServiceError as exc:
            flash(exc.message, "error")
        else:
            flash(_("The proposal is a draft again: change it and submit it before the deadline."), "success")
            return redirect(url_for("proposals.edit", proposal_id=proposal.id))
    return redirect(url_for("proposals.detail", proposal_id=proposal.id))


# -- attachments ------------------------------------------------------------------------------
@bp.route("/<int:proposal_id>/attachments", methods=["POST"])
@login_required
def upload(proposal_id):
    if request.content_length and request.content_length > UPLOAD_REQUEST_LIMIT:
        abort(413)
    proposal = _visible_or_404(proposal_id)
    if not permissions.can_edit_proposal(current_user, proposal):
        abort(403)
    att_form = AttachmentForm()
    if att_form.validate_on_submit():
        upload = request.files.get("file")
        data = upload.read(files.MAX_FILE_BYTES + 1) if upload else b""
        try:
            service.add_attachment(current_user, proposal, upload.filename if upload else None, data)
        except ServiceError as exc:
            apply_field_errors(att_form, exc)
        else:
            flash(_("The file has been attached."), "success")
            return redirect(url_for("proposals.edit", proposal_id=proposal.id) + "#attachments")
    return _render_edit(proposal, _saved_form(proposal), att_form=att_form, status=422)


def _attachment_or_404(proposal, attachment_id) -> Attachment:
    attachment = get_or_404(Attachment, attachment_id)
    if attachment.proposal_id != proposal.id:
        abort(404)
    return attachment


@bp.route("/<int:proposal_id>/attachments/<int:attachment_id>")
@login_required
def download(proposal_id, attachment_id):
    proposal = _visible_or_404(proposal_id)
    attachment = _attachment_or_404(proposal, attachment_id)
    path = files.path_for(attachment.sha256)
    if not path.exists():
        abort(404)
    response = send_file(path, mimetype=attachment.content_type, as_attachment=True,
                         download_name=files.sanitise_name(attachment.original_name, attachment.content_type),
                         max_age=0)
    return response  # nosniff and no-store: grants/security.py


@bp.route("/<int:proposal_id>/attachments/<int:attachment_id>/delete", methods=["POST"])
@login_required
def delete_attachment(proposal_id, attachment_id):
    proposal = _visible_or_404(proposal_id)
    attachment = _attachment_or_404(proposal, attachment_id)
    if not permissions.can_edit_proposal(current_user, proposal):
        abort(403)
    if ConfirmForm().validate_on_submit():
        try:
            service.delete_attachment(current_user, attachment)
        except ServiceError as exc:
            flash(exc.message, "error")
        else:
            flash(_("The file has been removed."), "success")
    return redirect(url_for("proposals.edit", proposal_id=proposal.id) + "#attachments")


# -- screening (staff) ------------------------------------------------------------------------
def _filters() -> dict:
    args = request.args
    return {"status": args.get("status") or None, "category": args.get("category") or None,
            "district": args.get("district") or None, "grade": args.get("grade") or None,
            "q": (args.get("q") or "").strip()[:100]}


@bp.route("/calls/<int:call_id>/screening")
@login_required
def screening(call_id):
    if not permissions.can_screen_proposals(current_user):
        refuse()
    call = get_or_404(Call, call_id)
    filters = _filters()
    page = paginate(service.screening_query(call, **filters))
    return render_template("proposals/screening.html", call=call, page=page, filters=filters,
                           export_args={k: v for k, v in filters.items() if v},
                           statuses=service.SCREENING_STATUSES, batch_form=ScreenForm())


@bp.route("/calls/<int:call_id>/screening/batch", methods=["POST"])
@login_required
def screening_batch(call_id):
    """One decision (and reason) for the proposals ticked on the screening list."""
    if not permissions.can_screen_proposals(current_user):
        refuse()
    call = get_or_404(Call, call_id)
    form = ScreenForm()
    back = redirect(url_for("proposals.screening", call_id=call.id))
    if not form.validate_on_submit():
        flash_form_errors(form)
        return back
    if form.decision.data not in ("pass", "fail"):
        flash(_("Choose pass or fail."), "error")
        return back
    ids = [parse_id(v) for v in request.form.getlist("proposal_ids")]
    try:
        results = service.screen_many(current_user, call, ids, form.decision.data == "pass", form.reason.data)
    except ServiceError as exc:
        flash_refusal(exc)
        return back
    done = [r for r in results if r[2] is None]
    if done:
        flash(_("Screening decision recorded for %(n)d proposal(s); the organisations have been notified.",
                n=len(done)), "success")
    for proposal, ident, message in results:
        if message:
            flash(_("No. %(id)d %(title)s: %(reason)s", id=ident, title=proposal.title if proposal else "",
                    reason=message), "error")
    return back


@bp.route("/calls/<int:call_id>/screening/export.<fmt>")
@login_required
def screening_export(call_id, fmt):
    if not permissions.can_screen_proposals(current_user):
        refuse()
    call = get_or_404(Call, call_id)
    sheet = tables.screening(db.session.scalars(service.screening_query(call, **_filters())))
    stamp = to_local(now_utc()).strftime("%Y%m%d-%H%M")
    return spreadsheet.download(fmt, f"call-{call.id}-proposals-{stamp}", [sheet], title=call.title)


@bp.route("/<int:proposal_id>/screen", methods=["POST"])
@login_required
def screen(proposal_id):
    proposal = _visible_or_404(proposal_id)
    if not permissions.can_screen_proposals(current_user):
        abort(403)  # the applicant sees their own proposal; screening it is not theirs to do
    form = ScreenForm()
    if form.validate_on_submit():
        if form.decision.data not in ("pass", "fail"):
            form.decision.errors = [_("Choose pass or fail.")]
        else:
            try:
                service.screen(current_user, proposal, form.decision.data == "pass", form.reason.data)
            except ServiceError as exc:
                apply_field_errors(form, exc)
            else:
                flash(_("Screening decision recorded; the organisation has been notified."), "success")
                if request.form.get("next") == "list":
                    return redirect(url_for("proposals.screening", call_id=proposal.call_id))
                return redirect(url_for("proposals.detail", proposal_id=proposal.id))
    # The page again, with the decision and reason as typed and the problem beside its field.
    return _render_detail(proposal, screen_form=form), 422
