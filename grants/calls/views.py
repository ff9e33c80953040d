from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from grants import permissions
from grants.calls.forms import CallAttachmentForm, CallForm, as_formdata, initial_for_new, initial_from_call
from grants.models import Call, CallAttachment
from grants.models.call import CALL_STATUSES
from grants.services import ServiceError, call_site, files
from grants.services import calls as service
from grants.services import hub as hub_service
from grants.services.audit import history
from grants.views import apply_field_errors, flash_form_errors, get_or_404, paginate, refuse
from grants.workflows import CALL

bp = Blueprint("calls", __name__)


@bp.before_request
@login_required
def _staff_only():
    if not permissions.can_manage_calls(current_user):
        refuse()


def _form_rows(form: CallForm):
    """Apply a chosen tranche preset to the rows (server side, no JavaScript needed)."""
    rows = form.tranche_rows()
    if form.tranche_preset.data in service.TRANCHE_PRESETS:
        rows = service.preset_tranches(form.tranche_preset.data)
    return form.criterion_rows(), rows


@bp.route("/")
def index():
    stmt = select(Call).order_by(Call.created_at.desc(), Call.id.desc())
    status = request.args.get("status")
    if status in CALL_STATUSES:
        stmt = stmt.where(Call.status == status)
    return render_template("calls/index.html", page=paginate(stmt), status=status, statuses=CALL_STATUSES)


@bp.route("/new", methods=["GET", "POST"])
def new():
    form = CallForm(data=initial_for_new(service.default_rubric(), service.preset_tranches("50_30_20")))
    if form.validate_on_submit():
        criteria, tranches = _form_rows(form)
        try:
            call = service.create_call(current_user, form.call_data(), criteria, tranches)
        except ServiceError as exc:
            apply_field_errors(form, exc)
        else:
            flash(_("The call has been saved as a draft."), "success")
            return redirect(url_for("calls.detail", call_id=call.id))
    form.pad_rows()
    return render_template("calls/form.html", form=form, call=None)


@bp.route("/<int:call_id>")
def detail(call_id):
    call = get_or_404(Call, call_id)
    return _render_detail(call, CallAttachmentForm())


def _render_detail(call, file_form, status=200):
    hub = hub_service.for_call(call)
    return render_template("calls/detail.html", call=call, hub=hub, counts=hub.proposals,
                           events=history(call), next_steps=permissions.call_next_steps(current_user, call),
                           file_form=file_form), status


# -- guide and template files (shown on the public call page) ----------------------------------
UPLOAD_REQUEST_LIMIT = files.MAX_FILE_BYTES + 256 * 1024


@bp.route("/<int:call_id>/files", methods=["POST"])
def upload_file(call_id):
    if request.content_length and request.content_length > UPLOAD_REQUEST_LIMIT:
        abort(413)
    call = get_or_404(Call, call_id)
    form = CallAttachmentForm()
    if form.validate_on_submit():
        upload = request.files.get("file")
        data = upload.read(files.MAX_FILE_BYTES + 1) if upload else b""
        try:
            call_site.add_attachment(current_user, call, upload.filename if upload else None, data, form.title.data)
        except ServiceError as exc:
            apply_field_errors(form, exc)
        else:
            flash(_("The file has been attached to the call; it can be downloaded from the public call page."),
                  "success")
            return redirect(url_for("calls.detail", call_id=call.id) + "#call-files")
    return _render_detail(call, form, 422)


@bp.route("/<int:call_id>/files/<int:file_id>/delete", methods=["POST"])
def delete_file(call_id, file_id):
    call = get_or_404(Call, call_id)
    attachment = get_or_404(CallAttachment, file_id)
    if attachment.call_id != call.id:
        abort(404)
    form = CallAttachmentForm()
    if form.validate_on_submit():
        call_site.remove_attachment(current_user, attachment)
        flash(_("The file has been removed from the call."), "success")
    else:
        flash_form_errors(form)
    return redirect(url_for("calls.detail", call_id=call.id) + "#call-files")


@bp.route("/<int:call_id>/edit", methods=["GET", "POST"])
def edit(call_id):
    call = get_or_404(Call, call_id)
    if not permissions.can_edit_call(current_user, call):
        abort(403)
    initial = initial_from_call(call)
    formdata = None
    if request.method == "POST" and call.status != "draft":
        # Frozen fields are shown disabled and not sent: take them from the call.
        formdata = as_formdata(CallForm(formdata=None, data=initial))
        for key in request.form:
            formdata.setlist(key, request.form.getlist(key))
        if "review_settings" in request.form and "show_scores_after_submit" not in request.form:
            formdata.poplist("show_scores_after_submit")  # an unticked box is not sent
    form = CallForm(formdata=formdata, data=initial) if formdata is not None else CallForm(data=initial)
    if form.validate_on_submit():
        criteria, tranches = _form_rows(form)
        try:
            service.update_call(current_user, call, form.call_data(), criteria, tranches)
        except ServiceError as exc:
            apply_field_errors(form, exc)
        else:
            flash(_("The call has been saved."), "success")
            return redirect(url_for("calls.detail", call_id=call.id))
    form.pad_rows()
    return render_template("calls/form.html", form=form, call=call)


@bp.route("/<int:call_id>/step/<target>", methods=["POST"])
def step(call_id, target):
    call = get_or_404(Call, call_id)
    if target not in service.STEPS:
        abort(404)
    try:
        service.take_step(current_user, call, target)
    except ServiceError as exc:
        flash(exc.message, "error")
    else:
        flash(_("The call is now: %(status)s.", status=CALL.label(call.status)), "success")
    return redirect(url_for("calls.detail", call_id=call.id))


@bp.route("/<int:call_id>/schedule", methods=["POST"])
def schedule(call_id):
    call = get_or_404(Call, call_id)
    wanted = request.form.get("scheduled") == "1"
    try:
        service.set_scheduled(current_user, call, wanted)
    except ServiceError as exc:
        flash(exc.message, "error")
    else:
        if wanted:
            flash(_("The call will open by itself at its opening time."), "success")
        else:
            flash(_("The call will no longer open by itself."), "success")
    return redirect(url_for("calls.detail", call_id=call.id))
