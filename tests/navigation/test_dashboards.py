"""Dashboards are to-do lists with counts and deadlines; "start a proposal" follows the one limit rule."""
from __future__ import annotations

import re

import pytest

from grants.extensions import db
from grants.services import ServiceError, dashboard
from grants.services import proposals as proposal_service
from grants.sqlcount import recorded_statements
from tests.factories import create_applicant, create_call, create_org, create_proposal, create_user
from tests.navigation.world import build


def _todo(items) -> dict[str, int]:
    return {t.key: t.count for t in items}


def test_staff_todo_lists_what_waits_with_counts(app):
    w = build()
    cid = w.call.id
    todo = dashboard.staff_todo()
    assert _todo(todo) == {
        "organisations": 1, f"screen-{cid}": 2, f"reviews-{cid}": 3, f"notice-{cid}": 1, "contracts-sign": 1,
        f"reports-review-{cid}": 1, f"reports-overdue-{cid}": 1,
    }
    reviews = next(t for t in todo if t.key == f"reviews-{cid}")
    assert reviews.urgent and reviews.deadline == w.call.review_deadline  # due in 3 days: "due soon"
    assert reviews.url == ("panel.assignments", {"call_id": cid})
    assert _todo(dashboard.finance_todo()) == {"disbursements-requested": 1}


def test_staff_dashboard_page_shows_the_todo_list(login):
    w = build()
    html = login(w.staff).get("/dashboard").get_data(as_text=True)
    item = re.search(rf'id="todo-reviews-{w.call.id}">(.*?)</li>', html, re.S).group(1)
    assert '<span class="count urgent">3</span>' in item
    assert f'href="/panel/calls/{w.call.id}/assignments"' in item
    assert 'id="todo-organisations"' in html and 'href="/organisations/?status=pending"' in html


def test_reviewer_todo_has_assignments_and_the_deadline(login):
    w = build()
    items = dashboard.reviewer_todo(w.reviewer)
    # the reviewer cleared both proposals and submitted nothing (a draft does not count)
    assert _todo(items) == {f"score-{w.call.id}": 2}
    assert items[0].deadline == w.call.review_deadline
    html = login(w.reviewer).get("/dashboard").get_data(as_text=True)
    assert 'id="reviewer-todo"' in html and 'href="/panel/queue"' in html


def test_empty_staff_todo_says_so(login):
    html = login(create_user("staff")).get("/dashboard").get_data(as_text=True)
    assert 'id="staff-todo-empty"' in html


def test_new_organisation_sees_open_calls_with_deadlines_and_start_buttons(login):
    org = create_org(name="新成立社工中心")
    call = create_call(title="开放征集A", max_proposals_per_org=1)
    create_call(title="已截止征集", status="closed")
    client = login(create_applicant(org))
    html = client.get("/dashboard").get_data(as_text=True)
    row = re.search(rf'id="open-call-{call.id}">(.*?)</li>', html, re.S).group(1)
    assert "开放征集A" in row and f'href="/proposals/calls/{call.id}/new"' in row
    assert "已截止征集" not in html


def test_start_is_not_offered_at_the_limit_and_the_service_refuses_with_the_same_rule(login):
    org = create_org()
    user = create_applicant(org)
    call = create_call(title="限报一项", max_proposals_per_org=1)
    two = create_call(title="限报两项", max_proposals_per_org=2)
    create_proposal(call, org, status="draft")
    create_proposal(two, org, status="draft")
    client = login(user)
    html = client.get("/dashboard").get_data(as_text=True)
    assert f'href="/proposals/calls/{call.id}/new"' not in html
    assert f'href="/proposals/calls/{two.id}/new"' in html
    page = client.get(f"/public/calls/{call.id}").get_data(as_text=True)
    assert 'id="start-proposal-link"' not in page and 'id="proposal-limit-reached"' in page
    assert 'id="start-proposal-link"' in client.get(f"/public/calls/{two.id}").get_data(as_text=True)
    new_page = client.get(f"/proposals/calls/{call.id}/new").get_data(as_text=True)
    assert 'id="start-proposal"' not in new_page and 'id="proposal-limit-reached"' in new_page
    assert proposal_service.limit_reached(call, 1) and not proposal_service.limit_reached(two, 1)
    with pytest.raises(ServiceError) as refused:
        proposal_service.start(user, call, org)
    assert refused.value.message == proposal_service.limit_message(call)
    assert "1" in refused.value.message and refused.value.message in page


def _count(client) -> int:
    db.session.expire_all()
    with recorded_statements(db.engine) as seen:
        assert client.get("/dashboard").status_code == 200
    return len(list(seen))


def test_staff_dashboard_statements_do_not_grow_with_the_data(login):
    staff = create_user("staff", "finance")
    client = login(staff)
    create_call()
    few = _count(client)
    build()
    for _i in range(4):
        call = create_call(status="closed")
        create_proposal(call, status="submitted")
        create_org(status="pending")
    assert _count(client) == few


def test_applicant_dashboard_statements_do_not_grow_with_open_calls(login):
    org = create_org()
    client = login(create_applicant(org))
    create_proposal(create_call(), org, status="draft")  # the proposals list loads its calls when it has rows
    few = _count(client)
    for _i in range(5):
        create_proposal(create_call(), org, status="draft")
    assert _count(client) == few


def test_reviewer_dashboard_statements_do_not_grow_with_assignments(login):
    from tests.factories_panel import create_assignment, create_reviewer

    reviewer = create_reviewer()
    client = login(reviewer)
    call = create_call(status="closed")
    create_assignment(create_proposal(call, status="screened_in"), reviewer, status="cleared")
    few = _count(client)
    for _i in range(4):
        other = create_call(status="closed")
        create_assignment(create_proposal(other, status="screened_in"), reviewer, status="assigned")
        create_assignment(create_proposal(call, status="screened_in"), reviewer, status="cleared")
    assert _count(client) == few
