"""Shared fixtures for the accounts tests: a clock for link expiry, and reading links from mail."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from grants.timeutil import now_utc


class Clock:
    """Moves "now" for the token and invitation code (grants.services.tokens / organisations)."""

    def __init__(self):
        self.offset = timedelta()

    def now(self):
        return now_utc() + self.offset

    def advance(self, **kwargs):
        self.offset += timedelta(**kwargs)


@pytest.fixture
def clock(monkeypatch):
    c = Clock()
    monkeypatch.setattr("grants.services.tokens.now_utc", c.now)
    monkeypatch.setattr("grants.services.organisations.now_utc", c.now)
    return c


def link_in(body: str, path: str) -> str:
    """The one link in a mail body whose path starts with `path`."""
    found = re.findall(r"(https?://\S+?" + re.escape(path) + r"\S+)", body)
    assert len(found) == 1, body
    return found[0]
