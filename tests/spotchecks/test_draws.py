"""Draws made by staff: stored inputs, conflicts of interest, refusals, immutability, results."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from grants.extensions import db
from grants.models import (
    AuditEvent,
    Membership,
    OutboxMessage,
    SpotCheckDraw,
    SpotCheckInspector,
    SpotCheckItem,
    SpotCheckResult,
)
from grants.models.spotcheck import ImmutableDraw
from grants.services import ServiceError, spotchecks
from grants.services.audit import record
from tests.factories import create_applicant, create_org, create_user
from tests.spotchecks.factories import DRAW_DAY, active_awards, create_inspectors, make_draw


def _count(model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_a_draw_over_awards_stores_its_inputs_and_sample():
    awards = active_awards(5)
    create_inspectors(4)
    staff = create_user("staff")
    draw = make_draw(staff)
    assert draw.candidate_ids == sorted(a.id for a in awards)
    assert draw.seed == spotchecks.seed_of(DRAW_DAY, draw.candidate_ids, "abc123")
    assert (draw.document_count, draw.onsite_count) == (1, 1)
    [item] = draw.items
    expected = spotchecks.draw_sample(DRAW_DAY, draw.candidate_ids, "abc123", 5, "0.5")
    assert [item.target_id] == expected.document and item.onsite
    assert item.award_id == item.target_id
    assert len(item.inspectors) == 2
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "spotcheck.draw"))
    assert event.actor_id == staff.id and event.data["seed"] == draw.seed


def test_only_awards_with_a_contract_in_force_are_candidates():
    [active] = active_awards(1)
    active_awards(1, status="generated")
    create_inspectors(2)
    draw = make_draw()
    assert draw.candidate_ids == [active.id]


def test_a_draw_over_verified_organisations():
    orgs = [create_org() for _ in range(3)]
    create_org(status="pending")
    create_inspectors(3)
    draw = make_draw(population="organisations")
    assert draw.candidate_ids == sorted(o.id for o in orgs)
    assert draw.items[0].organisation_id == draw.items[0].target_id and draw.items[0].award_id is None


def test_a_generated_nonce_is_stored_and_printed():
    active_awards(1)
    create_inspectors(2)
    draw = make_draw(nonce="")
    assert len(draw.nonce) == 16
    assert draw.seed == spotchecks.seed_of(DRAW_DAY, draw.candidate_ids, draw.nonce)


def test_inspectors_with_a_conflict_are_never_drawn():
    org = create_org(name="阳光社会工作服务中心")
    member = create_applicant(org)
    officer = create_user("staff")
    contract_staff = create_user("staff")
    confirmer = create_user("staff")
    [award] = active_awards(1, org=org)
    award.decided_by_id = officer.id
    contract = db.session.scalar(select(spotchecks.Contract).where(spotchecks.Contract.award_id == award.id))
    contract.created_by_id = contract_staff.id
    record(confirmer, award, "award.confirm")
    db.session.commit()
    same_unit = create_inspectors(1, affiliation=" 阳光社会工作 服务中心")[0]
    by_uscc = create_inspectors(1, affiliation=org.uscc.lower())[0]
    linked_member = create_inspectors(1, user_id=member.id)[0]
    linked_officer = create_inspectors(1, user_id=officer.id)[0]
    linked_contract = create_inspectors(1, user_id=contract_staff.id)[0]
    linked_confirmer = create_inspectors(1, user_id=confirmer.id)[0]
    free = create_inspectors(2)
    draw = make_draw(inspectors_per_item=2)
    [item] = draw.items
    conflicted = {same_unit.id, by_uscc.id, linked_member.id, linked_officer.id, linked_contract.id,
                  linked_confirmer.id}
    assert set(item.eligible_inspector_ids) == {i.id for i in free}
    assert {a.inspector_id for a in item.inspectors} == {i.id for i in free}
    assert not conflicted & {a.inspector_id for a in item.inspectors}
    assert conflicted < set(draw.pool_ids)


def test_a_member_through_membership_added_later_is_excluded_for_organisation_draws():
    org = create_org()
    user = create_user("reviewer")
    db.session.add(Membership(user_id=user.id, organisation_id=org.id))
    db.session.commit()
    linked = create_inspectors(1, user_id=user.id)[0]
    create_inspectors(1)
    with pytest.raises(ServiceError):
        make_draw(population="organisations", inspectors_per_item=2)
    draw = make_draw(population="organisations", inspectors_per_item=1, period="另一期")
    assert linked.id not in draw.items[0].eligible_inspector_ids


def test_not_enough_eligible_inspectors_refuses_and_saves_nothing():
    org = create_org(name="某某协会")
    active_awards(1, org=org)
    create_inspectors(1)
    create_inspectors(3, affiliation="某某协会")
    with pytest.raises(ServiceError) as refused:
        make_draw()
    assert "某某协会" in refused.value.message
    assert _count(SpotCheckDraw) == 0 and _count(SpotCheckItem) == 0 and _count(AuditEvent) == 0


def test_deactivated_inspectors_are_not_drawn():
    active_awards(1)
    first, second, third = create_inspectors(3)
    staff = create_user("staff")
    spotchecks.set_inspector_active(staff, third, False)
    draw = make_draw(staff)
    assert draw.pool_ids == [first.id, second.id]
    assert _count(AuditEvent, AuditEvent.action == "inspector.deactivate") == 1


def test_an_empty_population_and_bad_inputs_are_refused():
    create_inspectors(2)
    with pytest.raises(ServiceError, match="."):
        make_draw()
    active_awards(1)
    for kwargs, field in (({"document_rate": "4.99"}, "document_rate"), ({"onsite_rate": "0.4"}, "onsite_rate"),
                          ({"document_rate": "5", "onsite_rate": "6"}, "onsite_rate"),
                          ({"nonce": "有空格 的"}, "nonce"), ({"period": " "}, "period"),
                          ({"inspectors_per_item": 0}, "inspectors_per_item")):
        with pytest.raises(ServiceError) as refused:
            make_draw(**kwargs)
        assert field in refused.value.field_errors
    assert _count(SpotCheckDraw) == 0


def test_one_draw_per_period_and_population():
    active_awards(2)
    create_inspectors(2)
    make_draw()
    with pytest.raises(ServiceError) as refused:
        make_draw(nonce="other")
    assert "period" in refused.value.field_errors
    assert _count(SpotCheckDraw) == 1
    make_draw(population="organisations")
    assert _count(SpotCheckDraw) == 2


def test_draws_are_immutable():
    active_awards(3)
    create_inspectors(3)
    draw = make_draw()
    draw.nonce = "changed"
    with pytest.raises(ImmutableDraw):
        db.session.commit()
    db.session.rollback()
    item = db.session.scalar(select(SpotCheckItem))
    db.session.delete(item)
    with pytest.raises(ImmutableDraw):
        db.session.flush()
    db.session.rollback()
    assignment = db.session.scalar(select(SpotCheckInspector))
    assignment.inspector_id = assignment.inspector_id + 1000
    with pytest.raises(ImmutableDraw):
        db.session.flush()
    db.session.rollback()
    assert db.session.get(SpotCheckDraw, draw.id).nonce == "abc123"


def test_no_route_changes_or_deletes_a_draw(app):
    for rule in app.url_map.iter_rules():
        if "draw_id" in rule.arguments:
            assert rule.methods - {"HEAD", "OPTIONS"} == {"GET"}, rule


# -- results ------------------------------------------------------------------------------------
def _drawn(rectify_org_members=1):
    org = create_org()
    for _ in range(rectify_org_members):
        create_applicant(org)
    active_awards(1, org=org)
    create_inspectors(2)
    staff = create_user("staff")
    return staff, make_draw(staff).items[0]


def test_a_result_needing_rectification_tells_the_organisation():
    staff, item = _drawn()
    due = DRAW_DAY + timedelta(days=30)
    result = spotchecks.record_result(staff, item, findings="台账不全，经费使用凭证缺失两张。",
                                      rating="basically_qualified", rectification_required=True,
                                      rectification_due_on=due, today=DRAW_DAY)
    assert result.rectification_due_on == due
    [mail] = db.session.scalars(select(OutboxMessage)).all()
    assert mail.kind == "spotcheck.rectification"
    assert due.isoformat() in mail.subject
    assert "台账不全" in mail.body
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "spotcheck.result"))
    assert event.actor_id == staff.id and event.data["rectification_required"] is True


def test_a_result_without_rectification_sends_no_mail_and_can_be_corrected_then_closed():
    staff, item = _drawn()
    spotchecks.record_result(staff, item, findings="符合要求。", rating="qualified", rectification_required=False,
                             rectification_due_on=date(2027, 1, 1), today=DRAW_DAY)
    assert _count(OutboxMessage) == 0
    result = spotchecks.record_result(staff, item, findings="复核：符合要求。", rating="qualified",
                                      rectification_required=False, rectification_due_on=None, today=DRAW_DAY)
    assert result.rectification_due_on is None and result.findings == "复核：符合要求。"
    spotchecks.close_result(staff, item, DRAW_DAY, today=DRAW_DAY)
    with pytest.raises(ServiceError):
        spotchecks.record_result(staff, item, findings="再改", rating="unqualified", rectification_required=False,
                                 rectification_due_on=None, today=DRAW_DAY)
    with pytest.raises(ServiceError):
        spotchecks.close_result(staff, item, DRAW_DAY, today=DRAW_DAY)
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "spotcheckitem")
                                 .order_by(AuditEvent.id)).all()
    assert actions == ["spotcheck.result", "spotcheck.result_change", "spotcheck.close"]
    assert _count(SpotCheckResult) == 1


def test_result_refusals():
    staff, item = _drawn()
    with pytest.raises(ServiceError) as refused:
        spotchecks.record_result(staff, item, findings="", rating="bad", rectification_required=True,
                                 rectification_due_on=None, today=DRAW_DAY)
    assert set(refused.value.field_errors) == {"findings", "rating", "rectification_due_on"}
    with pytest.raises(ServiceError):
        spotchecks.record_result(staff, item, findings="x", rating="qualified", rectification_required=True,
                                 rectification_due_on=DRAW_DAY - timedelta(days=1), today=DRAW_DAY)
    with pytest.raises(ServiceError):
        spotchecks.close_result(staff, item, DRAW_DAY, today=DRAW_DAY)  # no result yet
    applicant = create_applicant()
    with pytest.raises(ServiceError):
        spotchecks.record_result(applicant, item, findings="x", rating="qualified", rectification_required=False,
                                 rectification_due_on=None, today=DRAW_DAY)
    assert _count(SpotCheckResult) == 0


def test_public_for_organisation_lists_its_items_with_results():
    staff, item = _drawn()
    org = item.organisation
    spotchecks.record_result(staff, item, findings="符合要求。", rating="qualified", rectification_required=False,
                             rectification_due_on=None, today=DRAW_DAY)
    rows = spotchecks.public_for_organisation(org)
    assert [r.id for r in rows] == [item.id]
    assert rows[0].result.rating == "qualified"
    assert spotchecks.public_for_organisation(create_org()) == []
