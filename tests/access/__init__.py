"""The access matrix: role × route × method, declared per area in rules_*.py.

Each rules module defines RULES (a list of Rule) and may define extend_world(w) to add the
objects its URLs need; modules are loaded in name order (rules_00_core, rules_10_..., ...).
"""
from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace

ROLES = ("anonymous", "applicant", "other_applicant", "reviewer", "staff", "finance", "finance_senior", "admin",
         "evaluator")

OK = "ok"        # allowed: 2xx, or a redirect that is not to the login page
LOGIN = "login"  # redirected to the login page
# Any int: exactly that status code (403, 404, 405 …).


@dataclass
class Rule:
    endpoint: str
    method: str
    url: Callable
    expect: dict
    data: Callable | None = None  # form data for POSTs (w -> dict)
    note: str = ""
    # Roles that already know the object in the URL (their own, or public): only they may be
    # answered 403 on a route with an id; to every other role it must not exist (404).
    visible: tuple = ()
    key: tuple = field(init=False)

    def __post_init__(self):
        missing = set(ROLES) - set(self.expect)
        if missing:
            raise ValueError(f"{self.endpoint} {self.method}: no expectation for {sorted(missing)}")
        self.key = (self.endpoint, self.method)


def only(allowed, *, default=403, anonymous=LOGIN, **overrides) -> dict:
    """Expectations: OK for the roles in `allowed`, `default` for other logged-in roles."""
    expect = {r: (OK if r in allowed else default) for r in ROLES}
    expect["anonymous"] = OK if "anonymous" in allowed else anonymous
    expect.update(overrides)
    return expect


EVERYONE = ROLES
LOGGED_IN = tuple(r for r in ROLES if r != "anonymous")
STAFF = ("staff", "admin")


def modules():
    package = importlib.import_module("tests.access")
    names = sorted(m.name for m in pkgutil.iter_modules(package.__path__) if m.name.startswith("rules_"))
    return [importlib.import_module(f"tests.access.{n}") for n in names]


def all_rules() -> list[Rule]:
    rules = []
    for module in modules():
        rules.extend(module.RULES)
    return rules


def build_world():
    w = SimpleNamespace()
    for module in modules():
        extend = getattr(module, "extend_world", None)
        if extend:
            extend(w)
    return w
