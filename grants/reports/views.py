"""Milestone reports and evaluations: the grantee drafts and submits, staff accept or return,
evaluators score assigned projects. Views load (404), authorise, validate, call one service."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from grants import permissions
from grants.extensions import db
from grants.models import Call, Contract, Evaluation, Report, ReportEvidence, ReportVersion, User, UserRole
from grants.reports.forms import AssignForm, ConfirmForm, EvidenceForm, ReportForm, ReviewForm, evaluation_form
from grants.services import ServiceError, files, tranche_conditions
from grants.services import evaluations as evaluation_service
from grants.services import reports as service
from grants.views import apply_field_errors, flash_form_errors, get_or_404, paginate, refuse

bp = Blueprint("reports", __name__)
UPLOAD_REQUEST_LIMIT = files.MAX_FILE_BYTES + 256 * 1024


# -- loading -----------------------------------------------------------------------------------------
def _is_grantee(contract: Contract) -> bool:
    return permissions.is_applicant(current_user) and permissions.is_member(current_user, contract.organisation_id)


def _can_read(contract: Contract) -> bool:
    """Who sees a contract's milestones and reports: its readers, and its assigned evaluators."""
    return permissions.can_view_contract(current_user, contract) or evaluation_service.evaluates(current_user,
                                                                                                contract)


def _contract_or_404(contract_id) -> Contract:
    contract = get_or_404(Contract, contract_id)
    if contract.status != "active" and not permissions.is_staff(current_user):
        refuse()
    if not _can_read(contract):
        refuse()
    return contract


def _report_or_404(report_id) -> Report:
    report = get_or_404(Report, report_id)
    if not _can_read(report.contract):
        refuse()
    return report


def _staff_only() -> None:
    if not permissions.is_staff(current_user):
        abort(403)


def _evaluators(contract: Contract | None = None) -> list[User]:
    users = db.session.scalars(select(User).join(UserRole, UserRole.user_id == User.id)
                               .where(UserRole.role.in_(("evaluator", "staff")), User.active.is_(True))
                               .order_by(User.name, User.id).distinct())
    return [u for u in users if contract is None or not evaluation_service.affiliated(u, contract)]


# -- contract overview ---------------------------------------------------------------------------------
@bp.route("/contracts/<int:contract_id>")
@login_required
def contract(contract_id):
    contract = _contract_or_404(contract_id)
    form = AssignForm()
    form.evaluator.choices = [(str(u.id), u.name) for u in _evaluators(contract)]
    return render_template("reports/contract.html", contract=contract, milestones=service.milestones_of(contract),
                           evaluations=evaluation_service.of_contract(contract), service=service, assign_form=form,
                           attention=tranche_conditions.needs_attention(contract),
                           staff=permissions.is_staff(current_user), grantee=_is_grantee(contract))


@bp.route("/calls/<int:call_id>")
@login_required
def call(call_id):
    if not permissions.can_view_finance(current_user):
        refuse()
    call = get_or_404(Call, call_id)
    page = paginate(service.reports_of_call(call.id))
    form = AssignForm()
    form.evaluator.choices = [(str(u.id), u.name) for u in _evaluators() if u.has_role("evaluator")]
    return render_template("reports/call.html", call=call, page=page, service=service, assign_form=form)


# -- the report ----------------------------------------------------------------------------------------
@bp.route("/<int:report_id>")
@login_required
def detail(report_id):
    report = _report_or_404(report_id)
    contract = db.session.get(Contract, report.contract_id)
    return render_template("reports/detail.html", report=report, contract=contract, service=service,
                           review_form=ReviewForm(), confirm_form=ConfirmForm(),
                           staff=permissions.is_staff(current_user), grantee=_is_grantee(contract))


def _render_edit(report, form, evidence_form=None, problems=None, status=200):
    contract = db.session.get(Contract, report.contract_id)
    return render_template("reports/edit.html", report=report, contract=contract, form=form,
                           evidence_form=evidence_form or EvidenceForm(), confirm_form=ConfirmForm(),
                           problems=problems or {}, service=service), status


def _filled_form(report) -> ReportForm:
    form = ReportForm(obj=report, formdata=None)
    while len(form.kpi_actuals):
        form.kpi_actuals.pop_entry()
    while len(form.spending):
        form.spending.pop_entry()
    for row in service.kpi_rows(report):
        form.kpi_actuals.append_entry({"indicator_id": str(row["indicator_id"]), "actual": None})
        entry = form.kpi_actuals[-1].form.actual
        entry.raw = row["actual"] or ""
    for row in service.spending_rows(report):
        form.spending.append_entry({"category": row["category"], "spent": None})
        form.spending[-1].form.spent.raw = row["spent"] or ""
    return form


@bp.route("/<int:report_id>/edit", methods=["GET", "POST"])
@login_required
def edit(report_id):
    report = _report_or_404(report_id)
    contract = db.session.get(Contract, report.contract_id)
    if not _is_grantee(contract):
        abort(403)
    if report.status not in ("draft", "returned"):
        flash(_("Only a draft or returned report can be changed."), "info")
        return redirect(url_for("reports.detail", report_id=report.id))
    if request.method == "GET":
        return _render_edit(report, _filled_form(report))
    form = ReportForm()
    form.validate_on_submit()
    if form.errors.get("csrf_token"):
        flash_form_errors(form)
        return _render_edit(report, form, status=422)
    try:
        service.save_draft(current_user, report, form.valid_data())
    except ServiceError as exc:
        apply_field_errors(form, exc)
        flash(_("Nothing was saved: please correct the marked fields. What you typed is kept below."), "error")
        return _render_edit(report, form, status=422)
    if form.errors or form.row_errors:
        flash(_("The fields without errors have been saved; please correct the marked fields."), "error")
        return _render_edit(report, form, status=422)
    if request.form.get("action") == "submit":
        try:
            service.submit(current_user, report)
        except ServiceError as exc:
            flash(exc.message, "error")
            return _render_edit(report, _filled_form(report), problems=exc.field_errors, status=422)
        flash(_("The report has been submitted."), "success")
        return redirect(url_for("reports.detail", report_id=report.id))
    flash(_("The draft has been saved."), "success")
    return redirect(url_for("reports.edit", report_id=report.id))


@bp.route("/<int:report_id>/review", methods=["POST"])
@login_required
def review(report_id):
    report = _report_or_404(report_id)
    _staff_only()
    form = ReviewForm()
    if form.validate_on_submit():
        try:
            if form.decision.data == "accept":
                service.accept(current_user, report, form.comment.data or "")
                flash(_("The report has been accepted."), "success")
            else:
                service.return_for_changes(current_user, report, form.comment.data or "")
                flash(_("The report has been returned to the organisation."), "success")
        except ServiceError as exc:
            flash(exc.message, "error")
    else:
        flash_form_errors(form)
    return redirect(url_for("reports.detail", report_id=report.id))


@bp.route("/<int:report_id>/versions/<int:number>")
@login_required
def version(report_id, number):
    report = _report_or_404(report_id)
    current = db.session.scalar(select(ReportVersion).where(ReportVersion.report_id == report.id,
                                                            ReportVersion.number == number))
    if current is None:
        abort(404)
    previous = db.session.scalar(select(ReportVersion).where(ReportVersion.report_id == report.id,
                                                             ReportVersion.number == number - 1))
    changes = service.diff(previous, current) if previous is not None else None
    return render_template("reports/version.html", report=report, version=current, previous=previous,
                           changes=changes, contract=db.session.get(Contract, report.contract_id))


# -- evidence ------------------------------------------------------------------------------------------
@bp.route("/<int:report_id>/evidence", methods=["POST"])
@login_required
def upload(report_id):
    if request.content_length and request.content_length > UPLOAD_REQUEST_LIMIT:
        abort(413)
    report = _report_or_404(report_id)
    if not _is_grantee(db.session.get(Contract, report.contract_id)):
        abort(403)
    form = EvidenceForm()
    if form.validate_on_submit():
        upload = request.files.get("file")
        data = upload.read(files.MAX_FILE_BYTES + 1) if upload else b""
        try:
            service.add_evidence(current_user, report, upload.filename if upload else None, data)
        except ServiceError as exc:
            apply_field_errors(form, exc)
        else:
            flash(_("The file has been attached."), "success")
            return redirect(url_for("reports.edit", report_id=report.id) + "#evidence")
    return _render_edit(report, _filled_form(report), evidence_form=form, status=422)


def _evidence_or_404(report, evidence_id) -> ReportEvidence:
    evidence = get_or_404(ReportEvidence, evidence_id)
    if evidence.report_id != report.id:
        abort(404)
    return evidence


@bp.route("/<int:report_id>/evidence/<int:evidence_id>")
@login_required
def evidence(report_id, evidence_id):
    report = _report_or_404(report_id)
    item = _evidence_or_404(report, evidence_id)
    path = files.path_for(item.stored_file.sha256)
    if not path.exists():
        abort(404)
    return send_file(path, mimetype=item.stored_file.content_type, as_attachment=True, max_age=0,
                     download_name=files.sanitise_name(item.original_name, item.stored_file.content_type))


@bp.route("/<int:report_id>/evidence/<int:evidence_id>/delete", methods=["POST"])
@login_required
def delete_evidence(report_id, evidence_id):
    report = _report_or_404(report_id)
    item = _evidence_or_404(report, evidence_id)
    if not _is_grantee(db.session.get(Contract, report.contract_id)):
        abort(403)
    if ConfirmForm().validate_on_submit():
        try:
            service.delete_evidence(current_user, item)
        except ServiceError as exc:
            flash(exc.message, "error")
        else:
            flash(_("The file has been removed."), "success")
    return redirect(url_for("reports.edit", report_id=report.id) + "#evidence")


# -- evaluations ---------------------------------------------------------------------------------------
@bp.route("/contracts/<int:contract_id>/evaluations", methods=["POST"])
@login_required
def assign(contract_id):
    contract = _contract_or_404(contract_id)
    _staff_only()
    form = AssignForm()
    form.evaluator.choices = [(str(u.id), u.name) for u in _evaluators(contract)]
    if form.validate_on_submit():
        chosen = (form.evaluator.data or "").strip()
        evaluator = db.session.get(User, int(chosen)) if chosen.isdigit() and len(chosen) < 10 else None
        try:
            evaluation_service.assign(current_user, contract, form.kind.data, evaluator)
        except ServiceError as exc:
            flash(exc.message, "error")
        else:
            flash(_("The evaluation has been assigned."), "success")
    else:
        flash_form_errors(form)
    return redirect(url_for("reports.contract", contract_id=contract.id))


@bp.route("/calls/<int:call_id>/evaluators", methods=["POST"])
@login_required
def assign_call(call_id):
    if not permissions.is_staff(current_user):
        refuse()
    call = get_or_404(Call, call_id)
    form = AssignForm()
    form.evaluator.choices = []
    if form.validate_on_submit():
        chosen = (form.evaluator.data or "").strip()
        evaluator = db.session.get(User, int(chosen)) if chosen.isdigit() and len(chosen) < 10 else None
        try:
            result = evaluation_service.assign_call(current_user, call, form.kind.data, evaluator)
        except ServiceError as exc:
            flash(exc.message, "error")
        else:
            flash(_("Evaluations assigned: %(n)d; skipped because of affiliation: %(m)d.",
                    n=len(result["assigned"]), m=len(result["skipped"])), "success")
    else:
        flash_form_errors(form)
    return redirect(url_for("reports.call", call_id=call.id))


@bp.route("/evaluations")
@login_required
def queue():
    if not (current_user.has_role("evaluator") or permissions.is_staff(current_user)):
        abort(403)
    return render_template("reports/queue.html", evaluations=evaluation_service.queue_for(current_user))


def _evaluation_or_404(evaluation_id) -> Evaluation:
    evaluation = get_or_404(Evaluation, evaluation_id)
    if not evaluation_service.can_view(current_user, evaluation):
        refuse()
    return evaluation


@bp.route("/evaluations/<int:evaluation_id>", methods=["GET", "POST"])
@login_required
def evaluation(evaluation_id):
    evaluation = _evaluation_or_404(evaluation_id)
    contract = evaluation.contract
    criteria = evaluation_service.criteria(contract.call)
    form = evaluation_form(criteria, request.form if request.method == "POST" else None)
    may_submit = evaluation_service.can_submit(current_user, evaluation)
    status = 200
    if request.method == "POST":
        if not may_submit:
            abort(403)
        valid = form.validate_on_submit()
        fields = {c["key"]: getattr(form, f"score_{c['key']}") for c in criteria}
        scores = {key: None if f.errors else f.data for key, f in fields.items()}
        if valid:
            try:
                evaluation_service.submit(current_user, evaluation, scores, form.conclusion.data, form.text.data or "")
            except ServiceError as exc:
                apply_field_errors(form, exc)
            else:
                flash(_("The evaluation has been submitted and its report printed."), "success")
                return redirect(url_for("reports.evaluation", evaluation_id=evaluation.id))
        elif not form.errors.get("csrf_token"):
            # Show every problem at once: the service's rules for the fields the form could read.
            found = evaluation_service.problems(contract.call, scores, form.conclusion.data, form.text.data)
            for name, messages in found.items():
                field = getattr(form, name)
                if not field.errors:
                    field.errors = list(field.errors) + messages
        status = 422
    return render_template("reports/evaluation.html", evaluation=evaluation, contract=contract, form=form,
                           criteria=criteria, may_submit=may_submit), status


@bp.route("/evaluations/<int:evaluation_id>/report.pdf")
@login_required
def evaluation_pdf(evaluation_id):
    evaluation = _evaluation_or_404(evaluation_id)
    if evaluation.report_file is None:
        abort(404)
    path = files.path_for(evaluation.report_file.sha256)
    if not path.exists():
        abort(404)
    return send_file(path, mimetype=files.PDF, as_attachment=True, max_age=0,
                     download_name=f"evaluation-{evaluation.contract.number}-{evaluation.kind}.pdf")
