"""Every route × every role × every method, against the declared table in tests/access/."""
from __future__ import annotations

import pytest

from tests.access import LOGIN, OK, ROLES, all_rules
from tests.factories import PASSWORD

RULES = all_rules()


def test_every_route_has_a_row(app):
    declared = {r.key for r in RULES}
    missing = []
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if (rule.endpoint, method) not in declared:
                missing.append(f"{method} {rule.rule} ({rule.endpoint})")
    assert not missing, "routes without an access-matrix row:\n" + "\n".join(missing)


def test_no_stale_rows(app):
    registered = {(r.endpoint, m) for r in app.url_map.iter_rules() for m in r.methods}
    stale = [r.key for r in RULES if r.key not in registered]
    assert not stale, f"rows for routes that do not exist: {stale}"


@pytest.mark.parametrize("rule", RULES, ids=lambda r: f"{r.method}-{r.endpoint}")
@pytest.mark.parametrize("role", ROLES)
def test_access(app, client, rule, role, access_world):
    world = access_world
    if role != "anonymous":
        user = world.users[role]
        response = client.post("/auth/login", data={"email": user.email, "password": PASSWORD})
        assert response.status_code == 302, f"could not log in as {role}"
    url = rule.url(world)
    data = rule.data(world) if rule.data else None
    response = client.open(url, method=rule.method, data=data)
    response.close()
    expected = rule.expect[role]
    status = response.status_code
    location = response.headers.get("Location", "")
    assert status != 500, f"{rule.method} {url} as {role}: server error"
    if expected == OK:
        assert status < 400, f"{rule.method} {url} as {role}: expected access, got {status}"
        assert not (status == 302 and "/auth/login" in location), f"{rule.method} {url} as {role}: sent to login"
    elif expected == LOGIN:
        assert status == 302 and "/auth/login" in location, \
            f"{rule.method} {url} as {role}: expected login redirect, got {status} {location}"
    else:
        assert status == expected, f"{rule.method} {url} as {role}: expected {expected}, got {status}"


JUNK = "?page=-1&per_page=abc&q=%25%00%3Cscript%3E&status=%3Cb%3E&grade=x&category=..%2F&fmt=exe&anonymous=2"


@pytest.mark.parametrize("rule", [r for r in RULES if r.method == "GET" and r.endpoint != "static"],
                         ids=lambda r: r.endpoint)
@pytest.mark.parametrize("role", ("anonymous", "applicant", "reviewer", "staff"))
def test_pages_survive_junk_query_arguments(app, client, rule, role, access_world):
    world = access_world
    if role != "anonymous":
        client.post("/auth/login", data={"email": world.users[role].email, "password": PASSWORD})
    url = rule.url(world)
    response = client.get(url + (JUNK if "?" not in url else "&" + JUNK[1:]))
    response.close()
    assert response.status_code < 500, f"GET {url} as {role} with junk arguments: {response.status_code}"


JUNK_VALUE = "-1e999 １２ <script>x</script> %s {0} " + "长" * 300


@pytest.mark.parametrize("rule", [r for r in RULES if r.method == "POST"], ids=lambda r: r.endpoint)
@pytest.mark.parametrize("role", ("applicant", "reviewer", "staff"))
def test_forms_survive_junk_values(app, client, rule, role, access_world):
    world = access_world
    client.post("/auth/login", data={"email": world.users[role].email, "password": PASSWORD})
    url = rule.url(world)
    fields = dict.fromkeys((rule.data(world) if rule.data else {}).keys(), JUNK_VALUE)
    fields.update({"action": "submit", "decision": "fail", "reason": JUNK_VALUE, "note": JUNK_VALUE,
                   "amount_requested": JUNK_VALUE, "score_1": JUNK_VALUE, "title": JUNK_VALUE})
    response = client.post(url, data=fields)
    response.close()
    assert response.status_code < 500, f"POST {url} as {role} with junk values: {response.status_code}"
