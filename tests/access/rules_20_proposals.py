"""Proposals: applicant editing, attachments, submission, withdrawal, staff screening and export."""
import io

from tests.access import EVERYONE, OK, STAFF, Rule, only
from tests.factories import create_call, create_proposal
from tests.factories_proposals import PDF_BYTES, create_attachment

APPLICANTS = ("applicant", "other_applicant")


def extend_world(w):
    w.p_call = create_call(title="准入测试征集", max_proposals_per_org=5)
    w.p_draft = create_proposal(w.p_call, w.org_a, status="draft", title="甲组织草稿")
    w.p_submitted = create_proposal(w.p_call, w.org_a, status="submitted", title="甲组织已提交")
    w.p_withdrawn = create_proposal(w.p_call, w.org_a, status="withdrawn", title="甲组织已撤回")
    w.p_file = create_attachment(w.p_draft)


def _own(ok=("applicant",), staff=403):
    """Visible to org A's members (ok) and staff (403 unless allowed); 404 for everyone else."""
    return only(ok, default=404, staff=staff, admin=staff)


RULES = [
    Rule("proposals.index", "GET", lambda w: "/proposals/", only(APPLICANTS)),
    # an open call is public: a 403 tells nobody anything new
    Rule("proposals.new", "GET", lambda w: f"/proposals/calls/{w.p_call.id}/new", only(APPLICANTS),
         visible=EVERYONE),
    Rule("proposals.new", "POST", lambda w: f"/proposals/calls/{w.p_call.id}/new", only(APPLICANTS),
         data=lambda w: {}, visible=EVERYONE),
    Rule("proposals.detail", "GET", lambda w: f"/proposals/{w.p_draft.id}", _own(staff=OK)),
    Rule("proposals.edit", "GET", lambda w: f"/proposals/{w.p_draft.id}/edit", _own()),
    Rule("proposals.edit", "POST", lambda w: f"/proposals/{w.p_draft.id}/edit", _own(),
         data=lambda w: {"title": "改过的标题", "action": "save"}),
    Rule("proposals.autosave", "POST", lambda w: f"/proposals/{w.p_draft.id}/autosave", _own(),
         data=lambda w: {"title": "自动保存的标题"}),
    Rule("proposals.submit", "POST", lambda w: f"/proposals/{w.p_draft.id}/submit", _own(), data=lambda w: {}),
    Rule("proposals.withdraw", "POST", lambda w: f"/proposals/{w.p_submitted.id}/withdraw", _own(),
         data=lambda w: {"reason": "需要修改"}),
    Rule("proposals.reopen", "POST", lambda w: f"/proposals/{w.p_withdrawn.id}/reopen", _own(), data=lambda w: {}),
    Rule("proposals.upload", "POST", lambda w: f"/proposals/{w.p_draft.id}/attachments", _own(),
         data=lambda w: {"file": (io.BytesIO(PDF_BYTES), "方案.pdf")}),
    Rule("proposals.download", "GET", lambda w: f"/proposals/{w.p_draft.id}/attachments/{w.p_file.id}",
         _own(staff=OK)),
    Rule("proposals.delete_attachment", "POST",
         lambda w: f"/proposals/{w.p_draft.id}/attachments/{w.p_file.id}/delete", _own(), data=lambda w: {}),
    Rule("proposals.screen", "POST", lambda w: f"/proposals/{w.p_submitted.id}/screen",
         only(STAFF, default=404, applicant=403), data=lambda w: {"decision": "pass", "reason": ""},
         visible=("applicant",)),
    Rule("proposals.screening", "GET", lambda w: f"/proposals/calls/{w.p_call.id}/screening",
         only(STAFF, default=404)),
    Rule("proposals.screening_export", "GET", lambda w: f"/proposals/calls/{w.p_call.id}/screening/export.csv",
         only(STAFF, default=404)),
    Rule("proposals.screening_batch", "POST", lambda w: f"/proposals/calls/{w.p_call.id}/screening/batch",
         only(STAFF, default=404),
         data=lambda w: {"decision": "pass", "reason": "", "proposal_ids": [str(w.p_submitted.id)]}),
]
