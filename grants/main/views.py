from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required

from grants.services import accounts
from grants.services import dashboard as dashboard_service
from grants.services import disclosure as disclosure_service
from grants.views import safe_local_url

bp = Blueprint("main", __name__)


@bp.route("/")
def index():
    return render_template("main/index.html", figures=disclosure_service.city_figures())


@bp.route("/dashboard")
@login_required
def dashboard():
    board = dashboard_service.for_user(current_user)
    return render_template("main/dashboard.html", org=board.org, dashboard=board)


@bp.route("/lang/<code>", methods=["POST"])
def set_language(code: str):
    if code in current_app.config["LANGUAGES"]:
        session["lang"] = code
        if current_user.is_authenticated:
            accounts.set_locale(current_user, code)
    return redirect(safe_local_url(request.form.get("next")) or url_for("main.index"))
