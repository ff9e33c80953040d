"""Milestone reports and evaluations: the grantee writes its reports; staff review them and
assign evaluations; finance reads; the evaluator sees only what is assigned to it; to everyone
else these objects do not exist (404)."""
import io
from decimal import Decimal

from grants.services import evaluations, reports
from tests.access import STAFF, Rule, only
from tests.factories import create_user
from tests.factories_reports import PNG_BYTES, complete_data, create_active_contract

FINANCE = ("finance", "finance_senior")
READERS = FINANCE + ("applicant", "evaluator")  # the evaluator assigned to the project reads its reports
GRANTEE_ONLY = dict(staff=403, admin=403, finance=403, finance_senior=403, evaluator=403)
READ_ONLY = dict(finance=403, finance_senior=403, applicant=403, evaluator=403)


def extend_world(w):
    staff, applicant = w.users["staff"], w.users["applicant"]
    w.rp_contract = create_active_contract(w.org_a, staff=staff, applicant=applicant)
    first, second = reports.milestones_of(w.rp_contract)
    w.rp_draft = second.report
    w.rp_submitted = first.report
    reports.save_draft(applicant, w.rp_submitted, complete_data(w.rp_submitted))
    w.rp_evidence = reports.add_evidence(applicant, w.rp_submitted, "照片.png", PNG_BYTES)
    reports.submit(applicant, w.rp_submitted)
    w.rp_own_evidence = reports.add_evidence(applicant, w.rp_draft, "签到表.png", PNG_BYTES)
    w.rp_evaluation = evaluations.assign(staff, w.rp_contract, "mid", w.users["evaluator"])
    w.rp_final = evaluations.assign(staff, w.rp_contract, "final", w.users["evaluator"])
    evaluations.submit(w.users["evaluator"], w.rp_final, _SCORES, "pass", "项目执行规范，目标基本达成。")
    w.rp_other_evaluator = create_user("evaluator")
    w.rp_call_id = w.rp_contract.call_id


_SCORES = {"execution": Decimal(90), "objectives": Decimal(85), "funds": Decimal(80), "impact": Decimal(88)}


def _evaluation_form(w):
    return {"conclusion": "pass", "text": "中期评估：进度正常。", **{f"score_{k}": str(v) for k, v in _SCORES.items()}}


def _readers(**overrides):
    return only(STAFF + READERS, default=404, **overrides)


RULES = [
    Rule("reports.contract", "GET", lambda w: f"/reports/contracts/{w.rp_contract.id}", _readers()),
    Rule("reports.call", "GET", lambda w: f"/reports/calls/{w.rp_call_id}", only(STAFF + FINANCE, default=404)),
    Rule("reports.detail", "GET", lambda w: f"/reports/{w.rp_submitted.id}", _readers()),
    Rule("reports.edit", "GET", lambda w: f"/reports/{w.rp_draft.id}/edit",
         only(("applicant",), default=404, **GRANTEE_ONLY), visible=READERS),
    Rule("reports.edit", "POST", lambda w: f"/reports/{w.rp_draft.id}/edit",
         only(("applicant",), default=404, **GRANTEE_ONLY), data=lambda w: {"action": "save", "narrative": "草稿"},
         visible=READERS),
    Rule("reports.review", "POST", lambda w: f"/reports/{w.rp_submitted.id}/review",
         only(STAFF, default=404, **READ_ONLY),
         data=lambda w: {"decision": "return", "comment": "请补充签到表"}, visible=READERS),
    Rule("reports.version", "GET", lambda w: f"/reports/{w.rp_submitted.id}/versions/1", _readers()),
    Rule("reports.upload", "POST", lambda w: f"/reports/{w.rp_draft.id}/evidence",
         only(("applicant",), default=404, **GRANTEE_ONLY),
         data=lambda w: {"file": (io.BytesIO(PNG_BYTES), "现场照片.png")}, visible=READERS),
    Rule("reports.evidence", "GET", lambda w: f"/reports/{w.rp_submitted.id}/evidence/{w.rp_evidence.id}",
         _readers()),
    Rule("reports.delete_evidence", "POST",
         lambda w: f"/reports/{w.rp_draft.id}/evidence/{w.rp_own_evidence.id}/delete",
         only(("applicant",), default=404, **GRANTEE_ONLY), data=lambda w: {}, visible=READERS),
    Rule("reports.assign", "POST", lambda w: f"/reports/contracts/{w.rp_contract.id}/evaluations",
         only(STAFF, default=404, **READ_ONLY),
         data=lambda w: {"kind": "mid", "evaluator": str(w.rp_other_evaluator.id)}, visible=READERS),
    Rule("reports.assign_call", "POST", lambda w: f"/reports/calls/{w.rp_call_id}/evaluators",
         only(STAFF, default=404), data=lambda w: {"kind": "final", "evaluator": str(w.rp_other_evaluator.id)}),
    Rule("reports.queue", "GET", lambda w: "/reports/evaluations", only(STAFF + ("evaluator",))),
    Rule("reports.evaluation", "GET", lambda w: f"/reports/evaluations/{w.rp_evaluation.id}",
         only(STAFF + FINANCE + ("evaluator",), default=404)),
    Rule("reports.evaluation", "POST", lambda w: f"/reports/evaluations/{w.rp_evaluation.id}",
         only(STAFF + ("evaluator",), default=404, finance=403, finance_senior=403),
         data=_evaluation_form, visible=FINANCE),
    Rule("reports.evaluation_pdf", "GET", lambda w: f"/reports/evaluations/{w.rp_final.id}/report.pdf",
         only(STAFF + FINANCE + ("evaluator", "applicant"), default=404)),
]
