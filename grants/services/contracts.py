"""Service-purchase contracts (政府购买服务合同): numbering, generation, versions, signing.

- A confirmed award gets one contract; its number (`<CONTRACT_PREFIX>-<year>-<seq>`, e.g.
  JXGY-2026-0001) comes from a per-year counter taken under a row lock, so it is unique and
  never reused, also when two staff generate at the same moment.
- Every generated PDF is a new `ContractVersion` in the stored-file table (number, SHA-256,
  who, when, and the plain data it was printed from); regenerating never overwrites.
- Each version prints its own verification code and a QR code to /verify/<code>.
- The organisation uploads the signed and sealed scan; staff activate the contract, which
  announces it publicly (the rule: within 2 working days of signing).
"""
from __future__ import annotations

import gc
from datetime import date

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from grants.extensions import db
from grants.labels import CATEGORY_LABELS
from grants.models import Award, Call, Contract, ContractCounter, ContractTemplate, ContractVersion
from grants.money import quantize
from grants.services import ServiceError, atomic, files, lock
from grants.services.notify import notify
from grants.services.people import members_of as _members
from grants.services.people import staff_users as _staff_users
from grants.services.reports import create_milestones
from grants.services.workflow import transition
from grants.timeutil import add_working_days, local_today, now_utc, to_local
from grants.workflows import CONTRACT

SIGNED_TYPES = (files.PDF, files.JPEG, files.PNG)
MAX_TERM_MONTHS = 36  # 财政部令第102号 Art 24: normally ≤ 1 year, up to 3 where funding is secured
ANNOUNCE_WITHIN_WORKING_DAYS = 2  # 政府采购法实施条例 Art 50

TRANCHE_CONDITIONS = {
    "signing": "合同签订生效后10个工作日内",
    "milestone": "第{n}个里程碑报告经甲方验收合格后10个工作日内",
    "final": "末期评估验收合格后10个工作日内",
}


# -- helpers ---------------------------------------------------------------------------------------
def _cn_date(day: date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def _months(start: date | None, end: date | None) -> int:
    if not start or not end:
        return 0
    months = (end.year - start.year) * 12 + (end.month - start.month)
    return months + 1 if end.day >= start.day else months




def contract_of(award: Award) -> Contract | None:
    return db.session.scalar(select(Contract).where(Contract.award_id == award.id))


def latest_version(contract: Contract) -> ContractVersion | None:
    return contract.versions[-1] if contract.versions else None


def clauses_for(call: Call) -> list[dict]:
    from grants.pdf.contract import DEFAULT_CLAUSES

    template = db.session.scalar(select(ContractTemplate).where(ContractTemplate.call_id == call.id))
    return [dict(c) for c in (template.clauses if template else DEFAULT_CLAUSES)]


def _next_number(year: int) -> str:
    prefix = current_app.config["CONTRACT_PREFIX"]
    counter = db.session.get(ContractCounter, (prefix, year), with_for_update=True)
    if counter is None:
        dialect = db.session.get_bind().dialect.name
        if dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        db.session.execute(insert(ContractCounter).values(prefix=prefix, year=year, last=0)
                           .on_conflict_do_nothing(index_elements=["prefix", "year"]))
        counter = db.session.get(ContractCounter, (prefix, year), with_for_update=True, populate_existing=True)
    counter.last += 1
    db.session.flush()
    return f"{prefix}-{year}-{counter.last:04d}"


def contract_data(award: Award, number: str, version: int, code: str, signing_on: date | None = None) -> dict:
    """The plain data the PDF is printed from (see grants.pdf.contract for the shape)."""
    cfg = current_app.config
    proposal, org, call = award.proposal, award.organisation, award.call
    condition = []
    milestones = list(proposal.milestones)
    for rule in call.tranches:
        text = TRANCHE_CONDITIONS.get(rule.condition, rule.condition)
        if rule.condition == "milestone":
            n = rule.milestone_number or 1
            text = text.format(n=n)
            if 0 < n <= len(milestones):
                text = f"第{n}个里程碑（{milestones[n - 1].title}）报告经甲方验收合格后10个工作日内"
        condition.append({"percentage": int(rule.percentage), "condition": text})
    content = [p for p in (proposal.summary, proposal.activities) if (p or "").strip()]
    return {
        "number": number,
        "version": version,
        "verification_code": code,
        "base_url": cfg["BASE_URL"],
        "project": {
            "name": proposal.title, "call_title": call.title,
            "category": str(CATEGORY_LABELS.get(proposal.category, proposal.category or "")),
            "location": org.district or cfg["FUNDER_CITY"],
            "beneficiaries": proposal.beneficiaries or "",
        },
        "buyer": {"name": cfg["FUNDER_NAME"], "uscc": cfg["FUNDER_USCC"], "address": cfg["FUNDER_ADDRESS"],
                  "representative": cfg["FUNDER_REPRESENTATIVE"], "contact": cfg["FUNDER_CONTACT"],
                  "phone": cfg["FUNDER_PHONE"]},
        "supplier": {"name": org.name, "uscc": org.uscc, "legal_representative": org.legal_representative or "",
                     "address": org.address or "", "contact": org.contact_name or "",
                     "phone": org.contact_phone or "", "bank": org.bank_name or "", "account_name": org.name,
                     "account": org.bank_account or ""},
        "service": {
            "content": content,
            "kpis": [{"name": k.name, "target": f"{k.target.normalize():,f}" if k.target is not None else "",
                      "unit": k.unit or "", "standard": "以服务台账和佐证材料为准"} for k in proposal.indicators],
        },
        "term": {"start": _cn_date(proposal.start_date), "end": _cn_date(proposal.end_date),
                 "months": _months(proposal.start_date, proposal.end_date)},
        "amount": quantize(award.amount),
        "tranches": condition,
        "signing": {"place": cfg["CONTRACT_PLACE"], "date": _cn_date(signing_on) if signing_on else "",
                    "copies": 4, "copies_each": 2},
        "clauses": clauses_for(call),
    }


def _json_ready(data: dict) -> dict:
    out = dict(data)
    out["amount"] = str(data["amount"])
    return out


def generation_refusal(award: Award) -> str | None:
    if award.status != "confirmed":
        return _("A contract is generated for a confirmed award only.")
    proposal = award.proposal
    months = _months(proposal.start_date, proposal.end_date)
    if not months:
        return _("The proposal has no service term (start and end dates).")
    if months > min(award.call.term_max_months or 12, MAX_TERM_MONTHS):
        return _("The service term of %(n)d months is longer than the call allows.", n=months)
    return None


def _render_version(actor, contract: Contract, award: Award) -> ContractVersion:
    from grants.pdf.contract import new_verification_code, render_contract

    number = (max((v.number for v in contract.versions), default=0)) + 1
    code = new_verification_code()
    while db.session.scalar(select(ContractVersion.id).where(ContractVersion.verification_code == code)):
        code = new_verification_code()
    data = contract_data(award, contract.number, number, code)
    pdf = render_contract(data)
    stored = files.store(pdf, files.PDF)
    version = ContractVersion(contract_id=contract.id, number=number, verification_code=code,
                              stored_file_id=stored.id, data=_json_ready(data),
                              created_by_id=actor.id if actor else None)
    db.session.add(version)
    contract.versions.append(version)
    db.session.flush()
    return version


def generate(actor, award: Award) -> Contract:
    """The contract of a confirmed award, numbered, with its first PDF version."""
    if actor is not None and not actor.has_role("staff", "admin"):
        raise ServiceError(_("Only programme staff can generate contracts."))
    with atomic():
        lock(award)
        if contract_of(award) is not None:
            raise ServiceError(_("This award has a contract already."))
        refusal = generation_refusal(award)
        if refusal:
            raise ServiceError(refusal)
        year = to_local(now_utc()).year
        contract = Contract(award_id=award.id, call_id=award.call_id, organisation_id=award.organisation_id,
                            number=_next_number(year), status="generated", amount=award.amount,
                            starts_on=award.proposal.start_date, ends_on=award.proposal.end_date,
                            created_by_id=actor.id if actor else None)
        db.session.add(contract)
        db.session.flush()
        version = _render_version(actor, contract, award)
        notify(actor, contract, "contract.generate", to_status="generated", to=_members(award.organisation_id),
               template="contract_ready", kind="contract.ready", context={"contract": contract},
               data={"number": contract.number, "version": version.number, "sha256": version.stored_file.sha256,
                     "amount": str(contract.amount)})
    return contract


def regenerate(actor, contract: Contract) -> ContractVersion:
    """A new PDF version (e.g. after the clauses or the organisation's bank details changed)."""
    if actor is None or not actor.has_role("staff", "admin"):
        raise ServiceError(_("Only programme staff can generate contracts."))
    with atomic():
        lock(contract)
        if contract.status != "generated":
            raise ServiceError(_("A contract can be regenerated only before the signed copy is accepted."))
        version = _render_version(actor, contract, contract.award)
        notify(actor, contract, "contract.regenerate", to=_members(contract.organisation_id),
               template="contract_ready", kind="contract.ready", context={"contract": contract},
               data={"version": version.number, "sha256": version.stored_file.sha256})
    return version


def upload_signed(actor, contract: Contract, filename: str | None, data: bytes, signed_on: date | None = None):
    """The organisation uploads the signed and sealed contract (PDF, JPEG or PNG, ≤ 10 MB)."""
    content_type = files.checked_upload(filename, data)  # the one upload rule: empty, size, type by bytes
    if content_type not in SIGNED_TYPES:
        msg = _("Upload the signed contract as a PDF, JPEG or PNG scan.")
        raise ServiceError(msg, {"file": [msg]})
    signed_on = signed_on or local_today()
    if signed_on > local_today():
        msg = _("The signing date cannot be in the future.")
        raise ServiceError(msg, {"signed_on": [msg]})
    with atomic():
        lock(contract)
        target = "signed_uploaded"
        previous = contract.signed_file_id
        stored = files.store(data, content_type)
        contract.signed_file_id = stored.id
        contract.signed_name = files.sanitise_name(filename, content_type)
        contract.signed_uploaded_at = now_utc()
        contract.signed_uploaded_by_id = actor.id
        contract.signed_on = signed_on
        contract.return_reason = None
        transition(CONTRACT, contract, target, actor,
                   data={"sha256": stored.sha256, "signed_on": signed_on.isoformat()},
                   to=_staff_users(), template="contract_signed_uploaded", kind="contract.signed_uploaded",
                   context={"contract": contract})
        if previous and previous != stored.id:
            files.remove_if_unused(previous)
    return contract


def return_signed(actor, contract: Contract, reason: str) -> Contract:
    reason = (reason or "").strip()
    if not reason:
        msg = _("Say what is wrong with the signed copy, so the organisation can fix it.")
        raise ServiceError(msg, {"reason": [msg]})
    with atomic():
        lock(contract)
        contract.return_reason = reason
        transition(CONTRACT, contract, "generated", actor, note=reason, to=_members(contract.organisation_id),
                   template="contract_returned", kind="contract.returned",
                   context={"contract": contract, "reason": reason})
    return contract


def activate(actor, contract: Contract, today: date | None = None) -> Contract:
    """Staff accept the signed copy: the contract is in force and announced publicly, and its
    milestones (with their draft reports) are created from the proposal, in one transaction."""
    today = today or local_today()
    with atomic():
        lock(contract)
        contract.activated_at = now_utc()
        contract.activated_by_id = actor.id
        contract.announced_on = today
        contract.announcement_due_on = add_working_days(contract.signed_on or today, ANNOUNCE_WITHIN_WORKING_DAYS)
        transition(CONTRACT, contract, "active", actor, to=_members(contract.organisation_id),
                   template="contract_active", kind="contract.active", context={"contract": contract},
                   data={"announced_on": today.isoformat(), "signed_on": (contract.signed_on or today).isoformat()})
        create_milestones(contract)

        from grants.services.disbursements import create_tranches

        create_tranches(contract)
    return contract


def terminate(actor, contract: Contract, reason: str | None) -> Contract:
    """Staff end a contract in force early (解除合同): it is terminated and every open payment
    request on it is cancelled, in the same transaction."""
    from grants.services.disbursements import MAX_REASON, cancel_open

    if actor is None or not actor.has_role("staff", "admin"):
        raise ServiceError(_("Only programme staff can terminate a contract."))
    reason = (reason or "").strip()
    if not reason:
        msg = _("Say why the contract is terminated.")
        raise ServiceError(msg, {"reason": [msg]})
    if len(reason) > MAX_REASON:
        msg = _("At most %(n)d characters.", n=MAX_REASON)
        raise ServiceError(msg, {"reason": [msg]})
    with atomic():
        lock(contract)
        transition(CONTRACT, contract, "terminated", actor, note=reason)
        cancelled = cancel_open(actor, contract, reason)
        if cancelled:
            notify(actor, contract, "contract.requests_cancelled", data={"cancelled": cancelled})
    return contract




# -- clause template -------------------------------------------------------------------------------
def clause_errors(clauses: list[dict]) -> dict[str, str]:
    """key -> the sandbox's refusal for each clause text that cannot be used."""
    from grants.pdf.contract import check_clause_text

    errors = {}
    for clause in clauses:
        if not (clause.get("heading") or "").strip():
            errors[clause["key"]] = _("Give the clause a heading.")
            continue
        problem = check_clause_text(clause.get("text") or "")
        if problem:
            errors[clause["key"]] = problem
    return errors


def save_clauses(actor, call: Call, clauses: list[dict]) -> ContractTemplate:
    if actor is None or not actor.has_role("staff", "admin"):
        raise ServiceError(_("Only programme staff can edit contract clauses."))
    errors = clause_errors(clauses)
    if errors:
        raise ServiceError(_("Some clause texts cannot be used: see the marked clauses."),
                           {k: [v] for k, v in errors.items()})
    with atomic():
        lock(call)
        template = db.session.scalar(select(ContractTemplate).where(ContractTemplate.call_id == call.id))
        before = template.clauses if template else None
        if template is None:
            template = ContractTemplate(call_id=call.id, clauses=clauses, updated_by_id=actor.id)
            db.session.add(template)
        else:
            template.clauses = clauses
            template.updated_by_id = actor.id
        db.session.flush()
        notify(actor, call, "contract.clauses", data={"before": before, "after": clauses})
    return template


def preview_pdf(call: Call, clauses: list[dict]) -> bytes:
    """The demo contract printed with these clause texts (staff check the layout before saving)."""
    from grants.pdf.contract import demo_contract_data, render_contract

    data = demo_contract_data(current_app.config["BASE_URL"])
    data["project"]["call_title"] = call.title
    data["clauses"] = clauses
    data["verification_code"] = "PREV-IEW0-0000"
    return render_contract(data)


# -- queries ---------------------------------------------------------------------------------------
def by_code(code: str) -> ContractVersion | None:
    code = (code or "").strip().upper()
    if not code or len(code) > 20:
        return None
    return db.session.scalar(select(ContractVersion).where(ContractVersion.verification_code == code))


def with_parties(stmt):
    """A contract list loads each contract's organisation and project in the same query."""
    return stmt.options(joinedload(Contract.organisation), joinedload(Contract.award).joinedload(Award.proposal))


def announced(call_id: int | None = None):
    """Active (and later terminated) contracts as published: newest announcement first."""
    stmt = with_parties(select(Contract).where(Contract.announced_on.is_not(None))
                        .order_by(Contract.announced_on.desc(), Contract.id.desc()))
    if call_id is not None:
        stmt = stmt.where(Contract.call_id == call_id)
    return stmt


def without_contract(call: Call) -> list[Award]:
    return list(db.session.scalars(
        select(Award).outerjoin(Contract, Contract.award_id == Award.id)
        .where(Award.call_id == call.id, Award.status == "confirmed", Contract.id.is_(None)).order_by(Award.id)))


def render_call(call: Call, actor=None, progress=None) -> dict:
    """Generate the contract of every confirmed award of the call that has none (one transaction
    each; the session is cleared between contracts so memory stays flat)."""
    award_ids = [a.id for a in without_contract(call)]
    done, failed = 0, []
    for award_id in award_ids:
        award = db.session.get(Award, award_id)
        try:
            generate(actor, award)
            done += 1
        except ServiceError as exc:
            failed.append((award_id, exc.message))
        db.session.expunge_all()
        gc.collect()
        if progress:
            progress(1)
    return {"generated": done, "failed": failed, "total": len(award_ids)}
