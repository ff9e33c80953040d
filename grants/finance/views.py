"""Finance staff: the money of every call (pool, proposed, awarded, remaining)."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required
from sqlalchemy import select

from grants import permissions
from grants.models import Call
from grants.services import awards as awards_service
from grants.services import finance as service
from grants.views import get_or_404, paginate, refuse

bp = Blueprint("finance", __name__)


@bp.before_request
@login_required
def _finance_only():
    if not permissions.can_view_finance(current_user):
        refuse()


@bp.route("/")
def index():
    page = paginate(select(Call).where(Call.status.in_(("closed", "decided", "archived")))
                    .order_by(Call.closes_at.desc(), Call.id.desc()))
    return render_template("finance/index.html", page=page, totals=service.totals_by_call([c.id for c in page.items]))


@bp.route("/calls/<int:call_id>")
def call(call_id):
    call = get_or_404(Call, call_id)
    return render_template("finance/call.html", call=call, totals=awards_service.totals(call),
                           awards=awards_service.awards_of(call))
