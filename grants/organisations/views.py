from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import or_, select

from grants import permissions
from grants.auth.views import token_refused
from grants.models import Invitation, Organisation
from grants.organisations.forms import (
    InviteForm,
    JoinForm,
    OrganisationEditForm,
    RegistrationForm,
    RejectForm,
    VerifyForm,
)
from grants.services import ServiceError, files, tokens
from grants.services import organisations as service
from grants.services.audit import history
from grants.views import apply_field_errors, flash_form_errors, flash_refusal, get_or_404, paginate

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
                certificate=(form.certificate_filename, form.certificate_bytes),
                privacy_accepted=form.privacy.data,
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
    form = OrganisationEditForm(obj=org)
    if form.validate_on_submit():
        try:
            service.update_profile(current_user, org, form.profile_data(), certificate=form.new_certificate())
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


# -- the registration certificate ----------------------------------------------------------------
@bp.route("/<int:org_id>/certificate")
@login_required
def certificate(org_id):
    org = _visible_or_404(org_id)
    if not permissions.can_download_certificate(current_user, org) or org.certificate_file is None:
        abort(404)
    stored = org.certificate_file
    path = files.path_for(stored.sha256)
    if not path.exists():
        abort(404)
    return send_file(path, mimetype=stored.content_type, as_attachment=True, max_age=0,
                     download_name=files.sanitise_name(org.certificate_name, stored.content_type))


# -- members and invitations -------------------------------------------------------------------
@bp.route("/<int:org_id>/members")
@login_required
def members(org_id):
    org = _visible_or_404(org_id)
    if not permissions.can_view_members(current_user, org):
        abort(404)
    return render_template("organisations/members.html", org=org, members=service.members(org),
                           invitations=service.pending_invitations(org), form=InviteForm())


@bp.route("/<int:org_id>/invitations", methods=["POST"])
@login_required
def invite(org_id):
    org = _visible_or_404(org_id)
    if not permissions.can_manage_members(current_user, org):
        abort(403)
    form = InviteForm()
    if form.validate_on_submit():
        try:
            service.invite(current_user, org, name=form.name.data, email=form.email.data)
        except ServiceError as exc:
            apply_field_errors(form, exc)
        else:
            flash(_("The invitation was sent to %(email)s.", email=form.email.data.strip()), "success")
            return redirect(url_for("organisations.members", org_id=org.id))
    return render_template("organisations/members.html", org=org, members=service.members(org),
                           invitations=service.pending_invitations(org), form=form), 422


@bp.route("/<int:org_id>/invitations/<int:invitation_id>/cancel", methods=["POST"])
@login_required
def cancel_invitation(org_id, invitation_id):
    org = _visible_or_404(org_id)
    invitation = get_or_404(Invitation, invitation_id)
    if invitation.organisation_id != org.id:
        abort(404)
    if not permissions.can_manage_members(current_user, org):
        abort(403)
    form = VerifyForm()  # CSRF only
    if form.validate_on_submit():
        try:
            service.cancel_invitation(current_user, invitation)
        except ServiceError as exc:
            flash_refusal(exc)
        else:
            flash(_("The invitation to %(email)s was cancelled; its link no longer works.",
                    email=invitation.email), "success")
    else:
        flash_form_errors(form)
    return redirect(url_for("organisations.members", org_id=org.id))


@bp.route("/join/<token>", methods=["GET", "POST"])
def join(token):
    try:
        invitation = service.invitation_for(token)
    except tokens.TokenError as exc:
        return token_refused(exc, invitation=True)
    if current_user.is_authenticated:
        flash(_("You are logged in already. Log out first to accept an invitation for another address."), "info")
        return redirect(url_for("main.dashboard"))
    form = JoinForm()
    if request.method == "GET":
        form.name.data = invitation.name
    if form.validate_on_submit():
        try:
            service.accept_invitation(token, name=form.name.data, password=form.new.data,
                                      privacy_accepted=form.privacy.data)
        except tokens.TokenError as exc:
            return token_refused(exc, invitation=True)
        except ServiceError as exc:
            apply_field_errors(form, exc)
        else:
            flash(_("Welcome to %(org)s. Log in with %(email)s and your new password.",
                    org=invitation.organisation.name, email=invitation.email), "success")
            return redirect(url_for("auth.login"))
    return render_template("organisations/join.html", form=form, invitation=invitation), \
        (422 if form.errors else 200)
