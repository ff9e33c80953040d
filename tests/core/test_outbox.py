import smtplib
from datetime import timedelta

import pytest

from grants.extensions import db
from grants.models import OutboxMessage
from grants.services import outbox
from grants.timeutil import now_utc
from tests.factories import create_org, create_user


def _queue(n=2):
    users = [create_user("applicant") for _ in range(n)]
    org = create_org()
    for user in users:
        outbox.queue(user, "organisation_verified", organisation=org)
    db.session.commit()
    return users


def test_deliver_sends_queued_mail_over_smtp(smtp_server, runner):
    users = _queue(2)
    result = runner.invoke(args=["outbox", "deliver"])
    assert "sent=2 retry=0 failed=0" in result.output
    assert sorted(m.rcpt_tos[0] for m in smtp_server.messages) == sorted(u.email for u in users)
    body = smtp_server.messages[0].content.decode("utf-8", "replace")
    assert "Subject:" in body
    assert db.session.query(OutboxMessage).filter_by(status="sent").count() == 2
    # Nothing is sent twice.
    assert "sent=0" in runner.invoke(args=["outbox", "deliver"]).output
    assert len(smtp_server.messages) == 2


def test_mail_is_written_in_the_recipients_language(smtp_server):
    zh = create_user("applicant", locale="zh_CN")
    en = create_user("applicant", locale="en")
    org = create_org(name="测试组织")
    outbox.queue(zh, "organisation_verified", organisation=org)
    outbox.queue(en, "organisation_verified", organisation=org)
    db.session.commit()
    subjects = {m.to_address: m.subject for m in db.session.query(OutboxMessage)}
    assert subjects[zh.email] == "您的组织已通过核验"
    assert subjects[en.email] == "Your organisation has been verified"


def test_smtp_down_loses_nothing_and_the_next_run_delivers(app, smtp_server):
    _queue(1)
    good_port = app.config["MAIL_PORT"]
    app.config["MAIL_PORT"] = 1  # nothing listens there
    from tests.conftest import _SMTPGuard

    _SMTPGuard.allowed_ports = {good_port, 1}
    try:
        counts = outbox.deliver()
    finally:
        app.config["MAIL_PORT"] = good_port
    assert counts == {"sent": 0, "retry": 1, "failed": 0}
    message = db.session.query(OutboxMessage).one()
    assert message.status == "queued" and message.attempts == 1 and message.last_error
    assert message.next_attempt_at > now_utc() + timedelta(seconds=30)  # backed off
    assert outbox.deliver() == {"sent": 0, "retry": 0, "failed": 0}  # not due yet
    message.next_attempt_at = now_utc() - timedelta(seconds=1)
    db.session.commit()
    assert outbox.deliver()["sent"] == 1
    assert len(smtp_server.messages) == 1


def test_after_max_attempts_a_message_is_marked_failed(app, smtp_server):
    _queue(1)
    from tests.conftest import _SMTPGuard

    good_port = app.config["MAIL_PORT"]
    _SMTPGuard.allowed_ports = {good_port, 1}
    app.config.update(MAIL_PORT=1, OUTBOX_MAX_ATTEMPTS=3)
    try:
        for _ in range(3):
            message = db.session.query(OutboxMessage).one()
            message.next_attempt_at = now_utc() - timedelta(seconds=1)
            db.session.commit()
            outbox.deliver()
    finally:
        app.config.update(MAIL_PORT=good_port, OUTBOX_MAX_ATTEMPTS=5)
    message = db.session.query(OutboxMessage).one()
    assert message.status == "failed" and message.attempts == 3


def test_inactive_users_get_no_mail():
    user = create_user("applicant", active=False)
    assert outbox.queue(user, "organisation_verified", organisation=create_org()) is None


def test_the_guard_fails_tests_that_open_real_smtp_connections():
    with pytest.raises(pytest.fail.Exception):
        smtplib.SMTP("127.0.0.1", 2525, timeout=1)


def test_outbox_page_shows_queued_mail_to_admins(login):
    _queue(1)
    page = login(create_user("admin")).get("/admin/outbox").get_data(as_text=True)
    assert "您的组织已通过核验" in page
