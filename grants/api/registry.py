"""The department API's resources, declared once: each `Resource` becomes a paginated list
(`/api/v1/<name>`), optionally an item (`/api/v1/<name>/<id>`), and its part of the OpenAPI file.

Adding an endpoint is one `register(Resource(...))` call (`grants.api.views.register`) in
grants/api/resources.py or a module it imports (before the blueprint is registered), e.g. for
spot checks:

    register(Resource(
        name="spot-checks", summary="Spot-check draws and their results",
        query=lambda: select(SpotCheckItem).order_by(SpotCheckItem.id),
        serialise=lambda item, ctx: {"id": item.id, ...},
        schema=obj(id=INT, ...)))

The list and the item, the scope check, pagination, the `next` link, the call log and the
OpenAPI paths then come for free (tests check every route appears in the OpenAPI file).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from grants.models.api import READ_PRIVATE, READ_PUBLIC

# -- JSON Schema shorthands for the OpenAPI file (OpenAPI 3.1 uses JSON Schema 2020-12) ---------
INT = {"type": "integer"}
STR = {"type": "string"}
BOOL = {"type": "boolean"}
DATE = {"type": "string", "format": "date"}
DATETIME = {"type": "string", "format": "date-time"}
MONEY = {"type": "string", "pattern": r"^\d+\.\d{2}$", "description": "Yuan (CNY), exact, as a string: \"12345.00\""}


def nullable(schema: dict) -> dict:
    out = dict(schema)
    out["type"] = [schema["type"], "null"]
    return out


def array(items: dict) -> dict:
    return {"type": "array", "items": items}


def obj(private: tuple = (), **properties) -> dict:
    """An object schema; every property is required except those named in `private`, which only
    tokens with read:private receive."""
    props = {}
    for name, schema in properties.items():
        if name in private:
            schema = {**schema, "description": "Only with the read:private scope."}
        props[name] = schema
    return {"type": "object", "properties": props,
            "required": [n for n in properties if n not in private]}


@dataclass(frozen=True)
class Filter:
    name: str
    column: Callable  # () -> the column compared with the value
    kind: str = "integer"  # "integer" or "string"
    description: str = ""


@dataclass(frozen=True)
class Context:
    """What a serialiser may use: whether private fields are allowed, and what `prefetch` loaded
    for the whole page (one extra statement per page, never one per item)."""

    private: bool
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Resource:
    name: str
    summary: str
    query: Callable  # () -> a select() of the visible rows, eagerly loading what serialise reads
    serialise: Callable  # (obj, Context) -> dict
    schema: dict
    scope: str = READ_PUBLIC
    filters: tuple = ()
    detail: bool = True
    prefetch: Callable | None = None  # (items) -> dict given to the serialiser as Context.extra
    description: str = ""

    @property
    def schema_name(self) -> str:
        return "".join(part.capitalize() for part in self.name.split("-"))


REGISTRY: dict[str, Resource] = {}


def record(resource: Resource) -> Resource:
    """Keep `resource` in the registry (grants.api.views.register also adds its routes)."""
    if resource.name in REGISTRY:
        raise ValueError(f"API resource {resource.name!r} registered twice")
    if resource.scope not in (READ_PUBLIC, READ_PRIVATE):
        raise ValueError(f"unknown scope {resource.scope!r}")
    REGISTRY[resource.name] = resource
    return resource
