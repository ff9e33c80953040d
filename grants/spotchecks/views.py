"""Spot checks: staff keep the inspector pool, make draws and enter results (`bp`, /spot-checks);
everyone sees the draws and can re-run them (`public_bp`, /public/spot-checks)."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from grants import permissions
from grants.models import Inspector, SpotCheckDraw, SpotCheckItem
from grants.services import ServiceError
from grants.services import spotchecks as service
from grants.spotchecks.forms import (
    POPULATION_LABELS,
    RATING_LABELS,
    ActiveForm,
    CloseForm,
    DrawForm,
    InspectorForm,
    RerunForm,
    ResultForm,
)
from grants.views import apply_field_errors, flash_form_errors, flash_refusal, get_or_404, paginate, refuse

bp = Blueprint("spotchecks", __name__)
public_bp = Blueprint("spotchecks_public", __name__)


@bp.before_request
@login_required
def _staff_only():
    if not permissions.can_manage_spot_checks(current_user):
        refuse()


@bp.app_template_global("spotcheck_labels")
def spotcheck_labels():
    return {"population": POPULATION_LABELS, "rating": RATING_LABELS}


@bp.app_template_global("spotcheck_items_for")
def spotcheck_items_for(org):
    """For the organisation's public page (templates/spotchecks/_org_section.html)."""
    return service.public_for_organisation(org)


# -- staff --------------------------------------------------------------------------------------
@bp.route("/")
def index():
    return render_template("spotchecks/index.html", page=paginate(service.draws_query()))


@bp.route("/inspectors", methods=["GET", "POST"])
def inspectors():
    form = InspectorForm()
    status = 200
    if form.is_submitted():
        if form.validate():
            try:
                inspector = service.add_inspector(current_user, name=form.name.data,
                                                  affiliation=form.affiliation.data or "",
                                                  user_email=form.user_email.data or "")
            except ServiceError as exc:
                apply_field_errors(form, exc)
            else:
                flash(_("%(name)s has been added to the inspector pool.", name=inspector.name), "success")
                return redirect(url_for("spotchecks.inspectors"))
        status = 422
    page = paginate(select(Inspector).order_by(Inspector.active.desc(), Inspector.id)
                    .options(selectinload(Inspector.user)))
    return render_template("spotchecks/inspectors.html", form=form, page=page, active_form=ActiveForm()), status


@bp.route("/inspectors/<int:inspector_id>/active", methods=["POST"])
def inspector_active(inspector_id):
    inspector = get_or_404(Inspector, inspector_id)
    form = ActiveForm()
    if form.validate_on_submit():
        try:
            service.set_inspector_active(current_user, inspector, form.active.data == "1")
        except ServiceError as exc:
            flash_refusal(exc)
        else:
            flash(_("%(name)s is active again.", name=inspector.name) if inspector.active
                  else _("%(name)s is no longer drawn.", name=inspector.name), "success")
    else:
        flash_form_errors(form)
    return redirect(url_for("spotchecks.inspectors"))


@bp.route("/new", methods=["GET", "POST"])
def new():
    form = DrawForm()
    if not form.is_submitted():
        return render_template("spotchecks/new.html", form=form, pool=len(service.active_pool()))
    if form.validate():
        try:
            draw = service.create_draw(current_user, population=form.population.data, period=form.period.data,
                                       nonce=form.nonce.data or "", document_rate=form.document_rate.data,
                                       onsite_rate=form.onsite_rate.data,
                                       inspectors_per_item=form.inspectors_per_item.data)
        except ServiceError as exc:
            apply_field_errors(form, exc)
        else:
            flash(_("The draw is made: %(n)d item(s) drawn. It is published and cannot be changed.",
                    n=len(draw.items)), "success")
            return redirect(url_for("spotchecks.draw", draw_id=draw.id))
    return render_template("spotchecks/new.html", form=form, pool=len(service.active_pool())), 422


@bp.route("/<int:draw_id>")
def draw(draw_id):
    draw = get_or_404(SpotCheckDraw, draw_id)
    return render_template("spotchecks/draw.html", draw=draw, items=service.items_of(draw),
                           pool=service.inspectors_by_id(draw), staff_view=True)


def _item_page(item, result_form, close_form, status=200):
    return render_template("spotchecks/item.html", item=item, draw=item.draw, result_form=result_form,
                           close_form=close_form), status


@bp.route("/items/<int:item_id>", methods=["GET", "POST"])
def item(item_id):
    item = get_or_404(SpotCheckItem, item_id)
    form = ResultForm(obj=item.result) if request.method == "GET" else ResultForm()
    if request.method == "GET":
        return _item_page(item, form, CloseForm())
    if form.validate():
        try:
            service.record_result(current_user, item, findings=form.findings.data, rating=form.rating.data,
                                  rectification_required=bool(form.rectification_required.data),
                                  rectification_due_on=form.rectification_due_on.data)
        except ServiceError as exc:
            apply_field_errors(form, exc)
        else:
            flash(_("The result is recorded and published."), "success")
            return redirect(url_for("spotchecks.item", item_id=item.id))
    return _item_page(item, form, CloseForm(), 422)


@bp.route("/items/<int:item_id>/close", methods=["POST"])
def close(item_id):
    item = get_or_404(SpotCheckItem, item_id)
    form = CloseForm()
    if form.validate_on_submit():
        try:
            service.close_result(current_user, item, form.closed_on.data)
        except ServiceError as exc:
            flash_refusal(exc)
        else:
            flash(_("The check is closed."), "success")
    else:
        flash_form_errors(form)
    return redirect(url_for("spotchecks.item", item_id=item.id))


# -- public -------------------------------------------------------------------------------------
@public_bp.route("/")
def public_index():
    return render_template("spotchecks/public_index.html", page=paginate(service.draws_query()))


@public_bp.route("/<int:draw_id>")
def public_draw(draw_id):
    draw = get_or_404(SpotCheckDraw, draw_id)
    return render_template("spotchecks/draw.html", draw=draw, items=service.items_of(draw),
                           pool=service.inspectors_by_id(draw), staff_view=False)


@public_bp.route("/rerun", methods=["GET", "POST"])
def rerun():
    form = RerunForm(request.form if request.method == "POST" else None)
    if request.method == "GET":
        draw = get_or_404(SpotCheckDraw, request.args["draw"]) if request.args.get("draw") else None
        if draw is not None:
            form.draw_date.data, form.nonce.data = draw.draw_date, draw.nonce
            form.candidate_ids.data = ", ".join(str(i) for i in draw.candidate_ids)
            form.document_rate.data, form.onsite_rate.data = draw.document_rate, draw.onsite_rate
        return render_template("spotchecks/rerun.html", form=form, outcome=None)
    outcome = None
    if form.validate():
        ids = service.parse_ids(form.candidate_ids.data)
        nonce_problem = service.validate_nonce(form.nonce.data.strip())
        if ids is None:
            form.candidate_ids.errors = [_("Enter whole-number ids separated by commas or spaces.")]
        elif nonce_problem:
            form.nonce.errors = [nonce_problem]
        elif form.onsite_rate.data > form.document_rate.data:
            form.onsite_rate.errors = [_("The on-site rate cannot exceed the document-check rate.")]
        else:
            outcome = service.rerun(form.draw_date.data, ids, form.nonce.data.strip(), form.document_rate.data,
                                    form.onsite_rate.data)
    if outcome is None:
        return render_template("spotchecks/rerun.html", form=form, outcome=None), 422
    return render_template("spotchecks/rerun.html", form=form, outcome=outcome,
                           items={i.target_id: i for i in service.items_of(outcome.draw)} if outcome.draw else {},
                           pool=service.inspectors_by_id(outcome.draw) if outcome.draw else {})


