import pytest

from grants.extensions import db
from grants.models import AuditEvent, Organisation, OutboxMessage
from grants.models.audit import AppendOnlyError
from grants.services import ServiceError, organisations
from grants.services.workflow import transition
from grants.workflows import CALL, ORGANISATION, PROPOSAL, REVIEW, WORKFLOWS
from tests.factories import create_applicant, create_org, create_user


def test_every_transition_names_known_states_and_roles():
    from grants.models import ROLES

    for wf in WORKFLOWS.values():
        for t in wf.transitions:
            assert t.source in wf.states and t.target in wf.states, (wf.name, t)
            assert t.roles <= set(ROLES) | {"system"}, (wf.name, t)
        for state in wf.states.values():
            assert str(state.label) and str(state.applicant_label)


def test_a_step_the_workflow_does_not_allow_is_refused_and_nothing_changes():
    staff = create_user("staff")
    org = create_org(status="verified")
    with pytest.raises(ServiceError):
        organisations.reject(staff, org, "理由")
    db.session.rollback()
    assert db.session.get(Organisation, org.id).status == "verified"
    assert db.session.query(AuditEvent).count() == 0


def test_a_role_without_the_step_is_refused():
    org = create_org(status="pending")
    applicant = create_applicant(org)
    with pytest.raises(ServiceError) as err:
        transition(ORGANISATION, org, "verified", applicant)
    assert "无权" in err.value.message or "not allowed" in err.value.message


def test_state_change_audit_and_mail_are_one_transaction(monkeypatch):
    staff = create_user("staff")
    org = create_org(status="pending")
    create_applicant(org)
    from grants.services import outbox

    def broken(*args, **kwargs):
        raise RuntimeError("mail template broken")

    monkeypatch.setattr(outbox, "queue_many", broken)
    with pytest.raises(RuntimeError):
        organisations.verify(staff, org)
    db.session.expire_all()
    assert db.session.get(Organisation, org.id).status == "pending"
    assert db.session.query(AuditEvent).count() == 0
    assert db.session.query(OutboxMessage).count() == 0


def test_verify_writes_who_what_from_to_and_queues_mail():
    staff = create_user("staff")
    org = create_org(status="pending")
    member = create_applicant(org)
    organisations.verify(staff, org, note="材料齐全")
    event = db.session.query(AuditEvent).filter_by(object_type="organisation", object_id=org.id).one()
    assert (event.actor_id, event.action, event.from_status, event.to_status, event.note) == (
        staff.id, "organisation.verify", "pending", "verified", "材料齐全")
    assert db.session.query(OutboxMessage).filter_by(to_address=member.email).count() == 1


def test_audit_events_are_append_only():
    staff = create_user("staff")
    org = create_org(status="pending")
    organisations.verify(staff, org)
    event = db.session.query(AuditEvent).first()
    event.note = "tampered"
    with pytest.raises(AppendOnlyError):
        db.session.commit()
    db.session.rollback()
    with pytest.raises(AppendOnlyError):
        db.session.delete(db.session.query(AuditEvent).first())
        db.session.commit()
    db.session.rollback()


@pytest.mark.parametrize("wf", [CALL, PROPOSAL, REVIEW, ORGANISATION])
def test_applicant_labels_exist_for_every_state(wf):
    for status in wf.states:
        assert wf.applicant_label(status)
