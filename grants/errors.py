"""Error pages in the site's style and language; JSON for clients that ask for it."""
from __future__ import annotations

from flask import jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from grants.extensions import db
from grants.request import InvalidFormText


def _messages():
    return {
        400: (_("Bad request"), _("The request could not be understood. Please go back and try again.")),
        403: (_("Not allowed"), _("You do not have permission to do this.")),
        404: (_("Not found"), _("The page does not exist, or you are not allowed to see it.")),
        405: (_("Not allowed"), _("This action is not available here.")),
        409: (_("Changed meanwhile"),
              _("Someone else changed this at the same time. Reload the page and try again.")),
        413: (_("File too large"),
              _("What you sent is too large. Each file may be at most 10 MB; please make it smaller and try again.")),
        429: (_("Too many attempts"), _("Too many attempts in a short time. Please wait a minute and try again.")),
        500: (_("Something went wrong"), _("An unexpected error occurred. Nothing was saved; please try again later.")),
    }


def _wants_json() -> bool:
    if request.path.startswith("/api/"):  # the department API answers JSON, errors included
        return True
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def render_error(code: int, detail: str | None = None):
    title, message = _messages().get(code, _messages()[500])
    if detail:
        message = detail
    if _wants_json():
        return jsonify(error=code, title=title, message=message), code
    return render_template("errors/error.html", code=code, title=title, message=message), code


def init_app(app) -> None:
    @app.errorhandler(InvalidFormText)
    def invalid_text(exc):
        return render_error(400, _("Some of the text sent could not be read (it is not valid UTF-8). "
                                   "Nothing was saved; please type it again and resend the form."))

    @app.errorhandler(CSRFError)
    def csrf_error(exc):
        return render_error(400,
                            _("The form expired or was sent from elsewhere. Please reload the page and try again."))

    @app.errorhandler(StaleDataError)
    def stale(exc):
        # A backstop: services turn this into a ServiceError inside atomic(); a write outside
        # one still answers "reload", never 500.
        db.session.rollback()
        return render_error(409)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        code = exc.code or 500
        if code == 500:
            db.session.rollback()
        return render_error(code)

    @app.errorhandler(Exception)
    def unexpected(exc):
        db.session.rollback()
        app.logger.exception("Unhandled error")
        return render_error(500)
