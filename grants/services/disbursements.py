"""Money out: a contract's tranches and the disbursement requests that pay them (maker-checker).

- Tranches are made when a contract comes into force (`create_tranches`, called by
  `contracts.activate` in its transaction) from the call's tranche plan with
  `money.split_by_percentages`: the amounts add up exactly to the award, the remainder fen in
  the last one. `backfill()` gives tranches to contracts activated before this existed.
- Staff raise a request for an eligible tranche (`tranche_conditions.refusal`) with the
  organisation's invoice (PDF, JPEG or PNG, at most 10 MB) and the invoice amount, which must
  equal the tranche amount. Finance approve (below SECOND_APPROVAL_THRESHOLD one approval; at or
  above it a first approval, then a second by a different finance_senior user) or return it
  with a reason; the requester can never approve. Finance then record the payment (date, bank
  reference or voucher number) → paid; a failed payment keeps it approved for a retry (audited
  with the reason). A terminated contract cancels its open requests (`cancel_open`).
- Invariants, under row locks taken in one order (the contract row, then the tranche, then the
  request): at most one live request per tranche (also a partial unique index); nothing paid
  twice (another partial unique index); for every contract requested + approved + paid ≤ the
  awarded amount. Paid rows never change (an ORM guard in models/finance.py).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import and_, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from grants.extensions import db
from grants.models import AuditEvent, Award, Call, Contract, Disbursement, Tranche, User, UserRole
from grants.money import format_yuan, quantize, split_by_percentages
from grants.services import ServiceError, atomic, files, lock
from grants.services.notify import notify
from grants.services.tranche_conditions import refusal as tranche_refusal
from grants.services.workflow import transition
from grants.text import fold
from grants.timeutil import local_today, now_utc, to_local
from grants.workflows import DISBURSEMENT, FINANCE_ROLES, _threshold

INVOICE_TYPES = (files.PDF, files.JPEG, files.PNG)
LIVE = ("requested", "first_approved", "approved")
MAX_REFERENCE = 100
MAX_REASON = 2000
MAX_BATCH = 100


def _field_error(field: str, message: str) -> ServiceError:
    return ServiceError(message, {field: [message]})


def _is_staff(actor) -> bool:
    return actor is not None and actor.has_role("staff", "admin")


def _is_finance(actor) -> bool:
    return actor is not None and actor.has_role(*FINANCE_ROLES)


# -- tranches --------------------------------------------------------------------------------------
def tranches_of(contract: Contract) -> list[Tranche]:
    return list(db.session.scalars(select(Tranche).where(Tranche.contract_id == contract.id)
                                   .order_by(Tranche.number)))


def create_tranches(contract: Contract) -> list[Tranche]:
    """The contract's payment schedule from its call's tranche plan (once; later calls return it).

    The parts come from `split_by_percentages`, so they add up to the contract amount exactly.
    Joins the caller's transaction.
    """
    existing = tranches_of(contract)
    if existing:
        return existing
    rules = list(contract.call.tranches)
    if not rules:
        return []
    amounts = split_by_percentages(contract.amount, [r.percentage for r in rules])
    made = []
    for number, (rule, amount) in enumerate(zip(rules, amounts, strict=True), start=1):
        tranche = Tranche(contract_id=contract.id, number=number, percentage=int(rule.percentage), amount=amount,
                          condition=rule.condition,
                          milestone_number=(rule.milestone_number or 1) if rule.condition == "milestone" else None)
        db.session.add(tranche)
        made.append(tranche)
    db.session.flush()
    return made


def backfill() -> int:
    """Tranches for every contract in force (or terminated) that has none; returns how many got some."""
    ids = list(db.session.scalars(
        select(Contract.id).outerjoin(Tranche, Tranche.contract_id == Contract.id)
        .where(Contract.status.in_(("active", "terminated")), Tranche.id.is_(None)).order_by(Contract.id)))
    for contract_id in ids:
        with atomic():
            contract = db.session.get(Contract, contract_id)
            lock(contract)
            create_tranches(contract)
    return len(ids)


def committed_total(contract_id: int) -> Decimal:
    """Requested + approved + paid on a contract (everything not returned or cancelled)."""
    total = db.session.scalar(select(func.coalesce(func.sum(Disbursement.amount), 0)).where(
        Disbursement.contract_id == contract_id, Disbursement.status.in_(LIVE + ("paid",))))
    return quantize(Decimal(total or 0))


def open_request(tranche: Tranche) -> Disbursement | None:
    return db.session.scalar(select(Disbursement).where(Disbursement.tranche_id == tranche.id,
                                                        Disbursement.status.in_(LIVE + ("paid",))))


def request_refusal(tranche: Tranche) -> str | None:
    """Why no request may be raised for this tranche now (a message), or None."""
    current = open_request(tranche)
    if current is not None:
        if current.status == "paid":
            return _("This tranche has been paid already.")
        return _("This tranche has an open payment request already.")
    return tranche_refusal(tranche)


# -- raising a request -----------------------------------------------------------------------------
def _check_invoice(filename: str | None, data: bytes) -> str:
    if not data:
        raise _field_error("invoice", _("The invoice file is empty.") if filename
                           else _("Attach the organisation's invoice."))
    if len(data) > files.MAX_FILE_BYTES:
        raise _field_error("invoice", _("The file is larger than 10 MB."))
    content_type = files.detect_type(data)
    if content_type not in INVOICE_TYPES:
        raise _field_error("invoice", _("Attach the invoice as a PDF, JPEG or PNG file."))
    return content_type


def request(actor, tranche: Tranche, invoice_amount: Decimal | None, filename: str | None,
            data: bytes) -> Disbursement:
    """Staff ask finance to pay `tranche` (amount = the tranche amount) with the invoice attached."""
    if not _is_staff(actor):
        raise ServiceError(_("Only programme staff can request a payment."))
    if invoice_amount is None:
        raise _field_error("invoice_amount", _("Enter the amount on the invoice."))
    content_type = _check_invoice(filename, data)
    with atomic():
        contract = tranche.contract
        lock(contract)
        lock(tranche)
        if quantize(invoice_amount) != tranche.amount:
            raise _field_error("invoice_amount", _(
                "The invoice is for %(invoice)s but the tranche is %(tranche)s: the amounts must be equal.",
                invoice=format_yuan(invoice_amount), tranche=format_yuan(tranche.amount)))
        reason = request_refusal(tranche)
        if reason:
            raise ServiceError(reason)
        if committed_total(contract.id) + tranche.amount > contract.amount:
            raise ServiceError(_("This request would take the payments above the awarded amount."))
        stored = files.store(data, content_type)
        disbursement = Disbursement(tranche_id=tranche.id, contract_id=contract.id, status="requested",
                                    amount=tranche.amount, invoice_file_id=stored.id,
                                    invoice_name=files.sanitise_name(filename, content_type),
                                    requested_by_id=actor.id, requested_at=now_utc())
        db.session.add(disbursement)
        try:
            db.session.flush()
        except IntegrityError:
            raise ServiceError(_("This tranche has an open payment request already.")) from None
        notify(actor, disbursement, "disbursement.request", to_status="requested", to=_finance_users(),
               template="disbursement_requested", kind="disbursement.requested",
               context={"disbursement": _mail_facts(disbursement)},
               data={"tranche": tranche.number, "amount": str(tranche.amount), "sha256": stored.sha256})
    return disbursement


# -- finance decisions -----------------------------------------------------------------------------
def approval_step(disbursement: Disbursement) -> str | None:
    """The approval a request waits for: approved (below the threshold, or the second approval),
    first_approved (at or above it), or None when it waits for no approval."""
    if disbursement.status == "requested":
        return "approved" if disbursement.amount < _threshold() else "first_approved"
    if disbursement.status == "first_approved":
        return "approved"
    return None


def approval_refusal(actor, disbursement: Disbursement) -> str | None:
    target = approval_step(disbursement)
    if target is None:
        return _("This request is not waiting for an approval.")
    return DISBURSEMENT.refusal(disbursement, target, actor)


def approve(actor, disbursement: Disbursement) -> Disbursement:
    """Approve (below the threshold), give the first approval (at or above it), or the second."""
    with atomic():
        lock(disbursement.contract)
        lock(disbursement)
        target = approval_step(disbursement)
        if target is None:
            raise ServiceError(_("This request is not waiting for an approval."))
        second = disbursement.status == "first_approved"
        now = now_utc()
        transition(DISBURSEMENT, disbursement, target, actor, data={"amount": str(disbursement.amount)})
        if second:
            disbursement.second_approver_id = actor.id
            disbursement.second_approved_at = now
        else:
            disbursement.first_approver_id = actor.id
            disbursement.first_approved_at = now
        db.session.flush()
    return disbursement


def return_request(actor, disbursement: Disbursement, reason: str | None) -> Disbursement:
    reason = (reason or "").strip()
    if not reason:
        raise _field_error("reason", _("Say why the request is returned, so staff can put it right."))
    if len(reason) > MAX_REASON:
        raise _field_error("reason", _("At most %(n)d characters.", n=MAX_REASON))
    with atomic():
        lock(disbursement.contract)
        lock(disbursement)
        disbursement.returned_reason = reason
        transition(DISBURSEMENT, disbursement, "returned", actor, note=reason,
                   to=[u for u in (db.session.get(User, disbursement.requested_by_id),) if u is not None],
                   template="disbursement_returned", kind="disbursement.returned",
                   context={"disbursement": _mail_facts(disbursement), "reason": reason})
    return disbursement


def _clean_reference(reference: str | None) -> str:
    text = fold(reference or "").strip()
    if not text:
        raise _field_error("reference", _("Enter the bank reference or voucher number."))
    if len(text) > MAX_REFERENCE:
        raise _field_error("reference", _("At most %(n)d characters.", n=MAX_REFERENCE))
    if any(not ch.isprintable() for ch in text):
        raise _field_error("reference", _("The reference contains characters that cannot be printed."))
    return text


def record_payment(actor, disbursement: Disbursement, paid_on: date | None, reference: str | None,
                   today: date | None = None) -> Disbursement:
    """Finance record that the bank paid: the date and the bank reference → paid (never changes again)."""
    today = today or local_today()
    reference = _clean_reference(reference)
    if paid_on is None:
        raise _field_error("paid_on", _("Enter the date of payment."))
    if paid_on > today:
        raise _field_error("paid_on", _("The date of payment cannot be in the future."))
    with atomic():
        lock(disbursement.contract)
        lock(disbursement)
        requested_on = to_local(disbursement.requested_at).date()
        if disbursement.status == "approved" and paid_on < requested_on:
            raise _field_error("paid_on", _("The date of payment cannot be before the request (%(date)s).",
                                            date=requested_on.isoformat()))
        if db.session.scalar(select(Disbursement.id).where(Disbursement.tranche_id == disbursement.tranche_id,
                                                           Disbursement.status == "paid")):
            raise ServiceError(_("This tranche has been paid already."))
        refusal = DISBURSEMENT.refusal(disbursement, "paid", actor)
        if refusal:
            raise ServiceError(refusal)
        # Set before the step: once the row is paid nothing on it may change any more.
        disbursement.paid_on = paid_on
        disbursement.payment_reference = reference
        disbursement.paid_by_id = actor.id
        disbursement.paid_at = now_utc()
        transition(DISBURSEMENT, disbursement, "paid", actor,
                   data={"paid_on": paid_on.isoformat(), "reference": reference, "amount": str(disbursement.amount)},
                   to=_staff_users(), template="disbursement_paid", kind="disbursement.paid",
                   context={"disbursement": _mail_facts(disbursement)})
        try:
            db.session.flush()
        except IntegrityError:
            raise ServiceError(_("This tranche has been paid already.")) from None
    return disbursement


def payment_failed(actor, disbursement: Disbursement, reason: str | None) -> Disbursement:
    """The bank refused or returned the transfer: the request stays approved (to pay again), and
    the failure is in the audit log with its reason."""
    if not _is_finance(actor):
        raise ServiceError(_("You are not allowed to take this step."))
    reason = (reason or "").strip()
    if not reason:
        raise _field_error("reason", _("Say why the payment failed."))
    if len(reason) > MAX_REASON:
        raise _field_error("reason", _("At most %(n)d characters.", n=MAX_REASON))
    with atomic():
        lock(disbursement.contract)
        lock(disbursement)
        if disbursement.status != "approved":
            raise ServiceError(_("Only an approved request that is not paid yet can have a failed payment."))
        notify(actor, disbursement, "disbursement.payment_failed", note=reason,
               data={"amount": str(disbursement.amount)})
    return disbursement


def cancel_open(actor, contract: Contract, reason: str) -> int:
    """Cancel every live request of `contract` (when it is terminated); in the caller's transaction."""
    live = list(db.session.scalars(select(Disbursement).where(Disbursement.contract_id == contract.id,
                                                              Disbursement.status.in_(LIVE))
                                   .order_by(Disbursement.id)))
    for disbursement in live:
        transition(DISBURSEMENT, disbursement, "cancelled", actor, note=reason)
    return len(live)


# -- batch approval --------------------------------------------------------------------------------
@dataclass
class BatchResult:
    id: int
    ok: bool
    message: str


def batch_approve(actor, ids) -> list[BatchResult]:
    """Approve each request on its own (one transaction each): a refusal of one never stops the others."""
    results = []
    seen = []
    for raw in list(ids)[:MAX_BATCH]:
        try:
            ident = int(str(raw).strip())
        except ValueError:
            continue
        if ident in seen or ident <= 0 or ident > 2**31 - 1:
            continue
        seen.append(ident)
    for ident in seen:
        disbursement = db.session.get(Disbursement, ident)
        if disbursement is None:
            results.append(BatchResult(ident, False, _("No such request.")))
            continue
        try:
            approve(actor, disbursement)
        except ServiceError as exc:
            results.append(BatchResult(ident, False, exc.message))
        else:
            results.append(BatchResult(ident, True, str(DISBURSEMENT.label(disbursement.status))))
    return results


# -- queries ---------------------------------------------------------------------------------------
def _with_details(stmt):
    return stmt.options(joinedload(Disbursement.tranche),
                        joinedload(Disbursement.contract).joinedload(Contract.organisation),
                        joinedload(Disbursement.contract).joinedload(Contract.award).joinedload(Award.proposal))


def all_requests(status: str | None = None, call_id: int | None = None):
    stmt = select(Disbursement).order_by(Disbursement.requested_at.desc(), Disbursement.id.desc())
    if status in DISBURSEMENT.states:
        stmt = stmt.where(Disbursement.status == status)
    if call_id is not None:
        stmt = stmt.join(Contract, Contract.id == Disbursement.contract_id).where(Contract.call_id == call_id)
    return _with_details(stmt)


def awaiting(actor):
    """The requests waiting for `actor`'s action (oldest first). A request never waits for the
    person who raised it; a second approval never waits for the first approver, and waits only
    for finance_senior users."""
    if not _is_finance(actor):
        return _with_details(select(Disbursement).where(Disbursement.id.is_(None)))
    not_mine = or_(Disbursement.requested_by_id.is_(None), Disbursement.requested_by_id != actor.id)
    conditions = [and_(Disbursement.status == "requested", not_mine), Disbursement.status == "approved"]
    if actor.has_role("finance_senior"):
        conditions.append(and_(Disbursement.status == "first_approved", not_mine,
                               or_(Disbursement.first_approver_id.is_(None),
                                   Disbursement.first_approver_id != actor.id)))
    return _with_details(select(Disbursement).where(or_(*conditions))
                         .order_by(Disbursement.requested_at, Disbursement.id))


def waiting_count(actor) -> int:
    stmt = awaiting(actor).order_by(None).options()
    return db.session.scalar(select(func.count()).select_from(
        stmt.with_only_columns(Disbursement.id).subquery())) or 0


def of_contract(contract: Contract) -> list[Disbursement]:
    return list(db.session.scalars(select(Disbursement).where(Disbursement.contract_id == contract.id)
                                   .options(selectinload(Disbursement.tranche))
                                   .order_by(Disbursement.requested_at, Disbursement.id)))


def contracts_of_call(call: Call):
    return list(db.session.scalars(
        select(Contract).where(Contract.call_id == call.id, Contract.status.in_(("active", "terminated")))
        .options(joinedload(Contract.organisation), joinedload(Contract.award).joinedload(Award.proposal))
        .order_by(Contract.number)))


def amounts_by_status(contract_ids: list[int]) -> dict[int, dict[str, Decimal]]:
    """contract id → status → sum of its requests (one query)."""
    out: dict[int, dict[str, Decimal]] = {i: {} for i in contract_ids}
    if not contract_ids:
        return out
    for contract_id, status, amount in db.session.execute(
            select(Disbursement.contract_id, Disbursement.status, func.coalesce(func.sum(Disbursement.amount), 0))
            .where(Disbursement.contract_id.in_(contract_ids))
            .group_by(Disbursement.contract_id, Disbursement.status)):
        out[contract_id][status] = quantize(Decimal(amount or 0))
    return out


# -- the approval chain and the payment-approval PDF -----------------------------------------------
def chain(disbursement: Disbursement) -> list[dict]:
    """Who did what to the request, when (from the audit log, oldest first)."""
    events = db.session.scalars(select(AuditEvent).where(
        AuditEvent.object_type == "disbursement", AuditEvent.object_id == disbursement.id)
        .order_by(AuditEvent.at, AuditEvent.id))
    from grants.labels import action_label

    return [{"action": str(action_label(e.action)), "code": e.action, "name": e.actor.name if e.actor else "",
             "at": to_local(e.at).strftime("%Y-%m-%d %H:%M"), "note": e.note or ""} for e in events]


def approval_data(disbursement: Disbursement) -> dict:
    """The plain data the 付款审批单 is printed from."""
    from flask import current_app

    contract = disbursement.contract
    award = contract.award
    tranche = disbursement.tranche
    org = contract.organisation
    return {
        "funder": current_app.config["FUNDER_NAME"],
        "request_no": f"{contract.number}-{tranche.number:02d}-{disbursement.id}",
        "status": str(DISBURSEMENT.label(disbursement.status)),
        "call_title": contract.call.title,
        "project": award.proposal.title,
        "award_amount": quantize(award.amount),
        "contract_number": contract.number,
        "contract_amount": quantize(contract.amount),
        "organisation": org.name, "uscc": org.uscc,
        "bank": org.bank_name or "", "account": org.bank_account or "",
        "tranche": {"number": tranche.number, "count": len(tranches_of(contract)),
                    "percentage": tranche.percentage, "condition": tranche.condition},
        "amount": quantize(disbursement.amount),
        "paid_before": quantize(sum((d.amount for d in of_contract(contract)
                                     if d.status == "paid" and d.id != disbursement.id), Decimal(0))),
        "invoice": disbursement.invoice_name or "",
        "paid_on": disbursement.paid_on.isoformat() if disbursement.paid_on else "",
        "reference": disbursement.payment_reference or "",
        "chain": chain(disbursement),
        "printed_at": to_local(now_utc()).strftime("%Y-%m-%d %H:%M"),
    }


def approval_pdf(disbursement: Disbursement) -> bytes:
    """The payment-approval form (付款审批单), printed on demand from the request and its audit
    events: paid rows and audit events never change, so a paid request prints the same form every
    time (only the "printed at" line differs)."""
    from flask_babel import force_locale

    from grants.pdf import render

    with force_locale("zh_CN"):
        data = approval_data(disbursement)
    return render("payment_approval.html", data)


# -- mail helpers ----------------------------------------------------------------------------------
def _mail_facts(disbursement: Disbursement) -> dict:
    contract = db.session.get(Contract, disbursement.contract_id)
    tranche = db.session.get(Tranche, disbursement.tranche_id)
    return {"id": disbursement.id, "contract_number": contract.number, "tranche": tranche.number,
            "amount": format_yuan(disbursement.amount)}


def _users_with(*roles) -> list[User]:
    return list(db.session.scalars(select(User).join(UserRole, UserRole.user_id == User.id)
                                   .where(UserRole.role.in_(roles), User.active.is_(True))
                                   .distinct().order_by(User.id)))


def _finance_users() -> list[User]:
    return _users_with(*FINANCE_ROLES)


def _staff_users() -> list[User]:
    return _users_with("staff")

