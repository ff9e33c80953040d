"""Admin pages for department API tokens (/admin/api-tokens): create (the secret shown once),
revoke, and the log of API calls."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from grants import permissions
from grants.api.forms import RevokeForm, TokenForm
from grants.extensions import db
from grants.models import ApiToken
from grants.routing import parse_id
from grants.services import ServiceError, api_tokens
from grants.timeutil import now_utc
from grants.views import apply_field_errors, flash_refusal, get_or_404, paginate, refuse

bp = Blueprint("api_admin", __name__)


@bp.before_request
@login_required
def _admins_only():
    if not permissions.can_manage_api_tokens(current_user):
        refuse()


@bp.route("/")
def tokens():
    page = paginate(api_tokens.token_list())
    return render_template("api/tokens.html", page=page, uses=api_tokens.call_counts(page.items), now=now_utc(),
                           revoke=RevokeForm())


@bp.route("/new", methods=["GET", "POST"])
def new():
    form = TokenForm()
    if form.validate_on_submit():
        try:
            token, secret = api_tokens.create(current_user, name=form.name.data, department=form.department.data,
                                              scopes=form.scopes.data, expires_on=form.expires_on.data)
        except ServiceError as exc:
            apply_field_errors(form, exc)
        else:
            # The secret is rendered once, in this answer, and never stored.
            response = render_template("api/token_created.html", token=token, secret=secret)
            return response, 201, {"Cache-Control": "no-store"}
    status = 422 if request.method == "POST" else 200
    return render_template("api/token_form.html", form=form), status


@bp.route("/<int:token_id>/revoke", methods=["POST"])
def revoke(token_id):
    token = get_or_404(ApiToken, token_id)
    form = RevokeForm()
    if form.validate_on_submit():
        try:
            api_tokens.revoke(current_user, token)
        except ServiceError as exc:
            flash_refusal(exc)
        else:
            flash(_("The token %(name)s is revoked: it no longer opens the API.", name=token.name), "success")
    return redirect(url_for("api_admin.tokens"))


@bp.route("/calls")
def calls():
    token_id = parse_id(request.args.get("token") or "")
    token = db.session.get(ApiToken, token_id) if token_id else None
    page = paginate(api_tokens.call_log(token.id if token else None))
    return render_template("api/calls.html", page=page, token=token)
