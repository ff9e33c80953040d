"""Public pages, no login: open calls and past calls with rules, dates, budget and rubric."""
from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_login import current_user
from sqlalchemy import select

from grants import permissions
from grants.models import Call
from grants.services import calls as calls_service
from grants.services import eligibility
from grants.timeutil import local_today
from grants.views import get_or_404, paginate

bp = Blueprint("public", __name__)

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
    return render_template("public/call.html", call=call, org=org, failures=failures)


@bp.app_template_global("public_open_calls")
def public_open_calls(limit: int = 5):
    """Open calls for the home page."""
    return calls_service.open_calls(limit=limit)
