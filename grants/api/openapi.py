"""The OpenAPI 3.1 document of the department API, generated from the registry."""
from __future__ import annotations

from grants.api.registry import INT, STR
from grants.models.api import READ_PRIVATE, READ_PUBLIC
from grants.views import MAX_PER_PAGE

ERROR = {"type": "object", "properties": {"error": INT, "message": STR}, "required": ["error", "message"]}


def _responses(ok_schema: dict, description: str, *, item: bool = False) -> dict:
    out = {
        "200": {"description": description, "content": {"application/json": {"schema": ok_schema}}},
        "400": {"$ref": "#/components/responses/BadRequest"},
        "401": {"$ref": "#/components/responses/Unauthorized"},
        "403": {"$ref": "#/components/responses/Forbidden"},
    }
    if item:
        out["404"] = {"$ref": "#/components/responses/NotFound"}
    return out


def _page_schema(ref: str) -> dict:
    link = {"type": ["string", "null"], "format": "uri"}
    return {"type": "object", "required": ["data", "page", "per_page", "total", "pages", "next", "prev"],
            "properties": {"data": {"type": "array", "items": {"$ref": ref}}, "page": INT, "per_page": INT,
                           "total": INT, "pages": INT, "next": link, "prev": link}}


def document(server_url: str, resources) -> dict:
    paths: dict = {}
    schemas: dict = {"Error": ERROR}
    paging = [
        {"name": "page", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 1, "default": 1}},
        {"name": "per_page", "in": "query", "required": False,
         "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": 20}},
    ]
    for resource in resources:
        ref = f"#/components/schemas/{resource.schema_name}"
        schemas[resource.schema_name] = resource.schema
        security = [{"bearer": [resource.scope]}]
        scope_note = f"Scope: {resource.scope}."
        filters = [{"name": f.name, "in": "query", "required": False, "description": f.description or f.name,
                    "schema": {"type": f.kind}} for f in resource.filters]
        tag = resource.name
        slug = resource.name.replace("-", "_")
        paths[f"/{resource.name}"] = {"get": {
            "operationId": f"list_{slug}", "summary": resource.summary, "tags": [tag],
            "description": " ".join(x for x in (resource.description, scope_note) if x),
            "security": security, "parameters": paging + filters,
            "responses": _responses(_page_schema(ref), "One page of records, oldest first"),
        }}
        if resource.detail:
            paths[f"/{resource.name}/{{item_id}}"] = {"get": {
                "operationId": f"get_{slug}", "summary": f"One record: {resource.summary}", "tags": [tag],
                "description": scope_note, "security": security,
                "parameters": [{"name": "item_id", "in": "path", "required": True,
                                "schema": {"type": "integer", "minimum": 1}}],
                "responses": _responses({"type": "object", "required": ["data"], "properties": {"data": {"$ref": ref}}},
                                        "The record", item=True),
            }}
    paths["/openapi.json"] = {"get": {
        "operationId": "openapi", "summary": "This document", "security": [], "tags": ["meta"],
        "responses": {"200": {"description": "The OpenAPI 3.1 document",
                              "content": {"application/json": {"schema": {"type": "object"}}}}},
    }}

    def error_response(text):
        schema = {"$ref": "#/components/schemas/Error"}
        return {"description": text, "content": {"application/json": {"schema": schema}}}

    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Grants department API",
            "version": "1.0.0",
            "description": (
                "Read-only JSON for other government departments (财政, 审计, 税务 …). Send a token created by the "
                "administrator as `Authorization: Bearer <token>`. Scopes: `read:public` (what the public pages "
                "publish) and `read:private` (also grantees' bank accounts and payment references; includes "
                "read:public). No endpoint shows reviewers or individual review scores. Lists are paginated "
                "(`page`, `per_page` ≤ 200) with a `next` link; every call is logged. Amounts are yuan strings "
                "with two decimals; times are UTC (RFC 3339)."),
        },
        "servers": [{"url": server_url}],
        "security": [{"bearer": [READ_PUBLIC]}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {"bearer": {
                "type": "http", "scheme": "bearer",
                "description": f"Department API token; scopes {READ_PUBLIC}, {READ_PRIVATE}"}},
            "responses": {
                "BadRequest": error_response("A filter value that cannot be read"),
                "Unauthorized": error_response("No token, or an unknown, expired or revoked one"),
                "Forbidden": error_response("The token lacks the scope this endpoint needs"),
                "NotFound": error_response("No such record, or it is not published"),
            },
        },
    }
