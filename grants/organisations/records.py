"""Organisation records kept by staff: grade, annual inspections, 失信 flag (blueprint
`organisation_records`, mounted under /organisations next to the profile pages)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from grants import permissions
from grants.models import EnforcementRecord, Organisation
from grants.organisations.forms import (
    BlacklistForm,
    EnforcementForm,
    GradeForm,
    InspectionForm,
    WithdrawEnforcementForm,
)
from grants.services import ServiceError
from grants.services import disclosure as disclosure_service
from grants.services import organisation_records as service
from grants.timeutil import local_today
from grants.views import apply_field_errors, flash_form_errors, flash_refusal, get_or_404

bp = Blueprint("organisation_records", __name__)


def _load(org_id) -> Organisation:
    org = get_or_404(Organisation, org_id)
    if not permissions.can_view_organisation(current_user, org):
        abort(404)
    if not permissions.can_manage_organisation_records(current_user, org):
        abort(403)
    return org


def _forms(org, grade=None, inspection=None, blacklist=None, enforcement=None):
    return {
        "enforcement_form": enforcement or EnforcementForm(formdata=None),
        "withdraw_form": WithdrawEnforcementForm(formdata=None),
        "enforcement_records": disclosure_service.enforcement_all(org),
        "disclosures": disclosure_service.disclosures_of(org),
        "grade_form": grade or GradeForm(data={"grade": org.grade, "assessed_on": org.grade_assessed_on}),
        "inspection_form": inspection or InspectionForm(formdata=None),
        "blacklist_form": blacklist or BlacklistForm(data={"flagged": org.blacklisted, "on": org.blacklisted_on,
                                                           "note": org.blacklist_note}),
    }


def _page(org, status=200, **forms):
    return render_template("organisations/records.html", org=org, today=local_today(), **_forms(org, **forms)), status


@bp.route("/<int:org_id>/records")
@login_required
def edit(org_id):
    org = _load(org_id)
    return _page(org)


@bp.route("/<int:org_id>/records/grade", methods=["POST"])
@login_required
def grade(org_id):
    org = _load(org_id)
    form = GradeForm()
    if form.validate_on_submit():
        try:
            service.set_grade(current_user, org, form.grade.data, form.assessed_on.data)
        except ServiceError as exc:
            apply_field_errors(form, exc)
        else:
            flash(_("The grade has been saved."), "success")
            return redirect(url_for("organisation_records.edit", org_id=org.id))
    return _page(org, 400, grade=form)


@bp.route("/<int:org_id>/records/inspection", methods=["POST"])
@login_required
def inspection(org_id):
    org = _load(org_id)
    form = InspectionForm()
    if form.validate_on_submit():
        try:
            service.set_inspection(current_user, org, form.year.data, form.result.data, form.note.data)
        except ServiceError as exc:
            apply_field_errors(form, exc)
        else:
            flash(_("The annual inspection result has been saved."), "success")
            return redirect(url_for("organisation_records.edit", org_id=org.id))
    return _page(org, 400, inspection=form)


@bp.route("/<int:org_id>/records/blacklist", methods=["POST"])
@login_required
def blacklist(org_id):
    org = _load(org_id)
    form = BlacklistForm()
    if form.validate_on_submit():
        try:
            service.set_blacklist(current_user, org, bool(form.flagged.data), form.on.data, form.note.data)
        except ServiceError as exc:
            apply_field_errors(form, exc)
        else:
            flash(_("The record has been saved."), "success")
            return redirect(url_for("organisation_records.edit", org_id=org.id))
    return _page(org, 400, blacklist=form)


@bp.route("/<int:org_id>/records/enforcement", methods=["POST"])
@login_required
def enforcement(org_id):
    org = _load(org_id)
    form = EnforcementForm()
    if form.validate_on_submit():
        try:
            disclosure_service.add_enforcement(current_user, org, decided_on=form.decided_on.data,
                                               kind=form.kind.data, authority=form.authority.data,
                                               summary=form.summary.data, ends_on=form.ends_on.data)
        except ServiceError as exc:
            apply_field_errors(form, exc)
        else:
            flash(_("The enforcement record has been added; it is shown on the organisation's public page."),
                  "success")
            return redirect(url_for("organisation_records.edit", org_id=org.id))
    return _page(org, 422, enforcement=form)


@bp.route("/<int:org_id>/records/enforcement/<int:record_id>/withdraw", methods=["POST"])
@login_required
def withdraw_enforcement(org_id, record_id):
    org = _load(org_id)
    row = get_or_404(EnforcementRecord, record_id)
    if row.organisation_id != org.id:
        abort(404)
    form = WithdrawEnforcementForm()
    if form.validate_on_submit():
        try:
            disclosure_service.withdraw_enforcement(current_user, row, form.reason.data)
        except ServiceError as exc:
            flash_refusal(exc)
        else:
            flash(_("The enforcement record has been withdrawn; it no longer appears on the public page."),
                  "success")
    else:
        flash_form_errors(form)
    return redirect(url_for("organisation_records.edit", org_id=org.id))
