from __future__ import annotations

import hashlib

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.exceptions import BadRequest

from grants.auth.forms import LoginForm, PasswordChangeForm
from grants.extensions import limiter
from grants.services import ServiceError, accounts
from grants.views import apply_field_errors, safe_local_url

bp = Blueprint("auth", __name__)


def _account_tried() -> str:
    """The throttling key of the account a login attempt names, whichever address it comes from."""
    try:
        email = accounts.normalise_email(request.form.get("email", ""))
    except BadRequest:  # unreadable form: the view answers 400; never fail the limiter
        email = ""
    return "login-account:" + hashlib.sha256(email.encode("utf-8", "replace")).hexdigest()


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
@limiter.limit(lambda: current_app.config["LOGIN_ACCOUNT_RATE_LIMIT"], methods=["POST"], key_func=_account_tried)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data, form.password.data)
        if user is None:
            inactive = accounts.find_by_email(form.email.data)
            if inactive is not None and not inactive.active and inactive.check_password(form.password.data):
                form.email.errors.append(_("This account has been deactivated. Please contact the bureau."))
            else:
                form.password.errors.append(_("The email address or password is not correct."))
        else:
            accounts.record_login(user)
            lang = session.get("lang")
            session.clear()  # a fresh session (and CSRF token) at every login
            if lang:
                session["lang"] = lang
            login_user(user, remember=form.remember.data)
            flash(_("Welcome, %(name)s.", name=user.name), "success")
            return redirect(safe_local_url(request.args.get("next")) or url_for("main.dashboard"))
    return render_template("auth/login.html", form=form)


def _end_this_session() -> None:
    """Forget the user in this browser (session and remember cookie), keeping the language."""
    lang = session.get("lang")
    logout_user()
    session.clear()
    if lang:
        session["lang"] = lang


@bp.route("/logout", methods=["POST"])
def logout():
    if current_user.is_authenticated:
        accounts.end_session(current_user._get_current_object())
    _end_this_session()
    flash(_("You have logged out."), "info")
    return redirect(url_for("main.index"))


@bp.route("/logout-everywhere", methods=["POST"])
@login_required
def logout_everywhere():
    accounts.log_out_everywhere(current_user._get_current_object())
    _end_this_session()
    flash(_("You have been logged out on every device. Log in again to continue."), "info")
    return redirect(url_for("main.index"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            accounts.change_password(current_user, form.current.data, form.new.data)
        except ServiceError as exc:
            apply_field_errors(form, exc)
        else:
            login_user(current_user._get_current_object())  # keep this session, end the others
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("main.dashboard"))
    return render_template("auth/password.html", form=form)
