"""Searchable pickers on the panel pages (issue 14): a big call's reviewers and proposals are not
sent as thousands of <option>s; a search box (and its JSON endpoint) finds them."""
from __future__ import annotations

from grants.models import Conflict, PanelMember, ReviewAssignment
from grants.services import panel as service
from tests.factories import create_call, create_org, create_proposal, create_user
from tests.factories_panel import add_to_panel, create_reviewer


def _call():
    call = create_call(status="closed", reviewers_per_proposal=1)
    proposals = [create_proposal(call, create_org(name=f"第{i}号社工机构"), status="screened_in",
                                 title=f"候选项目{i:02d}") for i in range(60)]
    reviewers = [create_reviewer(name=f"专家{i:02d}") for i in range(60)]
    member = create_reviewer(name="已在评审组的专家")
    add_to_panel(call, member)
    return call, proposals, reviewers, member


def test_picker_endpoint_searches_and_limits(login):
    call, proposals, reviewers, member = _call()
    client = login(create_user("staff"))
    found = client.get(f"/panel/calls/{call.id}/picker/reviewer?q=专家07").get_json()
    assert [o["value"] for o in found] == [str(reviewers[7].id)]
    assert "专家07" in found[0]["label"]
    everyone = client.get(f"/panel/calls/{call.id}/picker/reviewer").get_json()
    assert len(everyone) == service.PICKER_LIMIT                     # 60 candidates: the first 50
    assert str(member.id) not in {o["value"] for o in everyone}       # already on the panel
    proposal = client.get(f"/panel/calls/{call.id}/picker/proposal?q=候选项目42").get_json()
    assert proposal == [{"value": str(proposals[42].id), "label": "候选项目42"}]
    target = client.get(f"/panel/calls/{call.id}/picker/target?q=第5号").get_json()
    values = [o["value"] for o in target]
    assert values == [f"o:{proposals[5].organisation_id}"] and "第5号社工机构" in target[0]["label"]
    target = client.get(f"/panel/calls/{call.id}/picker/target?q=候选项目05").get_json()
    assert [o["value"] for o in target] == [f"p:{proposals[5].id}"]
    assert client.get(f"/panel/calls/{call.id}/picker/nothing").status_code == 404


def test_panel_page_lists_only_the_first_matches_and_searches_without_javascript(login):
    call, proposals, reviewers, member = _call()
    client = login(create_user("staff"))
    page = client.get(f"/panel/calls/{call.id}").get_data(as_text=True)
    assert page.count('<option value="p:') == service.PICKER_LIMIT // 2    # not 60
    assert "专家59" not in page and 'data-picker=' in page and "picker.js" in page
    page = client.get(f"/panel/calls/{call.id}?reviewer_id_q=专家59").get_data(as_text=True)
    assert f'<option value="{reviewers[59].id}">' in page
    page = client.get(f"/panel/calls/{call.id}/assignments?proposal_id_q=候选项目59").get_data(as_text=True)
    assert f'<option value="{proposals[59].id}">候选项目59</option>' in page


def test_a_reviewer_found_by_search_can_be_added_and_a_stranger_cannot(login):
    call, proposals, reviewers, member = _call()
    client = login(create_user("staff"))
    response = client.post(f"/panel/calls/{call.id}/members", data={"reviewer_id": str(reviewers[59].id)})
    assert response.status_code == 302
    assert PanelMember.query.filter_by(call_id=call.id, reviewer_id=reviewers[59].id).count() == 1
    staff = create_user("staff")
    response = client.post(f"/panel/calls/{call.id}/members", data={"reviewer_id": str(staff.id)})
    assert response.status_code == 400                               # not a reviewer: not a choice
    assert PanelMember.query.filter_by(call_id=call.id, reviewer_id=staff.id).count() == 0


def test_conflict_and_assignment_take_a_searched_target(login):
    call, proposals, reviewers, member = _call()
    client = login(create_user("staff"))
    response = client.post(f"/panel/calls/{call.id}/conflicts", data={
        "reviewer_id": str(member.id), "target": f"p:{proposals[55].id}", "conflict_type": "family", "note": "亲属"})
    assert response.status_code == 302
    assert Conflict.query.filter_by(reviewer_id=member.id, proposal_id=proposals[55].id).count() == 1
    other = create_proposal(create_call(status="closed"), status="screened_in", title="别的征集的项目")
    response = client.post(f"/panel/calls/{call.id}/conflicts", data={
        "reviewer_id": str(member.id), "target": f"p:{other.id}", "conflict_type": "family"})
    assert response.status_code == 400                               # another call's proposal
    response = client.post(f"/panel/calls/{call.id}/assignments", data={
        "proposal_id": str(proposals[58].id), "reviewer_id": str(member.id)})
    assert response.status_code == 302
    assert ReviewAssignment.query.filter_by(proposal_id=proposals[58].id, reviewer_id=member.id).count() == 1
