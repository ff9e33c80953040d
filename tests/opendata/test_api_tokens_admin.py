"""Admins create department API tokens (the secret shown once, only its SHA-256 kept), revoke them
and read the call log; both steps are audited."""
from __future__ import annotations

import hashlib
import re
from datetime import timedelta

from sqlalchemy import select

from grants.extensions import db
from grants.models import ApiToken, AuditEvent
from grants.timeutil import local_today
from tests.factories import create_user

FORM = {"name": "审计局2027年度审计", "department": "嘉兴市审计局", "scopes": ["read:public", "read:private"],
        "expires_on": (local_today() + timedelta(days=200)).isoformat()}


def _create(client, **overrides):
    return client.post("/admin/api-tokens/new", data={**FORM, **overrides})


def test_admin_creates_a_token_shown_once_and_stored_hashed(login):
    admin = create_user("admin")
    client = login(admin)
    response = _create(client)
    assert response.status_code == 201
    page = response.get_data(as_text=True)
    secret = re.search(r'id="api-secret" type="text" readonly value="([^"]+)"', page).group(1)
    assert secret.startswith("gapi_") and len(secret) > 40
    token = db.session.scalar(select(ApiToken))
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in (token.hint + token.name + token.department)
    assert token.scopes == ["read:private", "read:public"] and token.department == "嘉兴市审计局"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "api_token.create"))
    assert event.actor_id == admin.id and event.object_id == token.id
    # The list never shows the secret again, only its first characters.
    listing = client.get("/admin/api-tokens/").get_data(as_text=True)
    assert secret not in listing and token.hint in listing and "从未使用" in listing
    # The token works at once, and the list then shows its last use and one call.
    assert client.get("/api/v1/calls", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    listing = client.get("/admin/api-tokens/").get_data(as_text=True)
    assert "从未使用" not in listing
    log = client.get(f"/admin/api-tokens/calls?token={token.id}").get_data(as_text=True)
    assert "GET /api/v1/calls" in log and "200" in log


def test_revoking_a_token_closes_the_api_to_it_and_is_audited(login):
    admin = create_user("admin")
    client = login(admin)
    secret = re.search(r'readonly value="([^"]+)"', _create(client).get_data(as_text=True)).group(1)
    token = db.session.scalar(select(ApiToken))
    response = client.post(f"/admin/api-tokens/{token.id}/revoke", follow_redirects=True)
    assert "已吊销，不能再访问接口" in response.get_data(as_text=True)
    assert client.get("/api/v1/calls", headers={"Authorization": f"Bearer {secret}"}).status_code == 401
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "api_token.revoke")).actor_id == admin.id
    again = client.post(f"/admin/api-tokens/{token.id}/revoke", follow_redirects=True)
    assert "该令牌已被吊销" in again.get_data(as_text=True)


def test_bad_token_forms_are_refused_with_messages(login):
    client = login(create_user("admin"))
    response = _create(client, scopes=[], expires_on="2020-01-01")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "有效期不能早于今天" in page and "请至少选择一项权限范围" in page
    unnamed = _create(client, name="", expires_on="2027-13-45")
    assert unnamed.status_code == 422 and "例如 2027-03-31" in unnamed.get_data(as_text=True)
    too_long = _create(client, expires_on=(local_today() + timedelta(days=367)).isoformat())
    assert too_long.status_code == 422 and "令牌有效期最长 366 天" in too_long.get_data(as_text=True)
    assert db.session.scalar(select(ApiToken)) is None


def test_only_admins_reach_the_token_pages(login):
    client = login(create_user("staff", "finance"))
    assert client.get("/admin/api-tokens/").status_code == 403
    assert client.post("/admin/api-tokens/new", data=FORM).status_code == 403


def test_token_list_and_call_log_take_the_same_number_of_statements_for_2_and_20_rows(login):
    from grants.sqlcount import recorded_statements
    from tests.opendata.test_api import bearer, make_token

    client = login(create_user("admin"))
    for i in range(25):
        make_token("read:public", secret=f"gapi_many-{i}", expires_in=timedelta(days=i + 1))
        client.get("/api/v1/calls", headers=bearer(f"gapi_many-{i}"))
    for path in ("/admin/api-tokens/", "/admin/api-tokens/calls"):
        counts = []
        for size in (2, 20):
            db.session.expire_all()
            with recorded_statements(db.engine) as seen:
                response = client.get(f"{path}?per_page={size}")
            assert response.status_code == 200
            counts.append(len(seen))
        assert counts[0] == counts[1], (path, counts)
