from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import or_, select

from grants import labels, permissions
from grants.admin.forms import ConfirmForm, UserCreateForm, UserEditForm
from grants.exports import spreadsheet, tables
from grants.extensions import db
from grants.models import OutboxMessage, User
from grants.routing import parse_id
from grants.services import ServiceError, accounts
from grants.services import audit as audit_service
from grants.timeutil import now_utc, to_local
from grants.views import apply_field_errors, get_or_404, paginate, refuse

bp = Blueprint("admin", __name__)


@bp.before_request
@login_required
def _admins_only():
    if not permissions.can_manage_users(current_user):
        refuse()


@bp.route("/users")
def users():
    stmt = select(User).order_by(User.id)
    q = (request.args.get("q") or "").strip()
    if q:
        stmt = stmt.where(or_(User.name.contains(q, autoescape=True), User.email.contains(q.lower(), autoescape=True)))
    role = request.args.get("role")
    if role:
        from grants.models import UserRole

        stmt = stmt.where(User.id.in_(select(UserRole.user_id).where(UserRole.role == role)))
    return render_template("admin/users.html", page=paginate(stmt), q=q, role=role, confirm=ConfirmForm())


@bp.route("/users/new", methods=["GET", "POST"])
def user_new():
    form = UserCreateForm()
    if form.validate_on_submit():
        try:
            user = accounts.create_user(
                current_user, email=form.email.data, name=form.name.data, password=form.password.data,
                roles=form.roles.data, phone=form.phone.data or None, affiliation=form.affiliation.data or None,
            )
        except ServiceError as exc:
            apply_field_errors(form, exc)
        else:
            flash(_("User %(email)s created.", email=user.email), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=None)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def user_edit(user_id):
    user = get_or_404(User, user_id)
    form = UserEditForm(obj=user)
    if request.method == "GET":
        form.roles.data = sorted(user.roles)
    if form.validate_on_submit():
        accounts.update_user(current_user, user, name=form.name.data, roles=form.roles.data,
                             affiliation=form.affiliation.data, phone=form.phone.data)
        flash(_("Changes saved."), "success")
        return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=user, confirm=ConfirmForm())


@bp.route("/users/<int:user_id>/active", methods=["POST"])
def user_active(user_id):
    user = get_or_404(User, user_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        active = request.form.get("active") == "1"
        try:
            accounts.set_active(current_user, user, active)
        except ServiceError as exc:
            flash(exc.message, "error")
        else:
            flash(_("%(email)s can log in again.", email=user.email) if active
                  else _("%(email)s is deactivated and can no longer log in.", email=user.email), "success")
    return redirect(url_for("admin.users"))


@bp.route("/users/<int:user_id>/reset", methods=["POST"])
def user_send_reset(user_id):
    user = get_or_404(User, user_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            accounts.send_password_reset(current_user, user)
        except ServiceError as exc:
            flash(exc.message, "error")
        else:
            flash(_("A link to set a new password was sent to %(email)s.", email=user.email), "success")
    return redirect(url_for("admin.user_edit", user_id=user.id))


@bp.route("/outbox")
def outbox():
    if not permissions.can_view_outbox(current_user, current_app.config):
        abort(404)
    stmt = select(OutboxMessage).order_by(OutboxMessage.id.desc())
    status = request.args.get("status")
    if status in ("queued", "sent", "failed"):
        stmt = stmt.where(OutboxMessage.status == status)
    return render_template("admin/outbox.html", page=paginate(stmt), status=status)


@bp.route("/audit")
def audit():
    """Newest first, by keyset (?before=<event id>): no COUNT and no OFFSET over a table of
    hundreds of thousands of rows, so the thousandth page costs what the first does."""
    filters = _audit_filters()
    page = audit_service.log_page(before=parse_id(request.args.get("before")), **filters)
    return render_template("admin/audit.html", page=page, filters=filters,
                           described=audit_service.describe(page.items),
                           object_types=audit_service.object_types(), actions=sorted(labels.ACTION_LABELS),
                           actors=audit_service.actor_choices(filters["actor_id"]),
                           export_args={k: (v.isoformat() if hasattr(v, "isoformat") else v)
                                        for k, v in filters.items() if v})


def _audit_filters() -> dict:
    from datetime import date

    def day(name):
        try:
            return date.fromisoformat((request.args.get(name) or "").strip())
        except ValueError:
            return None

    object_type = request.args.get("object_type") or None
    action = request.args.get("action") or None
    return {"actor_id": parse_id(request.args.get("actor_id")),
            "object_type": object_type if object_type in audit_service.object_types() else None,
            "action": action if action in labels.ACTION_LABELS else None,
            "since": day("since"), "until": day("until")}


@bp.route("/audit/export.<fmt>")
def audit_export(fmt):
    """The filtered audit log as CSV or XLSX (at most 50,000 rows, newest first)."""
    stmt = audit_service.log_query(**_audit_filters()).limit(50000)
    events = list(db.session.scalars(stmt))
    sheet = tables.audit_log(events, audit_service.describe(events))
    stamp = to_local(now_utc()).strftime("%Y%m%d-%H%M")
    return spreadsheet.download(fmt, f"audit-log-{stamp}", [sheet])
