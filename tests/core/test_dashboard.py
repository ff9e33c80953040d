"""The dashboard: data from services.dashboard (templates never query), in constant queries."""
from __future__ import annotations

from grants.extensions import db
from grants.services import dashboard
from grants.sqlcount import recorded_statements
from tests.factories import create_applicant, create_call, create_org, create_proposal, create_user


def _statements(client) -> tuple[int, str]:
    db.session.expire_all()
    with recorded_statements(db.engine) as seen:
        response = client.get("/dashboard")
    assert response.status_code == 200
    return len(seen), response.get_data(as_text=True)


def test_applicant_dashboard_lists_the_proposals_in_constant_queries(login):
    org = create_org()
    client = login(create_applicant(org))
    create_proposal(create_call(title="第一期征集"), org, title="社区助老项目")
    few, page = _statements(client)
    assert "社区助老项目" in page and "第一期征集" in page
    for i in range(6):
        create_proposal(create_call(title=f"征集{i}"), org, title=f"项目{i}")
    many, page = _statements(client)
    assert "项目5" in page and "征集5" in page
    assert many == few


def test_staff_dashboard_lists_calls_waiting_for_screening(login):
    staff = create_user("staff")
    client = login(staff)
    call = create_call(title="待初审征集")
    create_proposal(call, status="submitted")
    create_proposal(call, status="submitted")
    create_proposal(call, status="screened_in")
    board = dashboard.for_user(staff)
    assert [(c.title, n) for c, n in board.screening_calls] == [("待初审征集", 2)]
    assert board.org is None and board.proposals == []
    _n, page = _statements(client)
    assert "资格审核：待初审征集" in page and "2 份待审" in page


def test_reviewers_get_no_screening_or_proposal_sections(app):
    reviewer = create_user("reviewer")
    create_proposal(create_call(), status="submitted")
    board = dashboard.for_user(reviewer)
    assert board.screening_calls == [] and board.proposals == [] and board.org is None
