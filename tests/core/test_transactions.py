"""The core step: nested transactions, after-commit hooks, row locks and the version backstop,
workflow guards shared by service, view and template, one notify() with BASE_URL links, the
stored-file table and the audit gaps."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, text

from grants import permissions
from grants.extensions import db
from grants.models import AuditEvent, Call, OutboxMessage, Proposal, StoredFile
from grants.services import (
    ConcurrentChange,
    RollbackOnly,
    ServiceError,
    accounts,
    after_commit,
    atomic,
    calls,
    files,
    proposals,
)
from grants.timeutil import now_utc
from grants.workflows import WORKFLOWS
from tests.factories import PASSWORD, create_applicant, create_call, create_org, create_proposal, create_user
from tests.factories_proposals import PDF_BYTES, create_attachment


def _events(obj_type, action=None):
    stmt = select(AuditEvent).where(AuditEvent.object_type == obj_type)
    if action:
        stmt = stmt.where(AuditEvent.action == action)
    return list(db.session.scalars(stmt))


# -- atomic() --------------------------------------------------------------------------------
def test_inner_block_does_not_commit_and_outer_failure_undoes_both():
    staff = create_user("staff")
    call = create_call(status="draft")
    with pytest.raises(RuntimeError):
        with atomic():
            call.title = "外层修改"
            with atomic():
                call.description = "内层修改"
            # the inner block ended: nothing is committed yet
            raise RuntimeError("outer fails after the inner block")
    db.session.expire_all()
    fresh = db.session.get(Call, call.id)
    assert fresh.title != "外层修改" and fresh.description != "内层修改"
    assert staff.id  # the session still works after the rollback


def test_swallowed_inner_failure_makes_the_whole_transaction_void():
    call = create_call(status="draft")
    with pytest.raises(RollbackOnly):
        with atomic():
            call.title = "不应保存"
            try:
                with atomic():
                    raise ServiceError("inner refusal")
            except ServiceError:
                pass
    db.session.expire_all()
    assert db.session.get(Call, call.id).title != "不应保存"
    with atomic():  # the next transaction starts clean
        db.session.get(Call, call.id).title = "可以保存"
    db.session.expire_all()
    assert db.session.get(Call, call.id).title == "可以保存"


def test_after_commit_hooks_run_after_the_outermost_commit_and_never_on_rollback():
    ran = []
    with atomic():
        with atomic():
            after_commit(lambda: ran.append("inner"))
        assert ran == []
    assert ran == ["inner"]
    ran.clear()
    with pytest.raises(ValueError):
        with atomic():
            after_commit(lambda: ran.append("never"))
            raise ValueError
    with atomic():
        pass
    assert ran == []


def test_a_stale_write_is_refused_with_a_reload_message_not_a_500(app):
    """Two people load the same proposal; the second decision is based on a stale read."""
    staff_a, staff_b = create_user("staff"), create_user("staff")
    proposal = create_proposal(create_call(status="closed"), status="submitted")
    # Person B's copy is read now, then person A's change commits on another connection.
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE proposals SET status = 'screened_in', version = version + 1 WHERE id = :id"),
                     {"id": proposal.id})
    with pytest.raises(ServiceError) as refusal:
        proposals.screen(staff_b, proposal, False, "材料不全")
    # Either the re-read under the lock sees the new status, or the version check catches it.
    assert ("当前不能进行此操作" in refusal.value.message
            or isinstance(refusal.value, ConcurrentChange))
    db.session.expire_all()
    assert db.session.get(Proposal, proposal.id).status == "screened_in"
    assert _events("proposal", "proposal.screen_fail") == []
    assert staff_a.id


def test_version_counter_alone_catches_a_lost_update():
    """Without a lock (SQLite has none), the version column refuses the second writer."""
    call = create_call(status="draft")
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE calls SET title = '别人先改', version = version + 1 WHERE id = :id"),
                     {"id": call.id})
    with pytest.raises(ConcurrentChange) as refusal:
        with atomic():
            call.title = "我后改"
    assert "Reload" in refusal.value.message or "刷新" in refusal.value.message
    db.session.expire_all()
    assert db.session.get(Call, call.id).title == "别人先改"


def test_stale_screening_in_the_browser_shows_a_message_not_a_500(app, login):
    staff = create_user("staff")
    proposal = create_proposal(create_call(status="closed"), status="submitted")
    client = login(staff)
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE proposals SET status = 'screened_out', version = version + 1 WHERE id = :id"),
                     {"id": proposal.id})
    response = client.post(f"/proposals/{proposal.id}/screen", data={"decision": "pass", "reason": ""},
                           follow_redirects=True)
    assert response.status_code < 500
    assert "当前不能进行此操作" in response.get_data(as_text=True) or "刷新" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Proposal, proposal.id).status == "screened_out"


# -- workflow guards: one answer for service, view and template ----------------------------
def test_withdraw_after_the_call_closed_is_refused_and_not_offered(login):
    call = create_call(status="open")
    org = create_org()
    applicant = create_applicant(org)
    proposal = create_proposal(call, org, status="submitted")
    client = login(applicant)
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert f"/proposals/{proposal.id}/withdraw" in page  # offered while the call is open
    call.closes_at = now_utc() - timedelta(minutes=1)
    db.session.commit()
    assert not permissions.can_withdraw_proposal(applicant, proposal)
    reason = permissions.step_refusal(proposals.PROPOSAL, proposal, "withdrawn", applicant)
    assert reason == "提案已截止：项目无法再撤回。" or "closed" in reason or "截止" in reason
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert f"/proposals/{proposal.id}/withdraw" not in page  # the button is gone
    with pytest.raises(ServiceError) as refusal:
        proposals.withdraw(applicant, proposal)
    assert refusal.value.message == reason  # the service gives the same reason


def test_member_guard_refuses_another_organisations_user():
    call = create_call(status="open")
    proposal = create_proposal(call, create_org(), status="submitted")
    stranger = create_applicant(create_org())
    assert not permissions.can_withdraw_proposal(stranger, proposal)
    with pytest.raises(ServiceError):
        proposals.withdraw(stranger, proposal)
    assert db.session.get(Proposal, proposal.id).status == "submitted"


@pytest.mark.parametrize("name", sorted(WORKFLOWS))
def test_status_check_constraints_come_from_the_workflow(name):
    workflow = WORKFLOWS[name]
    tables = [t for t in db.metadata.sorted_tables if "status" in t.c and any(
        getattr(c, "name", "") == f"ck_{t.name}_status_known" for c in t.constraints)]
    matching = [t for t in tables for c in t.constraints
                if getattr(c, "name", "") == f"ck_{t.name}_status_known" and str(c.sqltext) == workflow.check_sql()]
    assert matching, f"no table's status CHECK lists exactly the {name} workflow's states"
    for transition in workflow.transitions:
        assert transition.source in workflow.states and transition.target in workflow.states


def test_unknown_status_is_refused_by_the_database():
    from sqlalchemy.exc import IntegrityError

    proposal = create_proposal(create_call(), status="submitted")
    with pytest.raises(IntegrityError):
        with db.engine.begin() as conn:
            conn.execute(text("UPDATE proposals SET status = 'paid' WHERE id = :id"), {"id": proposal.id})


# -- notify(): audit and mail together, links from BASE_URL -----------------------------------
def test_forged_host_header_over_http_queues_base_url_links(app, client):
    app.config["BASE_URL"] = "https://grants.example.gov.cn"
    try:
        org = create_org(status="pending")
        member = create_applicant(org)
        staff = create_user("staff")
        forged = {"Host": "attacker.example"}
        client.post("/auth/login", data={"email": staff.email, "password": PASSWORD}, headers=forged)
        response = client.post(f"/organisations/{org.id}/verify", data={}, headers=forged)
        assert response.status_code in (302, 303)
        (mail,) = db.session.scalars(select(OutboxMessage).where(OutboxMessage.to_address == member.email))
        assert "attacker.example" not in mail.body
        assert "https://grants.example.gov.cn/" in mail.body
    finally:
        app.config["BASE_URL"] = "http://127.0.0.1:5000"


def test_every_mail_has_its_audit_event_in_the_same_transaction():
    staff = create_user("staff")
    org = create_org()
    create_applicant(org)
    proposal = create_proposal(create_call(status="closed"), org, status="submitted")
    proposals.screen(staff, proposal, False, "不符合申报条件")
    (event,) = _events("proposal", "proposal.screen_fail")
    (mail,) = db.session.scalars(select(OutboxMessage))
    assert event.note == "不符合申报条件" and mail.kind == "proposal.screen_fail"


# -- the audit gaps ----------------------------------------------------------------------------
def test_changing_a_users_affiliation_name_and_phone_is_audited_field_by_field():
    admin = create_user("admin")
    user = create_user("reviewer", name="王专家", affiliation=None)
    accounts.update_user(admin, user, name="王专家", roles=["reviewer"], affiliation="嘉兴市某某社会工作服务中心",
                         phone="13800000000")
    (event,) = _events("user", "user.update")
    assert event.data["changes"]["affiliation"] == [None, "嘉兴市某某社会工作服务中心"]
    assert event.data["changes"]["phone"] == [None, "13800000000"]
    assert "name" not in event.data["changes"]


def test_clock_clearing_a_schedule_whose_time_passed_is_audited():
    staff = create_user("staff")
    call = create_call(status="draft", opens_at=now_utc() - timedelta(days=5), closes_at=now_utc() - timedelta(days=1),
                       scheduled=True)
    assert staff.id
    result = calls.tick()
    assert result == {"opened": [], "closed": []}
    db.session.expire_all()
    assert db.session.get(Call, call.id).scheduled is False
    (event,) = _events("call", "call.unschedule")
    assert event.actor_id is None and event.note == "clock"


def test_audit_events_are_append_only_in_the_database(database_url):
    from grants.services.audit import record

    user = create_user("staff")
    with atomic():
        record(user, user, "user.login")
    event_id = db.session.scalar(select(AuditEvent.id))
    if not database_url.startswith("postgresql"):
        # SQLite: the ORM refuses; raw SQL cannot be stopped there (documented in README).
        from grants.models.audit import AppendOnlyError

        event = db.session.get(AuditEvent, event_id)
        event.note = "改写"
        with pytest.raises(AppendOnlyError):
            db.session.flush()
        db.session.rollback()
        return
    from sqlalchemy.exc import DBAPIError

    for statement in ("UPDATE audit_events SET note = 'x' WHERE id = :id", "DELETE FROM audit_events WHERE id = :id"):
        with pytest.raises(DBAPIError, match="append-only"):
            with db.engine.begin() as conn:
                conn.execute(text(statement), {"id": event_id})
    assert db.session.scalar(select(AuditEvent.note).where(AuditEvent.id == event_id)) is None


# -- one file store ----------------------------------------------------------------------------
def test_shared_bytes_stay_until_the_last_reference_goes():
    org = create_org()
    applicant = create_applicant(org)
    call = create_call()
    first = create_proposal(call, org, status="draft")
    second = create_proposal(call, org, status="draft")
    a = create_attachment(first, data=PDF_BYTES)
    b = create_attachment(second, data=PDF_BYTES)
    assert a.stored_file_id == b.stored_file_id
    assert db.session.scalar(select(db.func.count()).select_from(StoredFile)) == 1
    path = files.path_for(a.sha256)
    proposals.delete_attachment(applicant, a)
    assert path.exists() and files.reference_count(b.stored_file_id) == 1
    proposals.delete_attachment(applicant, b)
    assert not path.exists()
    assert db.session.scalar(select(db.func.count()).select_from(StoredFile)) == 0


def test_reference_count_covers_every_foreign_key_to_stored_files():
    referring = {fk.parent.table.name for t in db.metadata.sorted_tables for fk in t.foreign_keys
                 if fk.column.table.name == "stored_files"}
    assert "attachments" in referring
    stored = files.store(PDF_BYTES, files.PDF)
    db.session.commit()
    assert files.reference_count(stored.id) == 0
    assert files.collect(stored.id) is True
    assert not files.path_for(stored.sha256).exists()


def test_a_failed_transaction_never_deletes_the_file():
    org = create_org()
    applicant = create_applicant(org)
    proposal = create_proposal(create_call(), org, status="draft")
    attachment = create_attachment(proposal)
    path = files.path_for(attachment.sha256)
    with pytest.raises(RuntimeError):
        with atomic():
            proposals.delete_attachment(applicant, attachment)
            raise RuntimeError("something later in the same request fails")
    assert path.exists()
    db.session.expire_all()
    assert db.session.get(Proposal, proposal.id).attachments


def test_a_stale_write_outside_a_service_answers_409_not_500(app):
    from sqlalchemy.orm.exc import StaleDataError

    with app.test_request_context("/"):
        response = app.make_response(app.handle_user_exception(StaleDataError("stale")))
    assert response.status_code == 409
    assert "刷新页面后重试" in response.get_data(as_text=True)


def test_auto_assignment_writes_one_audit_event_per_assignment():
    from grants.models import ReviewAssignment
    from grants.services import panel
    from tests.factories_panel import create_panel

    staff = create_user("staff")
    call = create_call(status="closed", reviewers_per_proposal=2)
    for _ in range(3):
        create_proposal(call, status="screened_in")
    create_panel(call, n=3)
    outcome = panel.auto_assign(staff, call)
    assert outcome.created == 6
    ids = set(db.session.scalars(select(ReviewAssignment.id)))
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "assignment.add")).all()
    assert {e.object_id for e in events} == ids and all(e.data["auto"] for e in events)


def test_lock_works_on_an_object_loaded_with_eager_joins():
    """A list loads awards with their proposal and organisation (outer joins); locking one of
    them must lock its own row only — PostgreSQL refuses FOR UPDATE on an outer join's side."""
    from decimal import Decimal

    from grants.services import awards, lock
    from tests.factories_awards import create_award

    award = create_award(amount="30000.00")
    call = award.call
    db.session.expunge_all()   # first loaded by the list query, with its eager joins
    call = db.session.merge(call, load=True)
    (loaded,) = awards.awards_of(call)
    with atomic():
        lock(loaded)
        loaded.decision_note = "锁定后修改"
    db.session.expire_all()
    assert awards.awards_of(call)[0].decision_note == "锁定后修改"
    assert loaded.amount == Decimal("30000.00")
