"""The call window at its edges, state steps, and `flask calls tick`."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from grants.extensions import db
from grants.models import AuditEvent
from grants.services import ServiceError
from grants.services import calls as service
from grants.timeutil import end_of_local_day, local_to_utc
from tests.factories import create_call, create_user

SHANGHAI = ZoneInfo("Asia/Shanghai")
CLOSES = end_of_local_day(date(2027, 3, 31))
OPENS = local_to_utc(datetime(2027, 1, 15, 9, 0))


@pytest.fixture
def call():
    return create_call(status="open", opens_at=OPENS, closes_at=CLOSES)


def test_close_date_means_235959_local(call):
    assert CLOSES == datetime(2027, 3, 31, 15, 59, 59, tzinfo=UTC)


@pytest.mark.parametrize("when, accepted", [
    (datetime(2027, 3, 31, 23, 59, 59, tzinfo=SHANGHAI), True),
    (datetime(2027, 4, 1, 0, 0, 0, tzinfo=SHANGHAI), False),
    (datetime(2027, 3, 31, 15, 59, 59, tzinfo=UTC), True),    # the same instants in UTC
    (datetime(2027, 3, 31, 16, 0, 0, tzinfo=UTC), False),
    (datetime(2027, 3, 31, 15, 59, 59, 999999, tzinfo=UTC), False),
    (datetime(2027, 1, 15, 9, 0, 0, tzinfo=SHANGHAI), True),           # opening instant
    (datetime(2027, 1, 15, 8, 59, 59, tzinfo=SHANGHAI), False),
    (datetime(2027, 2, 10, 12, 0, tzinfo=UTC), True),
])
def test_accepting_at_edges(call, when, accepted):
    assert service.accepting_at(call, when) is accepted


@pytest.mark.parametrize("status", ["draft", "closed", "decided", "archived"])
def test_only_open_calls_accept(status):
    call = create_call(status=status, opens_at=OPENS, closes_at=CLOSES)
    assert service.accepting_at(call, datetime(2027, 2, 1, tzinfo=UTC)) is False


def test_naive_instant_refused(call):
    with pytest.raises(ValueError):
        service.accepting_at(call, datetime(2027, 2, 1))


def test_tick_opens_scheduled_drafts_and_closes_ended_calls(app):
    scheduled = create_call(status="draft", scheduled=True, opens_at=OPENS, closes_at=CLOSES)
    unscheduled = create_call(status="draft", opens_at=OPENS, closes_at=CLOSES)
    running = create_call(status="open", opens_at=OPENS, closes_at=CLOSES)
    before_open = OPENS - timedelta(seconds=1)
    assert service.tick(before_open) == {"opened": [], "closed": []}
    assert service.tick(OPENS) == {"opened": [scheduled.id], "closed": []}
    assert (scheduled.status, scheduled.scheduled, unscheduled.status) == ("open", False, "draft")
    assert service.tick(CLOSES) == {"opened": [], "closed": []}  # 23:59:59 is still inside
    result = service.tick(CLOSES + timedelta(seconds=1))
    assert sorted(result["closed"]) == sorted([scheduled.id, running.id])
    event = db.session.query(AuditEvent).filter_by(object_id=running.id, action="call.close").one()
    assert event.actor_id is None and event.note == "clock"


def test_tick_command(runner):
    old = create_call(status="open", opens_at=datetime(2020, 1, 1, tzinfo=UTC),
                      closes_at=datetime(2020, 2, 1, tzinfo=UTC))
    result = runner.invoke(args=["calls", "tick"])
    assert result.exit_code == 0 and "closed=1" in result.output
    db.session.refresh(old)
    assert old.status == "closed"


def test_scheduled_draft_past_its_end_is_not_opened():
    late = create_call(status="draft", scheduled=True, opens_at=OPENS, closes_at=CLOSES)
    assert service.tick(CLOSES + timedelta(days=1)) == {"opened": [], "closed": []}
    assert late.status == "draft" and late.scheduled is False


def test_state_steps_in_order(app):
    staff = create_user("staff")
    call = create_call(status="draft")
    with app.test_request_context():
        service.open_call(staff, call)
        with pytest.raises(ServiceError):
            service.decide_call(staff, call)  # open → decided skips closing
        service.close_call(staff, call)
        service.decide_call(staff, call)
        service.archive_call(staff, call)
    assert call.status == "archived"
    actions = [e.action for e in db.session.query(AuditEvent).filter_by(object_type="call").order_by(AuditEvent.id)]
    assert actions == ["call.open", "call.close", "call.decide", "call.archive"]


def test_open_refused_when_already_past_closing(app):
    staff = create_user("staff")
    call = create_call(status="draft", opens_at=datetime(2020, 1, 1, tzinfo=UTC),
                       closes_at=datetime(2020, 2, 1, tzinfo=UTC))
    with app.test_request_context(), pytest.raises(ServiceError, match="截止时间已过"):
        service.open_call(staff, call)
    assert call.status == "draft"


def test_open_refused_for_broken_rubric(app):
    staff = create_user("staff")
    call = create_call(status="draft", rubric=(("需求分析", 50), ("项目设计", 40)))
    with app.test_request_context(), pytest.raises(ServiceError, match="权重合计为90"):
        service.open_call(staff, call)


def test_staff_buttons_open_and_schedule(login):
    client = login(create_user("staff"))
    call = create_call(status="draft")
    client.post(f"/calls/{call.id}/schedule", data={"scheduled": "1"})
    db.session.refresh(call)
    assert call.scheduled is True
    html = client.post(f"/calls/{call.id}/step/open", follow_redirects=True).get_data(as_text=True)
    db.session.refresh(call)
    assert call.status == "open" and call.scheduled is False
    assert "征集状态：" in html
    html = client.post(f"/calls/{call.id}/step/decided", follow_redirects=True).get_data(as_text=True)
    assert "当前不能进行此操作：征集中 → 已决定。" in html
    assert client.post(f"/calls/{call.id}/step/bogus").status_code == 404
