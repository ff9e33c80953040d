"""An organisation's annual disclosure (年度信息公开), blueprint `disclosures` under /organisations:
members write and submit it; staff approve it (it then appears on the public organisation page)
or return it with a reason. Rules: grants/services/disclosure.py."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from grants import permissions
from grants.models import AnnualDisclosure, Organisation
from grants.organisations.forms import DisclosureForm, DisclosureReturnForm, DisclosureStartForm, VerifyForm
from grants.services import ServiceError
from grants.services import disclosure as service
from grants.services.audit import history
from grants.views import apply_field_errors, flash_form_errors, flash_refusal, get_or_404

bp = Blueprint("disclosures", __name__)


def _org(org_id) -> Organisation:
    org = get_or_404(Organisation, org_id)
    if not permissions.can_view_organisation(current_user, org):
        abort(404)
    return org


def _disclosure(disclosure_id) -> AnnualDisclosure:
    disclosure = get_or_404(AnnualDisclosure, disclosure_id)
    if not permissions.can_view_disclosure(current_user, disclosure):
        abort(404)
    return disclosure


def _start_form(org) -> DisclosureStartForm:
    form = DisclosureStartForm()
    form.year.choices = [(y, str(y)) for y in service.years_open(org)]
    return form


@bp.route("/<int:org_id>/disclosures", methods=["GET", "POST"])
@login_required
def index(org_id):
    org = _org(org_id)
    form = _start_form(org)
    status = 200
    if request.method == "POST":
        if not permissions.can_start_disclosure(current_user, org):
            abort(403)
        if form.validate_on_submit():
            try:
                disclosure = service.start(current_user, org, form.year.data)
            except ServiceError as exc:
                apply_field_errors(form, exc)
            else:
                flash(_("A draft disclosure for %(year)d has been started.", year=disclosure.year), "success")
                return redirect(url_for("disclosures.edit", disclosure_id=disclosure.id))
        status = 422
    return render_template("organisations/disclosures.html", org=org, form=form,
                           disclosures=service.disclosures_of(org)), status


@bp.route("/disclosures/review")
@login_required
def review_queue():
    if not permissions.can_review_disclosures(current_user):
        abort(403)
    return render_template("organisations/disclosure_queue.html", disclosures=service.waiting_disclosures())


@bp.route("/disclosures/<int:disclosure_id>", methods=["GET", "POST"])
@login_required
def edit(disclosure_id):
    disclosure = _disclosure(disclosure_id)
    editable = permissions.can_edit_disclosure(current_user, disclosure)
    form = DisclosureForm(obj=disclosure)
    status = 200
    if request.method == "POST":
        if not editable:
            abort(403)
        form.validate_on_submit()
        read = form.data_read()
        try:
            service.save(current_user, disclosure, read)
        except ServiceError as exc:
            apply_field_errors(form, exc)
            status = 422
        else:
            if form.errors:
                flash(_("What could be read was saved; correct the marked fields."), "error")
                status = 422
            elif request.form.get("action") == "submit":
                try:
                    service.submit(current_user, disclosure)
                except ServiceError as exc:
                    apply_field_errors(form, exc)
                    status = 422
                else:
                    flash(_("The disclosure has been submitted to the bureau for approval."), "success")
                    return redirect(url_for("disclosures.edit", disclosure_id=disclosure.id))
            else:
                flash(_("The draft has been saved."), "success")
                return redirect(url_for("disclosures.edit", disclosure_id=disclosure.id))
    return render_template("organisations/disclosure.html", disclosure=disclosure, form=form, editable=editable,
                           return_form=DisclosureReturnForm(formdata=None),
                           events=history(disclosure) if permissions.is_staff(current_user) else []), status


@bp.route("/disclosures/<int:disclosure_id>/approve", methods=["POST"])
@login_required
def approve(disclosure_id):
    disclosure = _disclosure(disclosure_id)
    if not permissions.is_staff(current_user):
        abort(403)
    if VerifyForm().validate_on_submit():  # the CSRF token only
        try:
            service.approve(current_user, disclosure)
        except ServiceError as exc:
            flash_refusal(exc)
        else:
            flash(_("The disclosure is approved and now public."), "success")
    else:
        flash(_("The form has expired. Reload the page and try again."), "error")
    return redirect(url_for("disclosures.edit", disclosure_id=disclosure.id))


@bp.route("/disclosures/<int:disclosure_id>/return", methods=["POST"])
@login_required
def return_(disclosure_id):
    disclosure = _disclosure(disclosure_id)
    if not permissions.is_staff(current_user):
        abort(403)
    form = DisclosureReturnForm()
    if form.validate_on_submit():
        try:
            service.return_(current_user, disclosure, form.reason.data)
        except ServiceError as exc:
            flash_refusal(exc)
        else:
            flash(_("The disclosure has been returned to the organisation."), "success")
    else:
        flash_form_errors(form)
    return redirect(url_for("disclosures.edit", disclosure_id=disclosure.id))
