from datetime import UTC, date, datetime

import pytest

from grants.models.types import UTCDateTime
from grants.timeutil import add_working_days, end_of_local_day, is_working_day, to_local


def test_closing_day_ends_at_235959_beijing_time():
    assert end_of_local_day(date(2026, 3, 31)) == datetime(2026, 3, 31, 15, 59, 59, tzinfo=UTC)
    assert to_local(end_of_local_day(date(2026, 3, 31))).strftime("%Y-%m-%d %H:%M:%S") == "2026-03-31 23:59:59"


def test_working_days_skip_weekends_and_configured_holidays(app):
    friday = date(2026, 9, 25)
    assert add_working_days(friday, 5, holidays=set()) == date(2026, 10, 2)
    golden_week = {date(2026, 10, d) for d in range(1, 8)}
    assert add_working_days(friday, 5, holidays=golden_week) == date(2026, 10, 9)  # 28, 29, 30 Sep, 8, 9 Oct
    assert not is_working_day(date(2026, 10, 3), holidays=set())  # a Saturday
    app.config["PUBLIC_HOLIDAYS"] = "2026-09-28, 2026-09-29"
    try:
        assert add_working_days(friday, 1) == date(2026, 9, 30)
    finally:
        app.config["PUBLIC_HOLIDAYS"] = ""


def test_naive_datetimes_are_refused_by_the_column_type():
    with pytest.raises(ValueError):
        UTCDateTime().process_bind_param(datetime(2026, 1, 1), None)
