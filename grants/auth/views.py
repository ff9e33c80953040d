from __future__ import annotations

import hashlib

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.exceptions import BadRequest

from grants.auth.forms import ForgotPasswordForm, LoginForm, NewPasswordForm, PasswordChangeForm
from grants.extensions import limiter
from grants.services import ServiceError, accounts, tokens
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


# -- forgotten password -------------------------------------------------------------------------
def _address_asked() -> str:
    """The throttling key of the address a reset request names (hashed, normalised)."""
    try:
        email = accounts.normalise_email(request.form.get("email", ""))
    except BadRequest:
        email = ""
    return "reset-account:" + hashlib.sha256(email.encode("utf-8", "replace")).hexdigest()


@bp.route("/forgot", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["PASSWORD_RESET_RATE_LIMIT"], methods=["POST"])
@limiter.limit(lambda: current_app.config["PASSWORD_RESET_ACCOUNT_RATE_LIMIT"], methods=["POST"],
               key_func=_address_asked)
def forgot():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        accounts.request_password_reset(form.email.data)
        # The same answer whether or not the address has an account.
        return render_template("auth/forgot_sent.html", minutes=current_app.config["PASSWORD_RESET_MAX_AGE_MINUTES"])
    return render_template("auth/forgot.html", form=form), (422 if form.errors else 200)


def token_refused(error: tokens.TokenError, *, invitation: bool = False):
    """The page for a link that cannot be used (never a 500): why, and how to get a new one."""
    return render_template("auth/link_refused.html", reason=error.reason, invitation=invitation), 400


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset(token):
    try:
        user = accounts.user_for_reset(token)
    except tokens.TokenError as exc:
        return token_refused(exc)
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            accounts.reset_password(token, form.new.data)
        except tokens.TokenError as exc:
            return token_refused(exc)
        if current_user.is_authenticated:
            _end_this_session()
        flash(_("Your password has been set. Log in with it now; every other login of yours has ended."), "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", form=form, user=user), (422 if form.errors else 200)


@bp.route("/privacy")
def privacy():
    return render_template("auth/privacy.html", version=accounts.PRIVACY_VERSION)
