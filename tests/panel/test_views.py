"""Panel pages: staff management, the reviewer's queue and conflict declaration, and leaks."""
from __future__ import annotations

from sqlalchemy import select

from grants.extensions import db
from grants.models import Conflict, PanelMember, ReviewAssignment
from tests.factories import create_call, create_org, create_proposal, create_user
from tests.factories_panel import add_to_panel, create_assignment, create_panel, create_reviewer


def _text(response):
    return response.get_data(as_text=True)


def test_staff_add_member_auto_assign_and_see_progress(login):
    staff = create_user("staff")
    call = create_call(status="closed", reviewers_per_proposal=2, title="2026年南湖区公益创投")
    proposals = [create_proposal(call, status="screened_in") for _ in range(3)]
    reviewers = [create_reviewer(name=f"专家{i}") for i in range(3)]
    client = login(staff)
    for r in reviewers:
        response = client.post(f"/panel/calls/{call.id}/members", data={"reviewer_id": str(r.id), "affiliation": ""})
        assert response.status_code == 302
    assert db.session.scalar(select(db.func.count(PanelMember.id))) == 3
    response = client.post(f"/panel/calls/{call.id}/auto-assign", data={"seed": "4"}, follow_redirects=True)
    page = _text(response)
    assert "6" in page and "2026年南湖区公益创投" in page
    assert db.session.scalar(select(db.func.count(ReviewAssignment.id))) == 6
    # each of 3 reviewers has 2 of the 6 assignments: "0 / 2" in the progress table
    assert page.count("0 / 2") == 3
    assignments_page = _text(client.get(f"/panel/calls/{call.id}/assignments"))
    for p in proposals:
        assert p.title in assignments_page


def test_adding_a_non_reviewer_shows_an_error_and_no_500(login):
    staff = create_user("staff")
    call = create_call(status="closed")
    applicant = create_user("applicant")
    client = login(staff)
    response = client.post(f"/panel/calls/{call.id}/members", data={"reviewer_id": str(applicant.id)})
    assert response.status_code == 400
    assert 'aria-invalid="true"' in _text(response)
    response = client.post(f"/panel/calls/{call.id}/members", data={"reviewer_id": "abc"})
    assert response.status_code == 400
    assert db.session.scalar(select(db.func.count(PanelMember.id))) == 0


def test_bad_seed_is_refused_with_a_message(login):
    staff = create_user("staff")
    call = create_call(status="closed")
    response = login(staff).post(f"/panel/calls/{call.id}/auto-assign", data={"seed": "-3"}, follow_redirects=True)
    assert "2147483647" in _text(response)


def test_staff_page_explains_shortfall(login):
    staff = create_user("staff")
    call = create_call(status="closed", reviewers_per_proposal=3)
    org = create_org(name="嘉兴市慈善基金会")
    create_proposal(call, org, status="screened_in", title="慈善超市项目")
    add_to_panel(call, create_reviewer(affiliation="嘉兴市慈善基金会"), create_reviewer(), create_reviewer())
    client = login(staff)
    client.post(f"/panel/calls/{call.id}/auto-assign", data={})
    page = _text(client.get(f"/panel/calls/{call.id}"))
    gaps = page[page.index('id="gaps"'):]
    assert "慈善超市项目" in gaps and "2 / 3" in gaps
    assert "只有 2 名" in gaps  # "Only 2 of 3 reviewers are free of conflicts ..."


def test_staff_record_conflict_via_form(login):
    staff = create_user("staff")
    call = create_call(status="closed")
    proposal = create_proposal(call, status="screened_in")
    reviewer = create_reviewer()
    assignment = create_assignment(proposal, reviewer, status="cleared")
    client = login(staff)
    response = client.post(f"/panel/calls/{call.id}/conflicts", data={
        "reviewer_id": str(reviewer.id), "target": f"o:{proposal.organisation_id}", "conflict_type": "financial",
        "note": "担任该机构理事"})
    assert response.status_code == 302
    assert db.session.get(ReviewAssignment, assignment.id).status == "recused"
    assert db.session.scalar(select(Conflict.organisation_id)) == proposal.organisation_id
    response = client.post(f"/panel/calls/{call.id}/conflicts", data={
        "reviewer_id": str(reviewer.id), "target": "", "conflict_type": "financial"})
    assert response.status_code == 400


def test_reviewer_queue_and_declaration_page_show_title_and_org_when_not_blind(login):
    call = create_call(status="closed", blind_review=False)
    org = create_org(name="桐乡市乌镇管家志愿服务社")
    proposal = create_proposal(call, org, status="screened_in", title="乌镇邻里守望")
    reviewer = create_reviewer()
    assignment = create_assignment(proposal, reviewer)
    client = login(reviewer)
    queue = _text(client.get("/panel/queue"))
    assert "乌镇邻里守望" in queue and "桐乡市乌镇管家志愿服务社" in queue
    page = _text(client.get(f"/panel/assignments/{assignment.id}/declare"))
    assert "乌镇邻里守望" in page and "桐乡市乌镇管家志愿服务社" in page
    # but nothing else of the proposal before the declaration
    assert proposal.summary not in page and proposal.need_analysis not in page


def test_blind_call_declaration_shows_title_only(login):
    call = create_call(status="closed", blind_review=True)
    org = create_org(name="嘉兴市青少年发展基金会")
    proposal = create_proposal(call, org, status="screened_in", title="青春護航")
    reviewer = create_reviewer()
    assignment = create_assignment(proposal, reviewer)
    client = login(reviewer)
    for url in ("/panel/queue", f"/panel/assignments/{assignment.id}/declare"):
        page = _text(client.get(url))
        assert "青春護航" in page
        assert org.name not in page and org.uscc not in page and org.contact_name not in page


def test_declare_no_conflict(login):
    call = create_call(status="closed")
    proposal = create_proposal(call, status="screened_in")
    reviewer = create_reviewer()
    assignment = create_assignment(proposal, reviewer)
    client = login(reviewer)
    response = client.post(f"/panel/assignments/{assignment.id}/declare", data={"decision": "none"})
    assert response.status_code == 302
    assert db.session.get(ReviewAssignment, assignment.id).status == "cleared"
    # declaring again is not possible; the page sends them back to the queue
    response = client.get(f"/panel/assignments/{assignment.id}/declare")
    assert response.status_code == 302 and response.headers["Location"].endswith("/panel/queue")


def test_incomplete_declaration_is_refused_with_messages(login):
    call = create_call(status="closed")
    proposal = create_proposal(call, status="screened_in")
    reviewer = create_reviewer()
    assignment = create_assignment(proposal, reviewer)
    client = login(reviewer)
    response = client.post(f"/panel/assignments/{assignment.id}/declare", data={})
    assert response.status_code == 400 and "请选择" in _text(response)
    response = client.post(f"/panel/assignments/{assignment.id}/declare", data={"decision": "conflict"})
    assert response.status_code == 400
    page = _text(response)
    assert "请选择冲突类型" in page and "请简要说明" in page
    assert db.session.get(ReviewAssignment, assignment.id).status == "assigned"


def test_declared_conflict_leaves_the_queue_and_every_route_answers_404(login):
    call = create_call(status="closed")
    proposal = create_proposal(call, status="screened_in", title="需要回避的项目")
    kept = create_proposal(call, status="screened_in", title="继续评审的项目")
    reviewer = create_reviewer()
    assignment = create_assignment(proposal, reviewer)
    create_assignment(kept, reviewer)
    client = login(reviewer)
    response = client.post(f"/panel/assignments/{assignment.id}/declare",
                           data={"decision": "conflict", "conflict_type": "collaboration", "note": "去年合作过项目"})
    assert response.status_code == 302
    queue = _text(client.get("/panel/queue"))
    assert "需要回避的项目" not in queue and "继续评审的项目" in queue
    assert client.get(f"/panel/assignments/{assignment.id}/declare").status_code == 404
    assert client.post(f"/panel/assignments/{assignment.id}/declare", data={"decision": "none"}).status_code == 404
    assert db.session.get(ReviewAssignment, assignment.id).status == "recused"


def test_someone_elses_or_removed_assignment_is_404(login):
    call = create_call(status="closed")
    proposal = create_proposal(call, status="screened_in")
    mine, other = create_reviewer(), create_reviewer()
    theirs = create_assignment(proposal, other)
    removed = create_assignment(create_proposal(call, status="screened_in"), mine, status="removed")
    out = create_assignment(create_proposal(call, status="screened_out"), mine)
    client = login(mine)
    for a in (theirs, removed, out):
        assert client.get(f"/panel/assignments/{a.id}/declare").status_code == 404
    assert client.get("/panel/assignments/999999/declare").status_code == 404
    assert client.get("/panel/assignments/x/declare").status_code == 404


def test_staff_remove_and_add_assignment_via_forms(login):
    staff = create_user("staff")
    call = create_call(status="closed")
    proposal = create_proposal(call, status="screened_in", title="人工调整项目")
    reviewer = create_reviewer(name="孙丽")
    assignment = create_assignment(proposal, reviewer)
    client = login(staff)
    assert client.post(f"/panel/assignments/{assignment.id}/remove", data={"note": "工作量"}).status_code == 302
    assert db.session.get(ReviewAssignment, assignment.id).status == "removed"
    response = client.post(f"/panel/calls/{call.id}/assignments",
                           data={"proposal_id": str(proposal.id), "reviewer_id": str(reviewer.id)},
                           follow_redirects=True)
    assert "孙丽" in _text(response)
    assert db.session.get(ReviewAssignment, assignment.id).status == "assigned"


def test_other_calls_panel_member_is_not_offered_twice(login):
    staff = create_user("staff")
    call = create_call(status="closed")
    reviewers = create_panel(call, 2)
    fresh = create_reviewer(name="新专家")
    page = _text(login(staff).get(f"/panel/calls/{call.id}"))
    form = page[page.index('name="reviewer_id"'):]
    form = form[:form.index("</select>")]
    assert "新专家" in form and all(f'value="{r.id}"' not in form for r in reviewers)
    assert str(fresh.id) in form


def test_recused_reviewer_finds_the_proposal_on_no_panel_route(login, app):
    """Every GET route of the panel blueprint, with every id filled in, as a recused reviewer:
    the proposal's title and organisation never appear, and its assignment answers 404."""
    call = create_call(status="closed")
    org = create_org(name="平湖市心理健康服务协会")
    proposal = create_proposal(call, org, status="screened_in", title="心理援助热线")
    reviewer = create_reviewer()
    assignment = create_assignment(proposal, reviewer, status="recused")
    member = db.session.scalar(select(PanelMember).where(PanelMember.reviewer_id == reviewer.id))
    ids = {"call_id": call.id, "assignment_id": assignment.id, "member_id": member.id}
    client = login(reviewer)
    checked = 0
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("panel.") or "GET" not in rule.methods:
            continue
        url = rule.rule
        for name, value in ids.items():
            url = url.replace(f"<{name}>", str(value))
        response = client.get(url)
        page = _text(response)
        assert response.status_code in (200, 403, 404), url
        assert "心理援助热线" not in page and org.name not in page, url
        if "<assignment_id>" in rule.rule:
            assert response.status_code == 404, url
        checked += 1
    assert checked >= 5


def test_nul_characters_and_long_notes_never_cause_a_server_error(login):
    call = create_call(status="closed")
    proposal = create_proposal(call, status="screened_in")
    reviewer = create_reviewer()
    assignment = create_assignment(proposal, reviewer)
    staff = create_user("staff")
    client = login(staff)
    response = client.post(f"/panel/calls/{call.id}/members",
                           data={"reviewer_id": str(create_reviewer().id), "affiliation": "嘉兴\x00学院"})
    assert response.status_code == 302
    assert db.session.scalar(select(PanelMember.affiliation).where(PanelMember.affiliation.is_not(None))) == "嘉兴学院"
    response = client.post(f"/panel/assignments/{assignment.id}/remove", data={"note": "x" * 600},
                           follow_redirects=True)
    assert "原因请控制在 500 字以内" in _text(response)
    assert db.session.get(ReviewAssignment, assignment.id).status == "assigned"
    client.post("/auth/logout")
    client = login(reviewer)
    response = client.post(f"/panel/assignments/{assignment.id}/declare",
                           data={"decision": "conflict", "conflict_type": "other", "note": "亲\x00属"})
    assert response.status_code == 302
    assert db.session.scalar(select(Conflict.note)) == "亲属"


def test_reviewer_queue_uses_the_same_number_of_statements_for_2_and_12_assignments(login):
    """Blind titles need each proposal's organisation: loaded together, not one query each."""
    from grants.extensions import db
    from grants.models import ReviewAssignment
    from grants.sqlcount import recorded_statements
    from tests.factories import create_call, create_org, create_proposal, create_user

    reviewer = create_user("reviewer")
    blind = create_call(status="closed", blind_review=True)
    open_call = create_call(status="closed")
    client = login(reviewer)
    counts = []
    for n in (2, 12):
        for i in range(n - sum(1 for _ in db.session.query(ReviewAssignment).filter_by(reviewer_id=reviewer.id))):
            proposal = create_proposal(blind if i % 2 else open_call, create_org(), status="screened_in")
            db.session.add(ReviewAssignment(proposal_id=proposal.id, reviewer_id=reviewer.id, status="assigned"))
        db.session.commit()
        db.session.expire_all()
        with recorded_statements(db.engine) as seen:
            response = client.get("/panel/queue")
        assert response.status_code == 200
        counts.append(len(seen))
    assert counts[0] == counts[1], counts
