"""Mid-term and final evaluations (中期/末期评估) of contracts, by staff or by a third-party
evaluator (role "evaluator").

- Staff assign one evaluation of a contract to themselves or an evaluator (`assign`), or an
  evaluator to every active contract of a call (`assign_call`, which records an
  EvaluatorAssignment and skips the contracts the evaluator is affiliated with).
- An evaluator is never affiliated with the grantee: not a member of the organisation and no
  account affiliation naming it (permissions.affiliation_matches).
- The evaluator scores each of the call's evaluation criteria 0–100; the score is their
  weighted mean. With a conclusion (pass/fail) and a text, `submit` prints the PDF evaluation
  report (stored by hash) and moves the evaluation to submitted. A failed evaluation marks the
  project for attention and blocks the later tranches (grants.services.tranche_conditions).
"""
from __future__ import annotations

from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from grants import permissions
from grants.extensions import db
from grants.models import Call, Contract, Evaluation, EvaluatorAssignment, User
from grants.models.call import default_evaluation_criteria
from grants.pdf import render
from grants.services import ServiceError, atomic, files, lock
from grants.services.notify import notify
from grants.services.reports import members, staff_users
from grants.services.workflow import transition
from grants.timeutil import now_utc, to_local
from grants.workflows import EVALUATION

KINDS = {"mid": _l("mid-term"), "final": _l("final")}
CONCLUSIONS = {"pass": _l("pass"), "fail": _l("fail")}
CENT = Decimal("0.01")


def criteria(call: Call) -> list[dict]:
    return [dict(c) for c in (call.evaluation_criteria or default_evaluation_criteria())]


def affiliated(user: User, contract: Contract) -> bool:
    """The user belongs to, or names as affiliation, the contracted organisation."""
    return contract.organisation_id in user.organisation_ids or \
        permissions.affiliation_matches(user.affiliation, contract.organisation)


def may_evaluate(user: User | None) -> bool:
    return user is not None and user.active and user.has_role("evaluator", "staff", "admin")


def can_view(user, evaluation: Evaluation) -> bool:
    """Staff and finance; the assigned evaluator; the grantee once it is submitted."""
    if user is None or not user.is_authenticated:
        return False
    if permissions.is_staff(user) or permissions.is_finance(user):
        return True
    if evaluation.evaluator_id == user.id and not affiliated(user, evaluation.contract):
        return True
    return evaluation.status == "submitted" and permissions.is_applicant(user) \
        and permissions.is_member(user, evaluation.contract.organisation_id)


def evaluates(user, contract: Contract) -> bool:
    """`user` holds an evaluation of `contract` (and is not affiliated with it): they may read its
    milestone reports to evaluate it."""
    if user is None or not user.is_authenticated or not user.has_role("evaluator"):
        return False
    assigned = db.session.scalar(select(Evaluation.id).where(Evaluation.contract_id == contract.id,
                                                             Evaluation.evaluator_id == user.id))
    return assigned is not None and not affiliated(user, contract)


def can_submit(user, evaluation: Evaluation) -> bool:
    return EVALUATION.allows(evaluation, "submitted", user) and not affiliated(user, evaluation.contract)


def _check_evaluator(evaluator: User | None, contract: Contract) -> None:
    if not may_evaluate(evaluator):
        raise ServiceError(_("Choose a staff member or a third-party evaluator."),
                           {"evaluator": [_("Choose a staff member or a third-party evaluator.")]})
    if affiliated(evaluator, contract):
        msg = _("%(name)s is affiliated with the organisation and cannot evaluate its project.", name=evaluator.name)
        raise ServiceError(msg, {"evaluator": [msg]})


def _kind_label(kind: str) -> str:
    return str(KINDS.get(kind, kind))


def assign(actor, contract: Contract, kind: str, evaluator: User | None) -> Evaluation:
    """Assign (or reassign, while not submitted) the `kind` evaluation of an active contract."""
    if not permissions.is_staff(actor):
        raise ServiceError(_("Only programme staff can assign evaluations."))
    if kind not in KINDS:
        raise ServiceError(_("Choose mid-term or final."), {"kind": [_("Choose mid-term or final.")]})
    _check_evaluator(evaluator, contract)
    with atomic():
        lock(contract)
        if contract.status != "active":
            raise ServiceError(_("Only a contract in force can be evaluated."))
        evaluation = db.session.scalar(select(Evaluation).where(Evaluation.contract_id == contract.id,
                                                                Evaluation.kind == kind))
        if evaluation is None:
            evaluation = Evaluation(contract_id=contract.id, kind=kind, status="assigned")
            db.session.add(evaluation)
            db.session.flush()
        else:
            lock(evaluation)
            if evaluation.status != "assigned":
                raise ServiceError(_("This evaluation has been submitted already."))
        evaluation.evaluator_id = evaluator.id
        notify(actor, evaluation, "evaluation.assign", to=[evaluator], template="evaluation_assigned",
               data={"evaluator_id": evaluator.id, "kind": kind},
               context={"evaluation": evaluation, "contract": contract, "kind_label": _kind_label(kind)})
    return evaluation


def assign_call(actor, call: Call, kind: str, evaluator: User | None) -> dict:
    """Assign `evaluator` the `kind` evaluation of every active contract of `call` that has none
    yet; contracts the evaluator is affiliated with are skipped (listed in the result)."""
    if not permissions.is_staff(actor):
        raise ServiceError(_("Only programme staff can assign evaluations."))
    if kind not in KINDS:
        raise ServiceError(_("Choose mid-term or final."), {"kind": [_("Choose mid-term or final.")]})
    if evaluator is None or not evaluator.active or not evaluator.has_role("evaluator"):
        raise ServiceError(_("Choose a third-party evaluator."), {"evaluator": [_("Choose a third-party evaluator.")]})
    result = {"assigned": [], "skipped": []}
    with atomic():
        row = db.session.scalar(select(EvaluatorAssignment).where(EvaluatorAssignment.call_id == call.id,
                                                                  EvaluatorAssignment.evaluator_id == evaluator.id))
        if row is None:
            db.session.add(EvaluatorAssignment(call_id=call.id, evaluator_id=evaluator.id, assigned_by_id=actor.id))
        contracts = db.session.scalars(select(Contract).where(Contract.call_id == call.id,
                                                              Contract.status == "active").order_by(Contract.number))
        for contract in contracts:
            if affiliated(evaluator, contract):
                result["skipped"].append(contract.number)
                continue
            exists = db.session.scalar(select(Evaluation.id).where(Evaluation.contract_id == contract.id,
                                                                   Evaluation.kind == kind))
            if exists is None:
                result["assigned"].append(assign(actor, contract, kind, evaluator).contract.number)
        notify(actor, call, "evaluation.assign_call", data={"evaluator_id": evaluator.id, "kind": kind, **result})
    return result


def queue_for(user) -> list[Evaluation]:
    """The evaluations assigned to `user` (an evaluator's only way in), open ones first."""
    rows = db.session.scalars(select(Evaluation).where(Evaluation.evaluator_id == user.id)
                              .order_by(Evaluation.status, Evaluation.id))
    return [e for e in rows if not affiliated(user, e.contract)]


def evaluation_of(contract: Contract, kind: str) -> Evaluation | None:
    return db.session.scalar(select(Evaluation).where(Evaluation.contract_id == contract.id, Evaluation.kind == kind))


def of_contract(contract: Contract) -> list[Evaluation]:
    return list(db.session.scalars(select(Evaluation).where(Evaluation.contract_id == contract.id)
                                   .order_by(Evaluation.kind.desc())))


def weighted_score(call: Call, scores: dict) -> Decimal:
    items = criteria(call)
    total_weight = sum(Decimal(str(c["weight"])) for c in items) or Decimal("1")
    total = sum(Decimal(str(c["weight"])) * scores[c["key"]] for c in items)
    return (total / total_weight).quantize(CENT)


def problems(call: Call, scores: dict, conclusion: str | None, text: str | None) -> dict[str, list[str]]:
    """What is wrong with an evaluation's answers: field name → messages (empty when none)."""
    errors: dict[str, list[str]] = {}
    for c in criteria(call):
        value = scores.get(c["key"])
        if value is None:
            errors[f"score_{c['key']}"] = [_("Enter a score from 0 to 100.")]
        elif not (0 <= value <= 100) or value != value.quantize(CENT):
            errors[f"score_{c['key']}"] = [_("Enter a score from 0 to 100 with at most two decimals.")]
    if conclusion not in CONCLUSIONS:
        errors["conclusion"] = [_("Choose pass or fail.")]
    if not (text or "").strip():
        errors["text"] = [_("Write the evaluation text.")]
    return errors


def submit(actor, evaluation: Evaluation, scores: dict, conclusion: str | None, text: str) -> Evaluation:
    """Record the scores (criterion key → Decimal 0–100), the conclusion and the text; print and
    store the PDF evaluation report; move to submitted."""
    contract = evaluation.contract
    call = contract.call
    errors = problems(call, scores, conclusion, text)
    if errors:
        raise ServiceError(_("Please correct the marked fields."), errors)
    if actor is not None and affiliated(actor, contract):
        raise ServiceError(_("This evaluation is not assigned to you."))
    with atomic():
        lock(evaluation)
        evaluation.criteria_scores = [{"key": c["key"], "name": c["name"], "weight": c["weight"],
                                       "score": f"{scores[c['key']]}"} for c in criteria(call)]
        evaluation.score = weighted_score(call, scores)
        evaluation.conclusion = conclusion
        evaluation.text = text.strip()
        evaluation.submitted_at = now_utc()
        pdf = render("evaluation.html", pdf_context(evaluation, actor))
        evaluation.report_file_id = files.store(pdf, files.PDF).id
        recipients = staff_users() + members(contract.organisation_id)
        transition(EVALUATION, evaluation, "submitted", actor, to=recipients, template="evaluation_submitted",
                   data={"score": f"{evaluation.score}", "conclusion": conclusion},
                   context={"evaluation": evaluation, "contract": contract, "kind_label": _kind_label(evaluation.kind),
                            "conclusion_label": str(CONCLUSIONS[conclusion])})
    return evaluation


def pdf_context(evaluation: Evaluation, actor) -> dict:
    """Only plain data reaches the PDF template."""
    contract = evaluation.contract
    return {
        "kind": "中期评估" if evaluation.kind == "mid" else "末期评估",
        "contract_number": contract.number,
        "project": contract.award.proposal.title,
        "organisation": contract.organisation.name,
        "call": contract.call.title,
        "amount": f"{contract.amount:,.2f}",
        "criteria": [dict(c) for c in evaluation.criteria_scores or []],
        "score": f"{evaluation.score}",
        "conclusion": "合格" if evaluation.conclusion == "pass" else "不合格",
        "text_paragraphs": [p for p in (evaluation.text or "").splitlines() if p.strip()],
        "evaluator": actor.name if actor is not None else "",
        "evaluator_affiliation": (actor.affiliation or "") if actor is not None else "",
        "date": to_local(evaluation.submitted_at).strftime("%Y年%m月%d日"),
    }
