"""Small helpers shared by the blueprints' views."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import abort, current_app, flash, request
from flask_sqlalchemy.pagination import Pagination

from grants.extensions import db
from grants.routing import parse_id


def apply_field_errors(form, exc) -> None:
    """Show a ServiceError beside its fields, or as a flash message when it names none."""
    if exc.field_errors:
        for name, messages in exc.field_errors.items():
            field = getattr(form, name, None)
            if field is None:
                flash(" ".join(str(m) for m in messages), "error")
            else:
                field.errors = list(field.errors) + [str(m) for m in messages]
    else:
        flash(exc.message, "error")


def flash_refusal(exc) -> None:
    """A refused change on a page that redirects: its field messages (or its message) as one flash."""
    flash(" ".join(str(m) for ms in exc.field_errors.values() for m in ms) or exc.message, "error")


def flash_form_errors(form) -> None:
    """For small POST-only forms whose page is elsewhere: show their errors as one flash message."""
    messages = [str(e) for errors in form.errors.values() for e in errors]
    if messages:
        flash(" ".join(messages), "error")


def refuse():
    """Refuse the request: 404 when the URL names an object by id (to someone who may not act on
    it, it does not exist: another's object and a missing one answer alike), 403 otherwise.

    For objects the user can already see (their own, or public), views abort(403) instead."""
    names_an_object = any(isinstance(v, int) for v in (request.view_args or {}).values())
    abort(404 if names_an_object else 403)


def get_or_404(model, ident):
    ident = parse_id(ident)
    if ident is None:
        abort(404)
    obj = db.session.get(model, ident)
    if obj is None:
        abort(404)
    return obj


MAX_PAGE = 100_000
MAX_PER_PAGE = 200


def _clamped(value, default: int, highest: int) -> int:
    text = (value or "").strip()
    digits = text[1:] if text.startswith("-") else text
    if not (digits.isascii() and digits.isdigit()):
        return default
    if text.startswith("-"):
        return 1
    return highest if len(digits) > 18 else min(max(int(digits), 1), highest)


def page_args(default_per_page: int | None = None) -> tuple[int, int]:
    """The page and page size asked for, clamped: no value makes a list fail (the one pager)."""
    page = _clamped(request.args.get("page"), 1, MAX_PAGE)
    per_page = _clamped(request.args.get("per_page"), default_per_page or current_app.config["PAGE_SIZE"],
                        MAX_PER_PAGE)
    return page, per_page


class ListPagination(Pagination):
    """The pager's page of a list already computed in Python (e.g. a call's ranking)."""

    def _query_items(self) -> list:
        start = self._query_offset
        return self._query_args["rows"][start:start + self.per_page]

    def _query_count(self) -> int:
        return len(self._query_args["rows"])


def paginate_list(rows: list, default_per_page: int | None = None) -> ListPagination:
    page, per_page = page_args(default_per_page)
    return ListPagination(page=page, per_page=per_page, max_per_page=MAX_PER_PAGE, error_out=False, rows=rows)


def paginate(stmt):
    page, per_page = page_args()
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)


def safe_local_url(target: str | None) -> str | None:
    """Only same-site paths are followed after a form (no open redirects)."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target
