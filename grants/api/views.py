"""The read-only department API (/api/v1/): bearer tokens only (never the session cookie), JSON
answers (errors too), every call logged, routes generated from the registry."""
from __future__ import annotations

from flask import Blueprint, current_app, g, jsonify, request, url_for
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from grants.api import openapi as openapi_document
from grants.api.registry import REGISTRY, Context, record
from grants.extensions import db
from grants.routing import parse_id
from grants.services import api_tokens
from grants.timeutil import now_utc
from grants.views import page_args

PREFIX = "/api/v1"
bp = Blueprint("api", __name__)


def error(status: int, message: str, **headers):
    response = jsonify(error=status, message=message)
    response.status_code = status
    response.headers.update(headers)
    return response


@bp.before_request
def _authenticate():
    g.api_token_id = None
    if request.endpoint == "api.openapi":
        return None
    token, refusal = api_tokens.authenticate(request.headers.get("Authorization"), now_utc())
    if token is not None:
        g.api_token_id = token.id
    if refusal:
        return error(401, refusal, **{"WWW-Authenticate": 'Bearer realm="grants-api"'})
    g.api_token = token
    return None


@bp.errorhandler(HTTPException)
def _http_error(exc: HTTPException):
    messages = {404: _("No such record, or it is not published."), 405: _("Only GET is available here."),
                400: _("The request could not be understood.")}
    return error(exc.code or 500, messages.get(exc.code, exc.description or ""))


@bp.after_app_request
def _log(response):
    """Every request under /api/v1 is logged, answered by a view or not (an unknown path too)."""
    if request.path == PREFIX or request.path.startswith(PREFIX + "/"):
        api_tokens.log_call(g.get("api_token_id"), method=request.method, path=request.full_path.rstrip("?"),
                            status=response.status_code, remote_addr=request.remote_addr, now=now_utc())
    return response


def _require(resource):
    token = g.api_token
    if not token.has_scope(resource.scope):
        return error(403, _("This token does not have the %(scope)s scope.", scope=resource.scope))
    return None


def _filtered(resource):
    stmt = resource.query()
    for flt in resource.filters:
        raw = request.args.get(flt.name)
        if raw is None or raw == "":
            continue
        if flt.kind == "integer":
            value = parse_id(raw)
            if value is None:
                return None, error(400, _("%(name)s must be a positive whole number.", name=flt.name))
        else:
            value = raw.strip()[:200]
        stmt = stmt.where(flt.column() == value)
    return stmt, None


def _context(resource, items):
    extra = resource.prefetch(items) if resource.prefetch and items else {}
    return Context(private=g.api_token.has_scope(api_tokens.READ_PRIVATE), extra=extra)


def _list_view(resource):
    def view():
        refusal = _require(resource)
        if refusal:
            return refusal
        stmt, refusal = _filtered(resource)
        if refusal:
            return refusal
        page, per_page = page_args()
        result = db.paginate(stmt, page=page, per_page=per_page, error_out=False)
        items = list(result.items)
        ctx = _context(resource, items)
        args = {k: v for k, v in request.args.items() if k not in ("page", "per_page")}

        def link(number):
            return url_for(request.endpoint, page=number, per_page=per_page, _external=True, **args)

        return jsonify(data=[resource.serialise(item, ctx) for item in items], page=page, per_page=per_page,
                       total=result.total, pages=result.pages,
                       next=link(page + 1) if result.has_next else None,
                       prev=link(page - 1) if page > 1 and result.total else None)
    return view


def _item_view(resource):
    def view(item_id):
        refusal = _require(resource)
        if refusal:
            return refusal
        stmt = resource.query()
        entity = stmt.column_descriptions[0]["entity"]
        item = db.session.scalars(stmt.where(entity.id == item_id)).unique().first()
        if item is None:
            return error(404, _("No such record, or it is not published."))
        return jsonify(data=resource.serialise(item, _context(resource, [item])))
    return view


def register(resource):
    """Publish `resource`: its list (and item) routes, under its scope, in the OpenAPI file."""
    record(resource)
    slug = resource.name.replace("-", "_")
    bp.add_url_rule(f"/{resource.name}", f"{slug}_list", _list_view(resource))
    if resource.detail:
        bp.add_url_rule(f"/{resource.name}/<int:item_id>", f"{slug}_item", _item_view(resource))
    return resource


@bp.route("/openapi.json")
def openapi():
    """The OpenAPI 3.1 description of every endpoint (public: it holds no data)."""
    server = current_app.config["BASE_URL"].rstrip("/") + PREFIX
    response = jsonify(openapi_document.document(server, list(REGISTRY.values())))
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def registered_paths() -> list[str]:
    """The API's routes as OpenAPI paths (`<int:item_id>` → `{item_id}`)."""
    out = []
    for rule in current_app.url_map.iter_rules():
        if rule.endpoint.startswith("api."):
            path = rule.rule[len(PREFIX):]
            out.append(path.replace("<int:item_id>", "{item_id}"))
    return sorted(out)

