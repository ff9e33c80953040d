"""Contracts: generation and activation (staff), download and signed-scan upload (the
organisation), read access (finance), the clause editor with a PDF preview, and the public
verification page /verify/<code>."""
from __future__ import annotations

import io

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from grants import permissions
from grants.contracts.forms import ConfirmForm, ReturnForm, SignedForm
from grants.extensions import db
from grants.models import Award, Call, Contract
from grants.services import ServiceError, files, tranche_conditions
from grants.services import contracts as service
from grants.views import flash_form_errors, flash_refusal, get_or_404, paginate, refuse

bp = Blueprint("contracts", __name__)
verify_bp = Blueprint("verify", __name__)


def _visible_or_404(contract_id) -> Contract:
    contract = get_or_404(Contract, contract_id)
    if not permissions.can_view_contract(current_user, contract):
        abort(404)
    return contract


def _staff_only():
    if not permissions.is_staff(current_user):
        abort(403)


@bp.route("/")
@login_required
def index():
    if not (permissions.can_view_finance(current_user) or permissions.is_applicant(current_user)):
        refuse()
    stmt = service.with_parties(select(Contract).order_by(Contract.created_at.desc(), Contract.id.desc()))
    if not permissions.can_view_finance(current_user):
        stmt = stmt.where(Contract.organisation_id.in_(current_user.organisation_ids or [-1]))
    return render_template("contracts/index.html", page=paginate(stmt))


@bp.route("/calls/<int:call_id>")
@login_required
def call(call_id):
    call = get_or_404(Call, call_id)
    if not permissions.can_view_finance(current_user):
        refuse()
    return render_template("contracts/call.html", call=call, contracts=db.session.scalars(
        service.with_parties(select(Contract).where(Contract.call_id == call.id).order_by(Contract.number))).all(),
        pending=service.without_contract(call), form=ConfirmForm())


@bp.route("/awards/<int:award_id>/generate", methods=["POST"])
@login_required
def generate(award_id):
    award = get_or_404(Award, award_id)
    if not permissions.is_staff(current_user):
        refuse()
    if ConfirmForm().validate_on_submit():
        try:
            contract = service.generate(current_user, award)
        except ServiceError as exc:
            flash(exc.message, "error")
            return redirect(url_for("contracts.call", call_id=award.call_id))
        flash(_("Contract %(number)s generated; the organisation has been told.", number=contract.number), "success")
        return redirect(url_for("contracts.detail", contract_id=contract.id))
    return redirect(url_for("contracts.call", call_id=award.call_id))


@bp.route("/<int:contract_id>")
@login_required
def detail(contract_id):
    contract = _visible_or_404(contract_id)
    from grants.services.audit import history

    return render_template("contracts/detail.html", contract=contract, versions=contract.versions,
                           signed_form=SignedForm(), return_form=ReturnForm(), confirm_form=ConfirmForm(),
                           history=history(contract), attention=tranche_conditions.needs_attention(contract))


@bp.route("/<int:contract_id>/regenerate", methods=["POST"])
@login_required
def regenerate(contract_id):
    contract = _visible_or_404(contract_id)
    _staff_only()
    if ConfirmForm().validate_on_submit():
        try:
            version = service.regenerate(current_user, contract)
        except ServiceError as exc:
            flash(exc.message, "error")
        else:
            flash(_("Version %(n)d generated.", n=version.number), "success")
    return redirect(url_for("contracts.detail", contract_id=contract.id))


@bp.route("/<int:contract_id>/versions/<int:number>.pdf")
@login_required
def version_pdf(contract_id, number):
    contract = _visible_or_404(contract_id)
    version = next((v for v in contract.versions if v.number == number), None)
    if version is None:
        abort(404)
    path = files.path_for(version.stored_file.sha256)
    if not path.exists():
        abort(404)
    return send_file(path, mimetype="application/pdf", as_attachment=True,
                     download_name=f"{contract.number}-v{version.number}.pdf", max_age=0)


@bp.route("/<int:contract_id>/signed", methods=["GET", "POST"])
@login_required
def signed(contract_id):
    contract = _visible_or_404(contract_id)
    if request.method == "GET":
        if contract.signed_file is None:
            abort(404)
        path = files.path_for(contract.signed_file.sha256)
        if not path.exists():
            abort(404)
        return send_file(path, mimetype=contract.signed_file.content_type, as_attachment=True,
                         download_name=contract.signed_name or "signed", max_age=0)
    if not permissions.can_upload_signed_contract(current_user, contract):
        abort(403)
    form = SignedForm()
    if form.validate_on_submit():
        upload = request.files.get("file")
        try:
            service.upload_signed(current_user, contract, upload.filename if upload else None,
                                  upload.read() if upload else b"", signed_on=form.signed_on.data)
        except ServiceError as exc:
            flash_refusal(exc)
        else:
            flash(_("The signed contract has been uploaded; the bureau will check it."), "success")
    else:
        flash_form_errors(form)
    return redirect(url_for("contracts.detail", contract_id=contract.id))


@bp.route("/<int:contract_id>/return", methods=["POST"])
@login_required
def return_signed(contract_id):
    contract = _visible_or_404(contract_id)
    _staff_only()
    form = ReturnForm()
    if form.validate_on_submit():
        try:
            service.return_signed(current_user, contract, form.reason.data)
        except ServiceError as exc:
            flash(exc.message, "error")
        else:
            flash(_("The signed copy was returned to the organisation with your reason."), "success")
    else:
        flash_form_errors(form)
    return redirect(url_for("contracts.detail", contract_id=contract.id))


@bp.route("/<int:contract_id>/activate", methods=["POST"])
@login_required
def activate(contract_id):
    contract = _visible_or_404(contract_id)
    _staff_only()
    if ConfirmForm().validate_on_submit():
        try:
            service.activate(current_user, contract)
        except ServiceError as exc:
            flash(exc.message, "error")
        else:
            flash(_("Contract %(number)s is in force and announced publicly.", number=contract.number), "success")
    return redirect(url_for("contracts.detail", contract_id=contract.id))


@bp.route("/calls/<int:call_id>/clauses", methods=["GET", "POST"])
@login_required
def clauses(call_id):
    call = get_or_404(Call, call_id)
    if not permissions.is_staff(current_user):
        refuse()
    current = service.clauses_for(call)
    errors: dict = {}
    if request.method == "POST":
        if not ConfirmForm().validate_on_submit():
            abort(400)
        edited = []
        for clause in current:
            key = clause["key"]
            edited.append({"key": key,
                           "heading": (request.form.get(f"heading-{key}") or "").strip()[:100],
                           "text": (request.form.get(f"text-{key}") or "")[:20000]})
        if request.form.get("action") == "preview":
            problems = service.clause_errors(edited)
            if not problems:
                pdf = service.preview_pdf(call, edited)
                return send_file(io.BytesIO(pdf), mimetype="application/pdf", as_attachment=False,
                                 download_name="preview.pdf", max_age=0)
            errors = problems
            flash(_("Some clause texts cannot be used: see the marked clauses."), "error")
        else:
            try:
                service.save_clauses(current_user, call, edited)
            except ServiceError as exc:
                errors = {k: v[0] for k, v in exc.field_errors.items()}
                flash(exc.message, "error")
            else:
                flash(_("The clause texts have been saved; contracts generated from now on use them."), "success")
                return redirect(url_for("contracts.clauses", call_id=call.id))
        current = edited
    from grants.pdf.contract import placeholders

    return render_template("contracts/clauses.html", call=call, clauses=current, errors=errors,
                           placeholders=placeholders(), form=ConfirmForm()), (422 if errors else 200)


@verify_bp.route("/verify/<code>")
def verify(code):
    """Anyone checks a printed contract: number, parties, amount, version, SHA-256."""
    version = service.by_code(code)
    if version is None:
        abort(404)
    return render_template("contracts/verify.html", version=version, contract=version.contract,
                           latest=version.contract.versions[-1])
