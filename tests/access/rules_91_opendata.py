"""Open data (anyone), the department API (401 without a token: the API never uses the session,
so every logged-in role is refused alike) and the API token pages (admins only)."""
from datetime import timedelta

from grants.extensions import db
from grants.models import ApiToken
from grants.services.api_tokens import hash_secret
from grants.timeutil import local_today, now_utc
from tests.access import OK, ROLES, Rule, only


def extend_world(w):
    w.api_token = ApiToken(name="矩阵测试令牌", department="市审计局", scopes=["read:public"],
                           token_hash=hash_secret("gapi_matrix"), hint="gapi_matr",
                           expires_at=now_utc() + timedelta(days=30))
    db.session.add(w.api_token)
    db.session.commit()


EVERYONE_OK = {r: OK for r in ROLES}
NO_TOKEN = {r: 401 for r in ROLES}
# 401 is answered before the id is looked at: the status says nothing about the record.
API_VISIBLE = ROLES

RULES = [
    Rule("opendata.index", "GET", lambda w: "/open-data/", EVERYONE_OK),
    # With the world's data a file may be empty: 404 (documented: no valid empty package) is fine.
    Rule("opendata.giving", "GET", lambda w: "/open-data/360giving.json", EVERYONE_OK),
    Rule("opendata.ocds", "GET", lambda w: "/open-data/ocds.json", EVERYONE_OK),
    Rule("api.openapi", "GET", lambda w: "/api/v1/openapi.json", EVERYONE_OK),
    Rule("api_admin.tokens", "GET", lambda w: "/admin/api-tokens/", only(("admin",))),
    Rule("api_admin.new", "GET", lambda w: "/admin/api-tokens/new", only(("admin",))),
    Rule("api_admin.new", "POST", lambda w: "/admin/api-tokens/new", only(("admin",)),
         data=lambda w: {"name": "财政局对账", "department": "市财政局", "scopes": ["read:public"],
                         "expires_on": (local_today() + timedelta(days=200)).isoformat()}),
    Rule("api_admin.revoke", "POST", lambda w: f"/admin/api-tokens/{w.api_token.id}/revoke",
         only(("admin",), default=404), data=lambda w: {}),
    Rule("api_admin.calls", "GET", lambda w: "/admin/api-tokens/calls", only(("admin",))),
]

for _name in ("calls", "awards", "contracts", "payments", "organisations", "bank-accounts", "spot-checks"):
    _slug = _name.replace("-", "_")
    RULES.append(Rule(f"api.{_slug}_list", "GET", lambda w, n=_name: f"/api/v1/{n}", NO_TOKEN))
    RULES.append(Rule(f"api.{_slug}_item", "GET", lambda w, n=_name: f"/api/v1/{n}/1", NO_TOKEN,
                      visible=API_VISIBLE))
