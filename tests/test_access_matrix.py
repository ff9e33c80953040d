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
HUGE_PAGES = "?page=99999999999999999999&per_page=99999999999999999999"
JUNK_ARGUMENTS = (JUNK, HUGE_PAGES, "?page=9223372036854775807&per_page=-99999999999999999999")
GET_RULES = [r for r in RULES if r.method == "GET" and r.endpoint != "static"]
HUGE_ID = str(2**63)  # past any 64-bit integer (SQLite overflows)
HUGE_IDS = (str(2**31), HUGE_ID, "9" * 5000)  # past PostgreSQL INTEGER; past int64; past int()


def _with_arguments(url: str, arguments: str) -> str:
    return url + (arguments if "?" not in url else "&" + arguments[1:])


def _log_in(client, world, role):
    if role != "anonymous":
        response = client.post("/auth/login", data={"email": world.users[role].email, "password": PASSWORD})
        assert response.status_code == 302, f"could not log in as {role}"


@pytest.mark.parametrize("rule", GET_RULES, ids=lambda r: r.endpoint)
@pytest.mark.parametrize("role", ("anonymous", "applicant", "reviewer", "staff"))
def test_pages_survive_junk_query_arguments(app, client, rule, role, access_world):
    world = access_world
    _log_in(client, world, role)
    url = rule.url(world)
    for arguments in JUNK_ARGUMENTS:  # one world per rule and role: building it is the cost
        response = client.get(_with_arguments(url, arguments))
        response.close()
        assert response.status_code < 500, f"GET {url} as {role} with {arguments}: {response.status_code}"


def _ids_replaced(url: str, value: str) -> str:
    path, sep, query = url.partition("?")
    return "/".join(value if part.isdigit() else part for part in path.split("/")) + sep + query


def _rules_with_ids(app):
    with_ids = {rule.endpoint for rule in app.url_map.iter_rules() if "<int:" in rule.rule}
    return [r for r in RULES if r.endpoint in with_ids]


@pytest.mark.parametrize("huge", HUGE_IDS, ids=("2^31", "2^63", "5000-digits"))
@pytest.mark.parametrize("role", ("anonymous", "applicant", "other_applicant", "reviewer", "finance", "staff", "admin"))
def test_huge_ids_in_every_url_answer_404(app, client, role, huge, access_world):
    world = access_world
    _log_in(client, world, role)
    failures = []
    for rule in _rules_with_ids(app):
        url = _ids_replaced(rule.url(world), huge)
        assert huge in url, f"{rule.endpoint}: the sweep found no id in {url}"
        data = rule.data(world) if rule.data else None
        response = client.open(url, method=rule.method, data=data)
        response.close()
        if response.status_code != 404:
            failures.append(f"{rule.method} {url}: {response.status_code}")
    assert not failures, f"as {role}, ids past 2^31-1 must answer 404:\n" + "\n".join(failures)


JUNK_VALUE = "-1e999 １２ <script>x</script> %s {0} " + "长" * 300


@pytest.mark.parametrize("rule", [r for r in RULES if r.method == "POST"], ids=lambda r: r.endpoint)
@pytest.mark.parametrize("role", ("applicant", "reviewer", "staff"))
def test_forms_survive_junk_values(app, client, rule, role, access_world):
    world = access_world
    client.post("/auth/login", data={"email": world.users[role].email, "password": PASSWORD})
    url = rule.url(world)
    for value in (JUNK_VALUE, str(2**31), "99999999999999999999"):  # junk, then numbers past any id
        fields = dict.fromkeys((rule.data(world) if rule.data else {}).keys(), value)
        fields.update({"action": "submit", "decision": "fail", "reason": value, "note": value,
                       "amount_requested": value, "score_1": value, "title": value})
        response = client.post(url, data=fields)
        response.close()
        assert response.status_code < 500, f"POST {url} as {role} with {value!r}: {response.status_code}"


NON_STAFF = ("applicant", "other_applicant", "reviewer", "finance", "finance_senior")
MISSING_ID = str(2**31 - 1)  # the largest id a row can have, never used


@pytest.mark.parametrize("role", NON_STAFF)
def test_objects_of_others_answer_like_missing_ones(app, client, role, access_world):
    """Every route with an id, as each non-staff role: an object they may not use and an id that
    names nothing both answer 404, so no status tells whether the object exists. A 403 is only
    for roles the rule declares the object visible to (their own, or public)."""
    world = access_world
    _log_in(client, world, role)
    leaks = []
    for rule in _rules_with_ids(app):
        if rule.expect[role] == OK or role in rule.visible:
            continue
        url = rule.url(world)
        statuses = []
        for target in (url, _ids_replaced(url, MISSING_ID)):
            response = client.open(target, method=rule.method, data=rule.data(world) if rule.data else None)
            response.close()
            statuses.append(response.status_code)
        if statuses != [404, 404]:
            leaks.append(f"{rule.method} {url}: foreign {statuses[0]}, missing {statuses[1]}")
    assert not leaks, f"as {role}, existence shows through:\n" + "\n".join(leaks)
