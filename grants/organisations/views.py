from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import or_, select

from grants import permissions
from grants.models import Organisation
from grants.organisations.forms import OrganisationProfileForm, RegistrationForm, RejectForm, VerifyForm
from grants.services import ServiceError
from grants.services import organisations as service
from grants.services.audit import history
from grants.views import apply_field_errors, get_or_404, paginate

bp = Blueprint("organisations", __name__)


def _visible_or_404(org_id) -> Organisation:
    org = get_or_404(Organisation, org_id)
    if not permissions.can_view_organisation(current_user, org):
        abort(404)
    return org


@bp.route("/register", methods=["GET", "POST"])
def register():
    if current_user.is_authenticated:
        flash(_("You are logged in already. Log out to register another organisation."), "info")
        return redirect(url_for("main.dashboard"))
    form = RegistrationForm()
    if form.validate_on_submit():
        try:
            org, _user = service.register(
                organisation={"uscc": form.uscc.data, **form.profile_data()},
                user={"email": form.email.data, "name": form.user_name.data, "password": form.password.data},
            )
        except ServiceError as exc:
            apply_field_errors(form, exc)
        else:
            flash(_("Registration received. The bureau will verify your organisation; you can log in now "
                    "and follow its status."), "success")
            return redirect(url_for("auth.login"))
    return render_template("organisations/register.html", form=form)


@bp.route("/mine")
@login_required
def mine():
    org = current_user.organisation
    if org is None:
        abort(404)
    return redirect(url_for("organisations.detail", org_id=org.id))


@bp.route("/")
@login_required
def index():
    if not permissions.is_staff(current_user):
        abort(403)
    stmt = select(Organisation).order_by(Organisation.created_at.desc(), Organisation.id.desc())
    status = request.args.get("status")
    if status in ("pending", "verified", "rejected"):
        stmt = stmt.where(Organisation.status == status)
    q = (request.args.get("q") or "").strip()
    if q:
        stmt = stmt.where(or_(Organisation.name.contains(q, autoescape=True),
                              Organisation.uscc.contains(q.upper(), autoescape=True)))
    page = paginate(stmt)
    return render_template("organisations/index.html", page=page, status=status, q=q)


@bp.route("/<int:org_id>")
@login_required
def detail(org_id):
    org = _visible_or_404(org_id)
    return render_template(
        "organisations/detail.html", org=org, events=history(org), reject_form=RejectForm(), verify_form=VerifyForm()
    )


@bp.route("/<int:org_id>/edit", methods=["GET", "POST"])
@login_required
def edit(org_id):
    org = _visible_or_404(org_id)
    if not permissions.can_edit_organisation_profile(current_user, org):
        abort(403)
    form = OrganisationProfileForm(obj=org)
    if form.validate_on_submit():
        try:
            service.update_profile(current_user, org, form.profile_data())
        except ServiceError as exc:
            apply_field_errors(form, exc)
        else:
            flash(_("The profile has been saved."), "success")
            return redirect(url_for("organisations.detail", org_id=org.id))
    return render_template("organisations/edit.html", form=form, org=org)


@bp.route("/<int:org_id>/verify", methods=["POST"])
@login_required
def verify(org_id):
    org = _visible_or_404(org_id)
    if not permissions.is_staff(current_user):
        abort(403)
    form = VerifyForm()
    if form.validate_on_submit():
        try:
            service.verify(current_user, org)
        except ServiceError as exc:
            flash(exc.message, "error")
        else:
            flash(_("%(name)s is verified.", name=org.name), "success")
    return redirect(url_for("organisations.detail", org_id=org.id))


@bp.route("/<int:org_id>/reject", methods=["POST"])
@login_required
def reject(org_id):
    org = _visible_or_404(org_id)
    if not permissions.is_staff(current_user):
        abort(403)
    form = RejectForm()
    if form.validate_on_submit():
        try:
            service.reject(current_user, org, form.reason.data)
        except ServiceError as exc:
            flash(exc.message, "error")
        else:
            flash(_("%(name)s was not verified; the reason was sent to the organisation.", name=org.name), "success")
            return redirect(url_for("organisations.detail", org_id=org.id))
    else:
        for error in form.reason.errors:
            flash(error, "error")
    return redirect(url_for("organisations.detail", org_id=org.id))
