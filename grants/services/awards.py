"""Award decisions (立项), public notice (公示), objections (异议) and confirmation.

The money rules, each enforced here and re-checked under the call's row lock whenever the
call's committed total can grow (proposing, changing an amount, publishing, confirming):
- an award is more than zero, at most what was requested and at most the call's cap;
- the call's awards that are proposed, in notice or confirmed add up to at most its budget pool.
Two staff deciding at the same moment therefore cannot together exceed the pool: the second
waits for the first's lock and sees its award in the total.

The notice runs for the call's number of working days (weekends and PUBLIC_HOLIDAYS skipped),
starting on the first working day on or after publication; it ends at 23:59:59 Beijing time on
its last day. Staff confirm after that, when no objection is pending.
"""
from __future__ import annotations

import secrets
from datetime import date, datetime
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from grants.extensions import db
from grants.models import Award, AwardNotice, Call, Objection, Proposal
from grants.money import format_yuan, quantize
from grants.services import ServiceError, atomic, lock
from grants.services.notify import notify
from grants.services.people import members_of as _members
from grants.services.people import staff_users as _staff_users
from grants.services.workflow import transition
from grants.timeutil import add_working_days, end_of_local_day, is_working_day, local_today, now_utc, to_local
from grants.workflows import AWARD, CALL, OBJECTION, PROPOSAL

# Awards that hold money of the pool (everything but withdrawn and cancelled).
COMMITTED = ("proposed", "in_notice", "confirmed")
OBJECTION_TEXT_MAX = 5000


# -- queries ----------------------------------------------------------------------------------
def awards_of(call: Call, statuses=None) -> list[Award]:
    stmt = (select(Award).options(joinedload(Award.proposal), joinedload(Award.organisation))
            .where(Award.call_id == call.id).order_by(Award.id))
    if statuses:
        stmt = stmt.where(Award.status.in_(statuses))
    return list(db.session.scalars(stmt))


def award_of(proposal: Proposal) -> Award | None:
    return db.session.scalar(select(Award).where(Award.proposal_id == proposal.id))


def notice_of(call: Call) -> AwardNotice | None:
    return db.session.scalar(select(AwardNotice).where(AwardNotice.call_id == call.id))


def totals(call: Call) -> dict[str, Decimal]:
    """Money of a call's awards: pool, proposed (incl. in notice), awarded (confirmed), remaining."""
    from grants.services.finance import totals_by_call

    return totals_by_call([call.id])[call.id]


def _committed_total(call: Call, exclude_award_id: int | None = None) -> Decimal:
    stmt = select(func.coalesce(func.sum(Award.amount), 0)).where(Award.call_id == call.id,
                                                                   Award.status.in_(COMMITTED))
    if exclude_award_id is not None:
        stmt = stmt.where(Award.id != exclude_award_id)
    return quantize(Decimal(db.session.scalar(stmt) or 0))


def pending_objections(call: Call) -> int:
    return db.session.scalar(select(func.count(Objection.id)).where(Objection.call_id == call.id,
                                                                     Objection.status == "pending")) or 0


def objections_of(call: Call) -> list[Objection]:
    return list(db.session.scalars(select(Objection).options(joinedload(Objection.award).joinedload(Award.proposal))
                                   .where(Objection.call_id == call.id).order_by(Objection.lodged_at, Objection.id)))


# -- rules ------------------------------------------------------------------------------------
def _staff(actor) -> None:
    if actor is None or not actor.has_role("staff", "admin"):
        raise ServiceError(_("Only programme staff can decide awards."))


def amount_errors(call: Call, proposal: Proposal, amount, exclude_award_id: int | None = None) -> list[str]:
    """Every money rule the amount breaks (call's committed total read as it is now)."""
    if amount is None:
        return [_("Enter the amount to award.")]
    amount = quantize(amount)
    errors = []
    if amount <= 0:
        errors.append(_("The amount must be more than zero."))
    if proposal.amount_requested is not None and amount > proposal.amount_requested:
        errors.append(_("The amount is more than the %(requested)s requested.",
                        requested=format_yuan(proposal.amount_requested)))
    if amount > call.per_project_cap:
        errors.append(_("The amount is more than the call's cap of %(cap)s per project.",
                        cap=format_yuan(call.per_project_cap)))
    committed = _committed_total(call, exclude_award_id)
    if committed + amount > call.budget_pool:
        errors.append(_("The call's awards would come to %(total)s, more than its budget pool of %(pool)s "
                        "(%(left)s left).", total=format_yuan(committed + amount),
                        pool=format_yuan(call.budget_pool), left=format_yuan(call.budget_pool - committed)))
    return errors


def _basis(call: Call, proposal: Proposal) -> dict:
    """What the decision is based on, frozen: the proposal's row of the ranking as it is now."""
    from grants.services import ranking

    result = ranking.compute(call)
    row = next((r for r in result.rows if r.proposal_id == proposal.id), None)

    def text(value):
        return None if value is None else str(value)

    data = {
        "computed_at": now_utc().isoformat(),
        "method": result.method,
        "proposals_ranked": len(result.rows),
        "budget_pool": str(result.budget_pool),
        "call_mean": text(result.call_mean),
        "call_sd": text(result.call_sd),
        "calibrated_reviewers": result.calibrated_reviewers,
    }
    if row is not None:
        data.update({
            "rank": row.rank, "score": text(row.score), "reviews": row.n, "mean": text(row.mean),
            "median": text(row.median), "trimmed": text(row.trimmed), "calibrated": text(row.calibrated),
            "sd": text(row.sd), "low": text(row.low), "high": text(row.high),
            "totals": [str(t) for t in row.totals], "incomplete": row.incomplete,
            "recommended_by_ranking": row.recommended, "amount_requested": str(row.amount_requested),
        })
    return data


def decision_refusal(call: Call) -> str | None:
    """Why awards of this call cannot be proposed or changed now, or None."""
    if call.status != "closed":
        return _("Awards are decided once the call has closed, before results are final.")
    if notice_of(call) is not None:
        return _("The notice has been published: proposed awards can no longer be changed.")
    return None


def confirmation_refusal(call: Call, now: datetime | None = None) -> str | None:
    """Why the awards of this call cannot be confirmed now, or None."""
    now = now or now_utc()
    notice = notice_of(call)
    if notice is None:
        return _("Publish the notice first.")
    if now <= end_of_local_day(notice.ends_on):
        return _("The notice runs until %(end)s; awards can be confirmed after it ends.",
                 end=notice.ends_on.isoformat())
    if pending_objections(call):
        return _("Resolve every pending objection before confirming.")
    return None


def notice_dates(published_on: date, working_days: int) -> tuple[date, date]:
    """First and last day of a notice of `working_days` working days published on a date."""
    start = published_on
    while not is_working_day(start):
        start = date.fromordinal(start.toordinal() + 1)
    return start, add_working_days(start, max(working_days, 1) - 1)


# -- decisions ----------------------------------------------------------------------------------
def propose(actor, call: Call, proposal: Proposal, amount, note: str = "") -> Award:
    """Staff propose to fund a screened-in proposal with an amount; the ranking row is frozen."""
    _staff(actor)
    if proposal.call_id != call.id:
        raise ServiceError(_("Choose a proposal of this call."))
    with atomic():
        lock(call)
        refusal = decision_refusal(call)
        if refusal:
            raise ServiceError(refusal)
        lock(proposal)
        if award_of(proposal) is not None:
            raise ServiceError(_("This proposal has an award decision already."))
        errors = amount_errors(call, proposal, amount)
        if errors:
            raise ServiceError(errors[0], {"amount": errors})
        award = Award(call_id=call.id, proposal_id=proposal.id, organisation_id=proposal.organisation_id,
                      status="proposed", amount=quantize(amount), decision_note=(note or "").strip(),
                      basis=_basis(call, proposal), decided_by_id=actor.id, decided_at=now_utc())
        db.session.add(award)
        db.session.flush()
        transition(PROPOSAL, proposal, "recommended", actor, data={"award_id": award.id})
        notify(actor, award, "award.propose", to_status="proposed", note=award.decision_note or None,
               data={"amount": str(award.amount), "rank": award.basis.get("rank"),
                     "score": award.basis.get("score"), "method": award.basis.get("method")})
    return award


def change_amount(actor, award: Award, amount, note: str = "") -> Award:
    _staff(actor)
    call = award.call
    with atomic():
        lock(call)
        refusal = decision_refusal(call)
        if refusal:
            raise ServiceError(refusal)
        lock(award)
        if award.status != "proposed":
            raise ServiceError(_("Only a proposed award can be changed."))
        errors = amount_errors(call, award.proposal, amount, exclude_award_id=award.id)
        if errors:
            raise ServiceError(errors[0], {"amount": errors})
        before = award.amount
        award.amount = quantize(amount)
        if note and note.strip():
            award.decision_note = note.strip()
        notify(actor, award, "award.change_amount", data={"before": str(before), "after": str(award.amount)},
               note=(note or "").strip() or None)
    return award


def withdraw(actor, award: Award, note: str = "") -> Award:
    """Take back a proposed award before the notice (the proposal returns to the ranking)."""
    _staff(actor)
    call = award.call
    with atomic():
        lock(call)
        refusal = decision_refusal(call)
        if refusal:
            raise ServiceError(refusal)
        transition(AWARD, award, "withdrawn", actor, note=(note or "").strip() or None)
        transition(PROPOSAL, award.proposal, "screened_in", actor, data={"award_id": award.id})
    return award




def publish_notice(actor, call: Call, today: date | None = None) -> AwardNotice:
    """Publish the proposed awards for public notice; every other screened-in proposal of the
    call is declined (not funded) and its organisation told."""
    _staff(actor)
    today = today or local_today()
    with atomic():
        lock(call)
        refusal = decision_refusal(call)
        if refusal:
            raise ServiceError(refusal)
        proposed = awards_of(call, ("proposed",))
        if not proposed:
            raise ServiceError(_("Propose at least one award before publishing the notice."))
        if _committed_total(call) > call.budget_pool:  # cannot happen through this service; a backstop
            raise ServiceError(_("The proposed awards exceed the budget pool."))
        starts_on, ends_on = notice_dates(today, call.notice_working_days)
        notice = AwardNotice(call_id=call.id, starts_on=starts_on, ends_on=ends_on,
                             working_days=call.notice_working_days, published_by_id=actor.id)
        db.session.add(notice)
        db.session.flush()
        for award in proposed:
            transition(AWARD, award, "in_notice", actor, to=_members(award.organisation_id),
                       template="award_in_notice", kind="award.in_notice",
                       context={"award": award, "notice": notice, "call": call})
        declined = list(db.session.scalars(select(Proposal).where(Proposal.call_id == call.id,
                                                                  Proposal.status == "screened_in")
                                           .order_by(Proposal.id)))
        for proposal in declined:
            transition(PROPOSAL, proposal, "not_funded", actor, to=_members(proposal.organisation_id),
                       template="proposal_not_funded", kind="proposal.not_funded",
                       context={"proposal": proposal, "call": call})
        notify(actor, call, "award.publish_notice",
               data={"starts_on": starts_on.isoformat(), "ends_on": ends_on.isoformat(),
                     "awards": [a.id for a in proposed], "declined": [p.id for p in declined]})
    return notice


def confirm(actor, call: Call, now: datetime | None = None) -> list[Award]:
    """After the notice, with no objection pending: confirm every award still in notice."""
    _staff(actor)
    now = now or now_utc()
    with atomic():
        lock(call)
        refusal = confirmation_refusal(call, now)
        if refusal:
            raise ServiceError(refusal)
        awards = awards_of(call, ("in_notice",))
        if not awards:
            raise ServiceError(_("No award is waiting for confirmation."))
        if _committed_total(call) > call.budget_pool:
            raise ServiceError(_("The awards exceed the budget pool."))
        for award in awards:
            award.confirmed_at = now
            transition(AWARD, award, "confirmed", actor, now=now, to=_members(award.organisation_id),
                       template="award_confirmed", kind="award.confirmed", context={"award": award, "call": call})
            transition(PROPOSAL, award.proposal, "awarded", actor, data={"award_id": award.id})
        notice = notice_of(call)
        notice.confirmed_at = now
        if call.status == "closed":
            transition(CALL, call, "decided", actor, note="awards confirmed")
    return awards


# -- objections -----------------------------------------------------------------------------------
def _reference(call: Call) -> str:
    return f"YY-{to_local(now_utc()).year}-{call.id:04d}-{secrets.token_hex(3).upper()}"




def objection_window_refusal(call: Call, now: datetime | None = None) -> str | None:
    now = now or now_utc()
    notice = notice_of(call)
    if notice is None or notice.confirmed_at is not None:
        return _("This call has no notice open for objections.")
    if now > end_of_local_day(notice.ends_on):
        return _("The notice period has ended; objections are no longer accepted.")
    return None


def lodge_objection(call: Call, *, name: str, contact: str, text: str, award_id: int | None = None,
                    now: datetime | None = None) -> Objection:
    """Anyone objects during the notice; the objector gets a reference number."""
    name, contact, text = (name or "").strip(), (contact or "").strip(), (text or "").strip()
    errors: dict[str, list] = {}
    if not name:
        errors["name"] = [_("Give your name.")]
    elif len(name) > 100:
        errors["name"] = [_("At most %(n)d characters.", n=100)]
    if not contact:
        errors["contact"] = [_("Give a phone number or e-mail address so the bureau can reply.")]
    elif len(contact) > 200:
        errors["contact"] = [_("At most %(n)d characters.", n=200)]
    if not text:
        errors["text"] = [_("Describe the objection and the facts behind it.")]
    elif len(text) > OBJECTION_TEXT_MAX:
        errors["text"] = [_("At most %(n)d characters.", n=OBJECTION_TEXT_MAX)]
    award = None
    if award_id is not None:
        award = db.session.get(Award, award_id) if award_id > 0 else None
        if award is None or award.call_id != call.id or award.status != "in_notice":
            errors["award_id"] = [_("Choose one of the awards in this notice.")]
    if errors:
        raise ServiceError(_("Please correct the marked fields."), errors)
    refusal = objection_window_refusal(call, now)
    if refusal:
        raise ServiceError(refusal)
    with atomic():
        objection = Objection(reference=_reference(call), call_id=call.id, award_id=award.id if award else None,
                              status="pending", name=name, contact=contact, text=text, lodged_at=now or now_utc())
        db.session.add(objection)
        db.session.flush()
        notify(None, objection, "objection.lodge", to_status="pending", to=_staff_users(),
               template="objection_lodged", kind="objection.lodged", context={"objection": objection, "call": call},
               data={"call_id": call.id, "award_id": objection.award_id})
    return objection


def resolve_objection(actor, objection: Objection, *, upheld: bool, resolution: str) -> Objection:
    """Staff uphold (the award is cancelled, the applicant told) or dismiss (reason recorded)."""
    _staff(actor)
    resolution = (resolution or "").strip()
    if not resolution:
        msg = _("Give the reasons for the decision; they are published with the outcome.")
        raise ServiceError(msg, {"resolution": [msg]})
    if upheld and objection.award_id is None:
        msg = _("This objection is about the notice as a whole; to cancel an award, it must name one.")
        raise ServiceError(msg)
    with atomic():
        lock(db.session.get(Call, objection.call_id))
        objection.resolution = resolution
        objection.resolved_by_id = actor.id
        objection.resolved_at = now_utc()
        transition(OBJECTION, objection, "upheld" if upheld else "dismissed", actor, note=resolution)
        if upheld:
            award = objection.award
            award.cancelled_reason = resolution
            transition(AWARD, award, "cancelled", actor, note=resolution, to=_members(award.organisation_id),
                       template="award_cancelled", kind="award.cancelled",
                       context={"award": award, "call": award.call, "reason": resolution})
            transition(PROPOSAL, award.proposal, "not_funded", actor, data={"award_id": award.id})
    return objection


# -- pages --------------------------------------------------------------------------------------
def decision_rows(call: Call):
    """The ranking of the call with each proposal's award (if any), for the decision page."""
    from grants.services import ranking

    result = ranking.compute(call)
    by_proposal = {a.proposal_id: a for a in awards_of(call)}
    return result, [(row, by_proposal.get(row.proposal_id)) for row in result.rows]


def public_notice(call: Call) -> dict | None:
    """What the public notice page shows (no private data: no objector identity, no scores by reviewer)."""
    notice = notice_of(call)
    if notice is None:
        return None
    awards = awards_of(call, ("in_notice", "confirmed", "cancelled"))
    orgs = {a.organisation_id: a.organisation for a in awards}
    resolved = [o for o in objections_of(call) if o.status != "pending"]
    return {"notice": notice, "awards": awards, "organisations": orgs, "resolved": resolved,
            "pending": pending_objections(call)}
