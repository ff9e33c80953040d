"""The department API: bearer tokens only, 401 for missing/unknown/expired/revoked tokens, 403 for
a missing scope, private fields only with read:private, never reviewers or their scores, every
call logged, paginated with a `next` link, and an OpenAPI 3.1 file that validates and names
every route."""
from __future__ import annotations

from datetime import timedelta

import pytest
from openapi_spec_validator import validate

from grants.api.views import registered_paths
from grants.extensions import db
from grants.models import ApiCall, ApiToken
from grants.services.api_tokens import hash_secret
from grants.sqlcount import recorded_statements
from grants.timeutil import now_utc
from tests.factories import create_org, create_user
from tests.factories_panel import create_reviewer
from tests.factories_reviews import create_review
from tests.opendata.helpers import published_world


def make_token(*scopes, secret="gapi_test-secret", expires_in=timedelta(days=30), revoked=False, department="市审计局"):
    token = ApiToken(name=f"{department}令牌", department=department, scopes=list(scopes) or ["read:public"],
                     token_hash=hash_secret(secret), hint=secret[:9], expires_at=now_utc() + expires_in,
                     revoked_at=now_utc() if revoked else None)
    db.session.add(token)
    db.session.commit()
    return token


def bearer(secret="gapi_test-secret"):
    return {"Authorization": f"Bearer {secret}"}


def test_a_valid_token_reads_published_records(client):
    world = published_world()
    make_token("read:public")
    response = client.get("/api/v1/contracts", headers=bearer())
    assert response.status_code == 200
    body = response.get_json()
    numbers = {c["number"] for c in body["data"]}
    assert numbers == {world["paid"].number, world["other"].number}
    paid = next(c for c in body["data"] if c["number"] == world["paid"].number)
    assert [t["amount"] for t in paid["tranches"]] == ["40000.00", "24000.00", "16000.00"]
    assert paid["tranches"][0]["paid_on"] is not None and paid["tranches"][1]["paid_on"] is None
    awards = client.get("/api/v1/awards", headers=bearer()).get_json()["data"]
    statuses = sorted(a["status"] for a in awards)
    assert statuses == ["confirmed", "confirmed", "confirmed", "in_notice"]
    payments = client.get("/api/v1/payments", headers=bearer()).get_json()["data"]
    assert [(p["contract_number"], p["amount"], p["tranche_number"]) for p in payments] == \
        [(world["paid"].number, "40000.00", 1)]
    one = client.get(f"/api/v1/contracts/{world['paid'].id}", headers=bearer()).get_json()["data"]
    assert one["number"] == world["paid"].number


@pytest.mark.parametrize("case", ["missing", "unknown", "expired", "revoked", "basic"])
def test_missing_unknown_expired_or_revoked_tokens_get_401_json(client, case):
    make_token("read:public", secret="gapi_expired", expires_in=timedelta(seconds=-1))
    make_token("read:public", secret="gapi_revoked", revoked=True)
    headers = {"missing": {}, "unknown": bearer("gapi_nobody"), "expired": bearer("gapi_expired"),
               "revoked": bearer("gapi_revoked"), "basic": {"Authorization": "Basic Z2FwaTp4"}}[case]
    response = client.get("/api/v1/calls", headers=headers)
    assert response.status_code == 401
    assert response.mimetype == "application/json"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    expected = {"missing": "请提供部门接口令牌", "basic": "请提供部门接口令牌", "unknown": "该接口令牌不存在",
                "expired": "该接口令牌已过期", "revoked": "该接口令牌已被吊销"}[case]
    assert expected in response.get_json()["message"]


def test_a_token_without_the_scope_gets_403_json(client):
    published_world()
    make_token("read:public")
    response = client.get("/api/v1/bank-accounts", headers=bearer())
    assert response.status_code == 403
    assert response.get_json() == {"error": 403, "message": "该令牌没有 read:private 权限。"}


def test_private_fields_only_with_read_private(client):
    world = published_world()
    org = world["paid"].organisation
    make_token("read:public", secret="gapi_public")
    make_token("read:private", secret="gapi_private", department="市财政局")
    public = client.get("/api/v1/payments", headers=bearer("gapi_public")).get_data(as_text=True)
    assert org.bank_account not in public and "BANK-REF-0001" not in public
    private = client.get("/api/v1/payments", headers=bearer("gapi_private")).get_json()["data"][0]
    assert private["bank_account"] == org.bank_account and private["payment_reference"] == "BANK-REF-0001"
    accounts = client.get("/api/v1/bank-accounts", headers=bearer("gapi_private")).get_json()["data"]
    assert {a["organisation"]["uscc"]: a["bank_account"] for a in accounts}[org.uscc] == org.bank_account
    orgs = client.get(f"/api/v1/organisations?uscc={org.uscc}", headers=bearer("gapi_public")).get_json()["data"]
    assert len(orgs) == 1 and "bank_account" not in orgs[0] and orgs[0]["annual_inspections"]


def test_nobody_sees_reviewers_or_their_scores(client):
    world = published_world()
    reviewer = create_reviewer(name="评审专家王某某")
    create_review(world["paid"].award.proposal, reviewer, total=87)
    award = world["paid"].award
    award.basis = {"rank": 2, "score": "81.25", "totals": ["87.13", "75.37"], "low": "75.37", "high": "87.13"}
    db.session.commit()
    make_token("read:private")
    seen = "".join(client.get(f"/api/v1/{name}?per_page=200", headers=bearer()).get_data(as_text=True)
                   for name in ("calls", "awards", "contracts", "payments", "organisations", "bank-accounts"))
    assert "评审专家王某某" not in seen and reviewer.email not in seen
    assert "reviewer" not in seen and "criterion" not in seen
    assert "87.13" not in seen and "75.37" not in seen  # individual review totals stay inside
    awards = client.get("/api/v1/awards?per_page=200", headers=bearer()).get_json()["data"]
    assert {"rank": 2, "score": "81.25"}.items() <= next(a for a in awards if a["id"] == award.id).items()


def test_the_session_cookie_never_opens_the_api(login):
    admin = create_user("admin", "staff")
    client = login(admin)
    response = client.get("/api/v1/calls")
    assert response.status_code == 401


def test_every_call_is_logged_with_token_status_path_and_address(client):
    published_world()
    token = make_token("read:public")
    client.get("/api/v1/awards?page=1", headers=bearer(), environ_base={"REMOTE_ADDR": "10.1.2.3"})
    client.get("/api/v1/bank-accounts", headers=bearer())
    client.get("/api/v1/calls", headers=bearer("gapi_nobody"))
    client.get("/api/v1/no-such-thing", headers=bearer())
    calls = db.session.scalars(db.select(ApiCall).order_by(ApiCall.id)).all()
    assert [(c.token_id, c.path, c.status) for c in calls] == [
        (token.id, "/api/v1/awards?page=1", 200), (token.id, "/api/v1/bank-accounts", 403),
        (None, "/api/v1/calls", 401), (None, "/api/v1/no-such-thing", 404)]
    assert calls[0].remote_addr == "10.1.2.3" and calls[0].method == "GET"
    db.session.refresh(token)
    assert token.last_used_at is not None


def test_lists_are_paginated_with_a_next_link_and_clamped(client):
    for _ in range(5):
        create_org()
    make_token("read:public")
    first = client.get("/api/v1/organisations?per_page=2", headers=bearer()).get_json()
    assert first["total"] == 5 and first["pages"] == 3 and len(first["data"]) == 2 and first["prev"] is None
    assert first["next"].endswith("/api/v1/organisations?page=2&per_page=2")
    last = client.get("/api/v1/organisations?page=3&per_page=2", headers=bearer()).get_json()
    assert last["next"] is None and len(last["data"]) == 1
    huge = client.get("/api/v1/organisations?per_page=99999", headers=bearer()).get_json()
    assert huge["per_page"] == 200
    bad = client.get("/api/v1/awards?call_id=abc", headers=bearer())
    assert bad.status_code == 400 and bad.get_json()["error"] == 400


def test_unpublished_records_are_not_found(client):
    world = published_world()
    make_token("read:public")
    draft_award = world["unsigned"]
    assert client.get(f"/api/v1/awards/{draft_award.id}", headers=bearer()).status_code == 200
    withdrawn = published_world()["in_notice"]
    withdrawn.status = "withdrawn"
    db.session.commit()
    response = client.get(f"/api/v1/awards/{withdrawn.id}", headers=bearer())
    assert response.status_code == 404 and response.get_json()["error"] == 404


def test_lists_take_the_same_number_of_statements_for_2_and_20_rows(client):
    for _ in range(4):
        published_world()
    make_token("read:private")
    for name in ("calls", "awards", "contracts", "payments", "organisations", "bank-accounts"):
        counts = []
        for size in (2, 20):
            db.session.expire_all()
            with recorded_statements(db.engine) as seen:
                response = client.get(f"/api/v1/{name}?per_page={size}", headers=bearer())
            assert response.status_code == 200
            counts.append(len(seen))
        assert counts[0] == counts[1], (name, counts)


def test_openapi_file_validates_and_describes_every_route(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.get_json()
    validate(spec)  # OpenAPI 3.1 (openapi-spec-validator picks the version from the document)
    assert spec["openapi"].startswith("3.1")
    assert sorted(spec["paths"]) == registered_paths()
    for path, item in spec["paths"].items():
        if path != "/openapi.json":
            assert {"401", "403"} <= set(item["get"]["responses"]), path
    assert "bank_account" not in spec["components"]["schemas"]["Payments"]["required"]
