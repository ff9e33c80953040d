"""Reminders: staff button and `flask reviews remind`, at most once per reviewer per local day."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from grants.extensions import db
from grants.models import OutboxMessage, PanelMember, Review, ReviewReminder
from grants.services import ServiceError
from grants.services import panel as service
from tests.factories import create_call, create_proposal, create_user
from tests.factories_panel import create_assignment, create_reviewer

NOW = datetime(2026, 3, 10, 1, 0, tzinfo=UTC)  # 09:00 in 嘉兴


def _mails(reviewer=None):
    stmt = select(OutboxMessage).where(OutboxMessage.kind == "panel.reminder")
    if reviewer is not None:
        stmt = stmt.where(OutboxMessage.recipient_id == reviewer.id)
    return list(db.session.scalars(stmt))


def _call_with_work(deadline, title=None, reviewer=None, n=2, done=0):
    call = create_call(status="closed", review_deadline=deadline, title=title)
    reviewer = reviewer or create_reviewer()
    for i in range(n):
        proposal = create_proposal(call, status="screened_in")
        create_assignment(proposal, reviewer, status="cleared")
        if i < done:
            db.session.add(Review(proposal_id=proposal.id, reviewer_id=reviewer.id, status="submitted"))
    db.session.commit()
    return call, reviewer


def test_scheduled_reminder_once_per_reviewer_per_local_day():
    call, reviewer = _call_with_work(NOW + timedelta(days=2), title="养老服务征集")
    assert service.remind_due(3, now=NOW) == 1
    (mail,) = _mails(reviewer)
    assert "养老服务征集" in mail.body and "2" in mail.body
    # later the same local day (22:00 in 嘉兴): nothing more
    assert service.remind_due(3, now=NOW + timedelta(hours=13)) == 0
    # 00:30 the next local day (still 10 March in UTC): reminded again
    assert service.remind_due(3, now=datetime(2026, 3, 10, 16, 30, tzinfo=UTC)) == 1
    assert len(_mails(reviewer)) == 2
    days = sorted(r.sent_on for r in db.session.scalars(select(ReviewReminder)))
    assert days == [date(2026, 3, 10), date(2026, 3, 11)]


def test_one_mail_covers_several_calls():
    reviewer = create_reviewer()
    _call_with_work(NOW + timedelta(days=1), title="助残服务征集", reviewer=reviewer)
    _call_with_work(NOW + timedelta(days=2), title="社区治理征集", reviewer=reviewer, n=1)
    assert service.remind_due(3, now=NOW) == 1
    (mail,) = _mails(reviewer)
    assert "助残服务征集" in mail.body and "社区治理征集" in mail.body


def test_no_reminder_when_deadline_far_passed_or_work_done():
    _call_with_work(NOW + timedelta(days=10))  # too far away
    _call_with_work(NOW - timedelta(hours=1))  # passed
    _call_with_work(NOW + timedelta(days=1), n=2, done=2)  # all submitted
    _call_with_work(None)  # no deadline
    assert service.remind_due(3, now=NOW) == 0
    assert _mails() == []


def test_staff_button_once_per_day_and_then_the_scheduled_run_skips(english):
    staff = create_user("staff")
    call, reviewer = _call_with_work(datetime.now(UTC) + timedelta(days=1), n=3, done=1)
    reminder = service.send_reminder(staff, call, reviewer)
    assert reminder.unfinished == 2 and len(_mails(reviewer)) == 1
    with pytest.raises(ServiceError, match="reminded today already"):
        service.send_reminder(staff, call, reviewer)
    assert service.remind_due(3) == 0
    assert len(_mails(reviewer)) == 1


def test_button_refused_when_nothing_is_unfinished(english):
    staff = create_user("staff")
    call, reviewer = _call_with_work(NOW + timedelta(days=1), n=1, done=1)
    with pytest.raises(ServiceError, match="no unfinished reviews"):
        service.send_reminder(staff, call, reviewer)


def test_remind_button_on_the_panel_page(login):
    staff = create_user("staff")
    call, reviewer = _call_with_work(datetime.now(UTC) + timedelta(days=1))
    member = db.session.scalar(select(PanelMember).where(PanelMember.reviewer_id == reviewer.id))
    client = login(staff)
    response = client.post(f"/panel/members/{member.id}/remind", follow_redirects=True)
    assert response.status_code == 200 and len(_mails(reviewer)) == 1
    response = client.post(f"/panel/members/{member.id}/remind", follow_redirects=True)
    assert "今天已经提醒过" in response.get_data(as_text=True)
    assert len(_mails(reviewer)) == 1


def test_cli_remind(runner):
    _call_with_work(datetime.now(UTC) + timedelta(days=2))
    result = runner.invoke(args=["reviews", "remind", "--days", "3"])
    assert result.exit_code == 0, result.output
    assert "reminded=1" in result.output
    result = runner.invoke(args=["reviews", "remind", "--days", "3"])
    assert "reminded=0" in result.output
