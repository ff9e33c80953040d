"""Login throttling: per address and per account, with Retry-After, counted in shared storage.

The Redis tests use TEST_REDIS_URL (default redis://127.0.0.1:6379/0). Outside CI they are
skipped when nothing answers there; in CI (CI=true) an unreachable Redis fails them.
"""
from __future__ import annotations

import os
import uuid

import pytest

from grants import create_app
from grants.extensions import db, limiter
from tests.factories import create_user

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def _require_redis():
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2, socket_timeout=2).ping()
    except redis.exceptions.RedisError as exc:
        message = f"Redis at {REDIS_URL} is unreachable ({exc}); the throttle must be tested against it"
        if os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}:
            pytest.fail(message)
        pytest.skip(message + " (set CI=true to make this a failure)")


@pytest.fixture
def throttled(app):
    """Login limits low enough to reach; restores the suite's limiter afterwards."""
    app.config.update(LOGIN_RATE_LIMIT="10 per minute", LOGIN_ACCOUNT_RATE_LIMIT="5 per minute")
    limiter.reset()
    yield app
    app.config.update(LOGIN_RATE_LIMIT="100000 per minute", LOGIN_ACCOUNT_RATE_LIMIT="100000 per minute")
    limiter.init_app(app)  # back to the suite's memory storage, whatever a test bound
    limiter.reset()


def _attempt(client, email, address):
    response = client.post("/auth/login", data={"email": email, "password": "wrong-password"},
                           environ_base={"REMOTE_ADDR": address})
    response.close()
    return response


def test_one_account_is_throttled_whatever_address_the_attempts_come_from(throttled, client):
    user = create_user("staff")
    statuses = [_attempt(client, user.email, f"10.1.0.{i}").status_code for i in range(1, 7)]
    assert statuses == [200] * 5 + [429]
    # the same account spelled differently is the same account
    assert _attempt(client, "  " + user.email.upper(), "10.1.0.99").status_code == 429
    # another account from a fresh address is not held back
    assert _attempt(client, "someone-else@example.org", "10.1.0.100").status_code == 200


def test_the_right_password_does_not_get_through_once_the_account_is_throttled(throttled, client):
    from tests.factories import PASSWORD

    user = create_user("staff")
    for i in range(5):
        _attempt(client, user.email, f"10.2.0.{i}")
    response = client.post("/auth/login", data={"email": user.email, "password": PASSWORD},
                           environ_base={"REMOTE_ADDR": "10.2.0.50"})
    assert response.status_code == 429
    assert client.get("/dashboard").status_code == 302


def test_429_carries_retry_after_and_a_clear_message(throttled, client):
    for i in range(10):
        _attempt(client, f"user{i}@example.org", "10.3.0.1")
    response = client.post("/auth/login", data={"email": "user99@example.org", "password": "x"},
                           environ_base={"REMOTE_ADDR": "10.3.0.1"})
    assert response.status_code == 429
    retry_after = response.headers.get("Retry-After")
    assert retry_after is not None and retry_after.isdigit() and 0 < int(retry_after) <= 60
    assert "尝试次数过多" in response.get_data(as_text=True)


def _app_on(storage, tmp_path, name, **extra):
    other = create_app({**extra,
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / name}.sqlite3",
        "RATELIMIT_STORAGE_URI": storage,
        "LOGIN_RATE_LIMIT": "10 per minute",
        "LOGIN_ACCOUNT_RATE_LIMIT": "5 per minute",
        "UPLOAD_ROOT": str(tmp_path / "uploads"),
    })
    with other.app_context():
        db.create_all()
    return other


def _attempt_on(other, email, address):
    with other.app_context():
        return _attempt(other.test_client(), email, address).status_code


def _two_workers(storage, tmp_path):
    """Two app instances, each binding the limiter as a worker process does at start-up; the
    attempts alternate between them."""
    first = _app_on(storage, tmp_path, "worker1")
    email, address = f"{uuid.uuid4().hex}@example.org", f"10.9.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"
    statuses = [_attempt_on(first, email, address) for _ in range(3)]
    second = _app_on(storage, tmp_path, "worker2")  # a fresh worker: fresh storage object
    statuses += [_attempt_on(second if i % 2 == 0 else first, email, address) for i in range(3)]
    return statuses


def test_two_app_instances_sharing_redis_count_together(throttled, tmp_path):
    _require_redis()
    statuses = _two_workers(REDIS_URL, tmp_path)
    assert statuses == [200] * 5 + [429]


def test_memory_storage_counts_per_worker_which_is_why_production_uses_redis(throttled, tmp_path):
    statuses = _two_workers("memory://", tmp_path)
    assert 429 not in statuses  # the second worker started from zero


def _from(client, forwarded_for, n):
    return client.post("/auth/login", data={"email": f"user{n}@example.org", "password": "x"},
                       headers={"X-Forwarded-For": forwarded_for}).status_code


def test_behind_a_trusted_proxy_each_client_address_is_counted_apart(throttled, tmp_path):
    proxied = _app_on("memory://", tmp_path, "proxied", TRUSTED_PROXIES=1)
    with proxied.app_context():
        client = proxied.test_client()
        assert [_from(client, "203.0.113.7", n) for n in range(11)][-1] == 429
        assert _from(client, "198.51.100.9", 99) == 200  # another client behind the same proxy


def test_without_trusted_proxies_a_forwarded_header_cannot_dodge_the_throttle(throttled, client):
    statuses = [_from(client, f"203.0.113.{n}", n) for n in range(11)]
    assert statuses[-1] == 429
