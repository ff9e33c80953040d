"""Demo data, in steps along the cycle. Each step is idempotent.

Steps are modules in this package with a `run(ctx)` function, applied in STEPS order;
`ctx` carries what earlier steps made (users, organisations, calls…).
"""
from __future__ import annotations

import importlib

STEPS = ["grants.seed.core", "grants.seed.accounts", "grants.seed.calls", "grants.seed.proposals", "grants.seed.panel",
         "grants.seed.reviews", "grants.seed.awards", "grants.seed.reports", "grants.seed.finance",
         "grants.seed.disclosure", "grants.seed.spotchecks", "grants.seed.site", "grants.seed.registry"]


def run() -> list[tuple[str, str]]:
    ctx: dict = {"logins": []}
    for name in STEPS:
        importlib.import_module(name).run(ctx)
    return ctx["logins"]
