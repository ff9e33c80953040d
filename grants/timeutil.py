"""Times: stored in UTC, shown and entered in the display time zone (Asia/Shanghai)."""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

DEFAULT_TZ = "Asia/Shanghai"


def display_tz() -> ZoneInfo:
    name = current_app.config.get("DISPLAY_TIMEZONE", DEFAULT_TZ) if has_app_context() else DEFAULT_TZ
    return ZoneInfo(name)


def now_utc() -> datetime:
    return datetime.now(UTC)


def to_local(value: datetime) -> datetime:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(display_tz())


def local_to_utc(value: datetime) -> datetime:
    """A naive local (Asia/Shanghai) wall-clock time -> aware UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=display_tz())
    return value.astimezone(UTC)


def end_of_local_day(day: date) -> datetime:
    """'closes 2026-03-31' means 23:59:59 local time on that day (returned in UTC)."""
    return local_to_utc(datetime.combine(day, time(23, 59, 59)))


def start_of_local_day(day: date) -> datetime:
    return local_to_utc(datetime.combine(day, time(0, 0, 0)))


def local_today() -> date:
    return to_local(now_utc()).date()


def public_holidays() -> set[date]:
    raw = current_app.config.get("PUBLIC_HOLIDAYS", "") if has_app_context() else ""
    days = set()
    for part in (raw or "").split(","):
        part = part.strip()
        if part:
            days.add(date.fromisoformat(part))
    return days


def is_working_day(day: date, holidays: set[date] | None = None) -> bool:
    holidays = public_holidays() if holidays is None else holidays
    return day.weekday() < 5 and day not in holidays


def add_working_days(start: date, days: int, holidays: set[date] | None = None) -> date:
    """The date `days` working days after `start` (weekends and listed holidays skipped)."""
    holidays = public_holidays() if holidays is None else holidays
    current = start
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if is_working_day(current, holidays):
            remaining -= 1
    return current
