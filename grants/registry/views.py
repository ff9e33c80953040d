"""The emergency capability registry: an organisation's declaration (its members) and the staff
search with targeted invitations (定向邀请) to an open call."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from grants import permissions
from grants.labels import CAPABILITY_TYPES, DISTRICTS
from grants.models import Call, Organisation
from grants.registry.forms import CsrfForm, DeclarationForm
from grants.routing import parse_id
from grants.services import ServiceError
from grants.services import registry as service
from grants.timeutil import now_utc, to_local
from grants.views import apply_field_errors, flash_refusal, get_or_404, paginate, safe_local_url

bp = Blueprint("registry", __name__)


def _org_or_404(org_id) -> Organisation:
    org = get_or_404(Organisation, org_id)
    if not permissions.can_view_organisation(current_user, org):
        abort(404)
    return org


@bp.route("/organisations/<int:org_id>/capabilities", methods=["GET", "POST"])
@login_required
def declaration(org_id):
    org = _org_or_404(org_id)
    if not permissions.can_declare_capabilities(current_user, org):
        abort(403)
    current = service.declaration_of(org.id)
    form = DeclarationForm()
    if request.method == "GET" and current is not None:
        form.fill(current)
    if form.validate_on_submit():
        try:
            service.save_declaration(current_user, org, form.values())
        except ServiceError as exc:
            apply_field_errors(form, exc)
        else:
            flash(_("Your emergency capabilities are saved and confirmed as current."), "success")
            return redirect(url_for("registry.declaration", org_id=org.id))
    elif form.is_submitted() and form.errors:
        _add_rule_errors(form)
    status = 422 if request.method == "POST" else 200
    return render_template("registry/declaration.html", org=org, form=form, declaration=current,
                           stale=current is not None and service.is_stale(current), confirm_form=CsrfForm()), status


def _add_rule_errors(form) -> None:
    """Fields the form could read are still checked by the service's rules, so one submission shows
    every problem (not the typing mistakes first and the rest after the next try)."""
    readable = {k: v for k, v in form.values().items() if not getattr(form, k).errors}
    try:
        service.check_declaration(readable)
    except ServiceError as exc:
        for name, messages in exc.field_errors.items():
            if name in readable:
                getattr(form, name).errors = list(getattr(form, name).errors) + list(messages)


@bp.route("/organisations/<int:org_id>/capabilities/confirm", methods=["POST"])
@login_required
def confirm(org_id):
    org = _org_or_404(org_id)
    if not permissions.can_declare_capabilities(current_user, org):
        abort(403)
    if CsrfForm().validate_on_submit():
        try:
            service.confirm(current_user, org)
        except ServiceError as exc:
            flash_refusal(exc)
        else:
            flash(_("Thank you: your declaration is confirmed as current."), "success")
    return redirect(url_for("registry.declaration", org_id=org.id))


def _whole(name: str, high: int) -> int | None:
    text = (request.args.get(name) or "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 7:
        return None
    return min(int(text), high) or None


def filters_from_args() -> service.Filters:
    """The filters asked for in the query string; anything unreadable is ignored, never a 500."""
    district = request.args.get("district")
    freshness = request.args.get("freshness")
    return service.Filters(
        capabilities=tuple(c for c in dict.fromkeys(request.args.getlist("capability")) if c in CAPABILITY_TYPES),
        district=district if district in DISTRICTS else None,
        min_people=_whole("min_people", service.MAX_COUNT),
        min_volunteers=_whole("min_volunteers", service.MAX_COUNT),
        min_grade=_whole("min_grade", 5),
        freshness=freshness if freshness in ("current", "stale") else None,
    )


@bp.route("/registry/")
@login_required
def search():
    if not permissions.can_search_registry(current_user):
        abort(403)
    now = now_utc()
    filters = filters_from_args()
    page = paginate(service.search_statement(filters, now))
    calls = service.invitable_calls()
    chosen_call = parse_id(request.args.get("call_id") or "")
    return render_template("registry/search.html", page=page, filters=filters, facets=service.facets(filters, now),
                           calls=calls, chosen_call=chosen_call, now=now, today=to_local(now).date(),
                           stale_after=service.STALE_AFTER,
                           invite_form=CsrfForm())


@bp.route("/registry/invite", methods=["POST"])
@login_required
def invite():
    if not permissions.can_search_registry(current_user):
        abort(403)
    back = safe_local_url(request.form.get("next")) or url_for("registry.search")
    form = CsrfForm()
    if not form.validate_on_submit():
        flash(_("The form has expired. Reload the page and try again."), "error")
        return redirect(back)
    call_id = parse_id(request.form.get("call_id") or "")
    call = get_or_404(Call, call_id) if call_id is not None else None
    if call is None:
        flash(_("Choose the call to invite the organisations to."), "error")
        return redirect(back)
    ids = [i for i in (parse_id(v) for v in request.form.getlist("org_id")) if i is not None]
    try:
        result = service.invite(current_user, call, ids)
    except ServiceError as exc:
        flash_refusal(exc)
    else:
        flash(result.message(), "success" if result.invited else "info")
    return redirect(back)
