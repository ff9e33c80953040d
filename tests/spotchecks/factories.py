"""Spot-check fixtures: an inspector pool and populations of awards in force or organisations."""
from __future__ import annotations

from datetime import date

from grants.extensions import db
from grants.models import Inspector
from grants.services import spotchecks
from tests.factories import create_user
from tests.factories_finance import create_active_contract

DRAW_DAY = date(2026, 11, 28)


def create_inspectors(n: int, **kwargs) -> list[Inspector]:
    out = []
    for k in range(n):
        inspector = Inspector(name=f"检查员{k + 1}", affiliation=kwargs.get("affiliation", f"嘉兴市第{k + 1}评估所"),
                              user_id=kwargs.get("user_id"), active=True)
        db.session.add(inspector)
        out.append(inspector)
    db.session.commit()
    return out


def active_awards(n: int, **kwargs) -> list:
    return [create_active_contract(**kwargs).award for _ in range(n)]


def make_draw(staff=None, *, population="awards", period="2026年第四季度", nonce="abc123", today=DRAW_DAY, **kwargs):
    staff = staff or create_user("staff")
    return spotchecks.create_draw(staff, population=population, period=period, nonce=nonce, today=today, **kwargs)
