"""Review panel: staff manage panels, assignments, conflicts, reminders; reviewers declare."""
from tests.access import STAFF, Rule, only
from tests.factories import create_call, create_proposal
from tests.factories_panel import add_to_panel, create_assignment, create_reviewer


def extend_world(w):
    w.panel_call = create_call(title="评审准入测试征集", status="closed", reviewers_per_proposal=2)
    w.panel_proposal = create_proposal(w.panel_call, w.org_a, status="screened_in", title="评审准入测试项目")
    w.panel_extra = create_proposal(w.panel_call, w.org_b, status="screened_in", title="评审准入测试项目二")
    w.panel_assignment = create_assignment(w.panel_proposal, w.users["reviewer"])  # adds them to the panel
    w.panel_second = create_reviewer(name="第二位专家")
    w.panel_second_member = add_to_panel(w.panel_call, w.panel_second)
    w.panel_second_assignment = create_assignment(w.panel_extra, w.panel_second)
    w.panel_candidate = create_reviewer(name="候选专家")


def _staff():
    """Staff pages of one call, member or assignment: to everyone else they do not exist."""
    return only(STAFF, default=404)


def _reviewer_own():
    """The reviewer's own assignment: everyone else is told it does not exist."""
    return only(("reviewer",), default=404)


RULES = [
    Rule("panel.index", "GET", lambda w: "/panel/", only(STAFF)),
    Rule("panel.call_panel", "GET", lambda w: f"/panel/calls/{w.panel_call.id}", _staff()),
    Rule("panel.add_member", "POST", lambda w: f"/panel/calls/{w.panel_call.id}/members", _staff(),
         data=lambda w: {"reviewer_id": str(w.panel_candidate.id), "affiliation": "嘉兴学院"}),
    Rule("panel.remove_member", "POST", lambda w: f"/panel/members/{w.panel_second_member.id}/remove", _staff(),
         data=lambda w: {}),
    Rule("panel.auto_assign", "POST", lambda w: f"/panel/calls/{w.panel_call.id}/auto-assign", _staff(),
         data=lambda w: {"seed": "7"}),
    Rule("panel.record_conflict", "POST", lambda w: f"/panel/calls/{w.panel_call.id}/conflicts", _staff(),
         data=lambda w: {"reviewer_id": str(w.panel_second.id), "target": f"p:{w.panel_extra.id}",
                         "conflict_type": "collaboration", "note": "近三年合作过"}),
    Rule("panel.remind", "POST", lambda w: f"/panel/members/{w.panel_second_member.id}/remind", _staff(),
         data=lambda w: {}),
    Rule("panel.assignments", "GET", lambda w: f"/panel/calls/{w.panel_call.id}/assignments", _staff()),
    Rule("panel.add_assignment", "POST", lambda w: f"/panel/calls/{w.panel_call.id}/assignments", _staff(),
         data=lambda w: {"proposal_id": str(w.panel_extra.id), "reviewer_id": str(w.users["reviewer"].id)}),
    Rule("panel.remove_assignment", "POST", lambda w: f"/panel/assignments/{w.panel_second_assignment.id}/remove",
         _staff(), data=lambda w: {"note": "调整"}),
    Rule("panel.queue", "GET", lambda w: "/panel/queue", only(("reviewer",))),
    Rule("panel.declare", "GET", lambda w: f"/panel/assignments/{w.panel_assignment.id}/declare", _reviewer_own()),
    Rule("panel.declare", "POST", lambda w: f"/panel/assignments/{w.panel_assignment.id}/declare", _reviewer_own(),
         data=lambda w: {"decision": "none"}),
]

