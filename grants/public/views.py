"""Public pages, no login: open calls and past calls with rules, dates, budget and rubric."""
from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    send_file,
    send_from_directory,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from grants import permissions
from grants.awards.forms import ObjectionForm
from grants.extensions import limiter
from grants.models import Call, CallAttachment
from grants.routing import parse_id
from grants.services import ServiceError, call_site, eligibility, files
from grants.services import awards as awards_service
from grants.services import calls as calls_service
from grants.services import proposals as proposals_service
from grants.timeutil import local_today
from grants.views import get_or_404, paginate

bp = Blueprint("public", __name__)
# Site-wide files browsers ask for at fixed addresses (registered without a prefix).
site_bp = Blueprint("site", __name__)

PAST = ("closed", "decided", "archived")


@bp.route("/calls")
def calls():
    past = paginate(select(Call).where(Call.status.in_(PAST)).order_by(Call.closes_at.desc(), Call.id.desc()))
    return render_template("public/calls.html", open_calls=calls_service.open_calls(), page=past)


@bp.route("/calls/<int:call_id>")
def call(call_id):
    call = get_or_404(Call, call_id)
    if not permissions.can_view_call_publicly(call):
        abort(404)
    # A logged-in applicant sees at once whether their organisation may apply.
    org = current_user.organisation if permissions.is_applicant(current_user) else None
    failures = eligibility.check(call, org, local_today()) if org is not None and call.status == "open" else None
    limit_reached = org is not None and call.status == "open" and not proposals_service.may_start(call, org)
    return render_template("public/call.html", call=call, org=org, failures=failures, limit_reached=limit_reached,
                           limit_message=proposals_service.limit_message(call),
                           time_left=call_site.call_time_left(call))


@bp.route("/calls/<int:call_id>/files/<int:file_id>")
def call_file(call_id, file_id):
    """A guide or template file of a published call, under its own (Chinese) name: Werkzeug writes
    the RFC 5987 `filename*=UTF-8''…` parameter with an ASCII fallback."""
    call = get_or_404(Call, call_id)
    attachment = get_or_404(CallAttachment, file_id)
    if attachment.call_id != call.id or not permissions.can_view_call_publicly(call):
        abort(404)
    path = files.path_for(attachment.sha256)
    if not path.exists():
        abort(404)
    return send_file(path, mimetype=attachment.content_type, as_attachment=True,
                     download_name=files.sanitise_name(attachment.original_name, attachment.content_type), max_age=0)


@bp.route("/calls/<int:call_id>/notice")
def notice(call_id):
    """The public notice (公示) of a call's proposed awards, with the objection form."""
    call = get_or_404(Call, call_id)
    data = awards_service.public_notice(call) if permissions.can_view_call_publicly(call) else None
    if data is None:
        abort(404)
    return render_template("public/notice.html", call=call, form=ObjectionForm(),
                           window_refusal=awards_service.objection_window_refusal(call), **data)


@bp.route("/calls/<int:call_id>/objections", methods=["POST"])
@limiter.limit(lambda: current_app.config["OBJECTION_RATE_LIMIT"])
def object_to(call_id):
    call = get_or_404(Call, call_id)
    data = awards_service.public_notice(call) if permissions.can_view_call_publicly(call) else None
    if data is None:
        abort(404)
    form = ObjectionForm()
    if form.validate_on_submit():
        raw = (form.award_id.data or "").strip()
        award_id = (parse_id(raw) or -1) if raw else None  # -1: names no award; the service says so
        try:
            objection = awards_service.lodge_objection(call, name=form.name.data, contact=form.contact.data,
                                                       text=form.text.data, award_id=award_id)
        except ServiceError as exc:
            for name, messages in exc.field_errors.items():
                field = getattr(form, name, None)
                if field is not None:
                    field.errors = list(field.errors) + list(messages)
            if not exc.field_errors:
                flash(exc.message, "error")
        else:
            flash(_("Your objection has been received. Its reference number is %(ref)s; keep it to ask about "
                    "the outcome.", ref=objection.reference), "success")
            return redirect(url_for("public.notice", call_id=call.id))
    return render_template("public/notice.html", call=call, form=form,
                           window_refusal=awards_service.objection_window_refusal(call), **data), 422


@bp.route("/contracts")
def contracts():
    """Contracts announced (合同公告): number, parties, service, amount, term, announcement date."""
    from grants.services import contracts as contracts_service

    return render_template("public/contracts.html", page=paginate(contracts_service.announced()))


@bp.app_template_global("public_open_calls")
def public_open_calls(limit: int = 5):
    """Open calls for the home page."""
    return calls_service.open_calls(limit=limit)


@site_bp.route("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico whatever the page links; answer with the one in static/."""
    return send_from_directory(current_app.static_folder, "favicon.ico", mimetype="image/vnd.microsoft.icon",
                               max_age=86400)
