"""What the department API publishes: calls, awards, contracts, payments and organisations'
public records (read:public), and grantees' bank accounts (read:private).

Only published facts are listed: calls once open (not drafts), awards once in public notice,
contracts once announced (in force or terminated), payments once paid, verified organisations.
No resource has a field for reviewers or their scores; an award carries only its frozen rank
and the aggregate score the public notice shows.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from grants.api.registry import (
    BOOL,
    DATE,
    DATETIME,
    INT,
    MONEY,
    STR,
    Filter,
    Resource,
    array,
    nullable,
    obj,
)
from grants.api.views import register
from grants.extensions import db
from grants.models import Award, Call, Contract, Disbursement, Organisation, SpotCheckDraw, SpotCheckItem, Tranche
from grants.models.api import READ_PRIVATE
from grants.timeutil import local_today


def _money(value) -> str | None:
    return None if value is None else f"{value:.2f}"


def _iso(value) -> str | None:
    return None if value is None else value.isoformat()


ORG_REF = obj(id=INT, name=STR, uscc=STR)


def _org_ref(org: Organisation) -> dict:
    return {"id": org.id, "name": org.name, "uscc": org.uscc}


# -- calls ----------------------------------------------------------------------------------------
def _call(call: Call, ctx) -> dict:
    return {"id": call.id, "title": call.title, "description": call.description, "status": call.status,
            "categories": list(call.categories or []), "budget_pool": _money(call.budget_pool),
            "per_project_cap": _money(call.per_project_cap), "opens_at": _iso(call.opens_at),
            "closes_at": _iso(call.closes_at)}


register(Resource(
    name="calls", summary="Calls for proposals (published ones: not drafts)",
    query=lambda: select(Call).where(Call.status != "draft").order_by(Call.id),
    serialise=_call,
    schema=obj(id=INT, title=STR, description=STR, status=STR, categories=array(STR), budget_pool=MONEY,
               per_project_cap=MONEY, opens_at=DATETIME, closes_at=DATETIME),
    filters=(Filter("status", lambda: Call.status, "string", "open, closed, decided or archived"),),
))


# -- awards ---------------------------------------------------------------------------------------
PUBLISHED_AWARDS = ("in_notice", "confirmed", "cancelled")


def _award(award: Award, ctx) -> dict:
    basis = award.basis or {}
    return {"id": award.id, "call_id": award.call_id, "call_title": award.call.title,
            "organisation": _org_ref(award.organisation), "project_title": award.proposal.title,
            "category": award.proposal.category, "amount": _money(award.amount), "status": award.status,
            "decided_at": _iso(award.decided_at), "confirmed_at": _iso(award.confirmed_at),
            "rank": basis.get("rank"), "score": None if basis.get("score") is None else str(basis.get("score"))}


register(Resource(
    name="awards", summary="Awards (立项) once published for public notice: in notice, confirmed or cancelled",
    query=lambda: (select(Award).where(Award.status.in_(PUBLISHED_AWARDS))
                   .options(joinedload(Award.call), joinedload(Award.organisation), joinedload(Award.proposal))
                   .order_by(Award.id)),
    serialise=_award,
    schema=obj(id=INT, call_id=INT, call_title=STR, organisation=ORG_REF, project_title=STR,
               category=nullable(STR), amount=MONEY, status=STR, decided_at=DATETIME,
               confirmed_at=nullable(DATETIME), rank=nullable(INT),
               score=nullable({"type": "string", "description": "The aggregate score at decision time"})),
    filters=(Filter("call_id", lambda: Award.call_id), Filter("organisation_id", lambda: Award.organisation_id),
             Filter("status", lambda: Award.status, "string")),
))


# -- contracts ------------------------------------------------------------------------------------
PUBLISHED_CONTRACTS = ("active", "terminated")


def _tranches(contracts) -> dict:
    ids = [c.id for c in contracts]
    tranches: dict[int, list] = {}
    for tranche in db.session.scalars(select(Tranche).where(Tranche.contract_id.in_(ids))
                                      .order_by(Tranche.contract_id, Tranche.number)):
        tranches.setdefault(tranche.contract_id, []).append(tranche)
    paid = dict(db.session.execute(select(Disbursement.tranche_id, Disbursement.paid_on)
                                   .where(Disbursement.contract_id.in_(ids), Disbursement.status == "paid")).all())
    return {"tranches": tranches, "paid": paid}


def _contract(contract: Contract, ctx) -> dict:
    paid = ctx.extra.get("paid", {})
    return {"id": contract.id, "number": contract.number, "award_id": contract.award_id,
            "call_id": contract.call_id, "organisation": _org_ref(contract.organisation),
            "amount": _money(contract.amount), "status": contract.status, "starts_on": _iso(contract.starts_on),
            "ends_on": _iso(contract.ends_on), "signed_on": _iso(contract.signed_on),
            "announced_on": _iso(contract.announced_on),
            "tranches": [{"number": t.number, "percentage": t.percentage, "amount": _money(t.amount),
                          "condition": t.condition, "milestone_number": t.milestone_number,
                          "paid_on": _iso(paid.get(t.id))}
                         for t in ctx.extra.get("tranches", {}).get(contract.id, [])]}


register(Resource(
    name="contracts", summary="Contracts once announced (in force or terminated), with their tranches",
    query=lambda: (select(Contract).where(Contract.status.in_(PUBLISHED_CONTRACTS))
                   .options(joinedload(Contract.organisation)).order_by(Contract.id)),
    serialise=_contract, prefetch=_tranches,
    schema=obj(id=INT, number=STR, award_id=INT, call_id=INT, organisation=ORG_REF, amount=MONEY, status=STR,
               starts_on=nullable(DATE), ends_on=nullable(DATE), signed_on=nullable(DATE),
               announced_on=nullable(DATE),
               tranches=array(obj(number=INT, percentage=INT, amount=MONEY, condition=STR,
                                  milestone_number=nullable(INT), paid_on=nullable(DATE)))),
    filters=(Filter("call_id", lambda: Contract.call_id), Filter("organisation_id", lambda: Contract.organisation_id),
             Filter("number", lambda: Contract.number, "string")),
))


# -- payments -------------------------------------------------------------------------------------
def _payment(d: Disbursement, ctx) -> dict:
    org = d.contract.organisation
    out = {"id": d.id, "contract_id": d.contract_id, "contract_number": d.contract.number,
           "tranche_number": d.tranche.number, "organisation": _org_ref(org), "amount": _money(d.amount),
           "paid_on": _iso(d.paid_on)}
    if ctx.private:
        out.update(payment_reference=d.payment_reference, bank_name=org.bank_name, bank_account=org.bank_account)
    return out


register(Resource(
    name="payments", summary="Payments made (paid disbursements of tranches)",
    description="Requests still in approval are not listed: only money paid.",
    query=lambda: (select(Disbursement).where(Disbursement.status == "paid")
                   .options(joinedload(Disbursement.contract).joinedload(Contract.organisation),
                            joinedload(Disbursement.tranche))
                   .order_by(Disbursement.id)),
    serialise=_payment,
    schema=obj(("payment_reference", "bank_name", "bank_account"), id=INT, contract_id=INT, contract_number=STR,
               tranche_number=INT, organisation=ORG_REF, amount=MONEY, paid_on=DATE,
               payment_reference=nullable(STR), bank_name=nullable(STR), bank_account=nullable(STR)),
    filters=(Filter("contract_id", lambda: Disbursement.contract_id),),
))


# -- organisations --------------------------------------------------------------------------------
def _organisation(org: Organisation, ctx) -> dict:
    out = {"id": org.id, "name": org.name, "short_name": org.short_name, "uscc": org.uscc,
           "org_type": org.org_type, "registration_date": _iso(org.registration_date), "district": org.district,
           "grade": org.effective_grade(local_today()), "grade_assessed_on": _iso(org.grade_assessed_on),
           "blacklisted": bool(org.blacklisted), "blacklisted_on": _iso(org.blacklisted_on),
           "annual_inspections": [{"year": i.year, "result": i.result} for i in org.inspections]}
    if ctx.private:
        out.update(legal_representative=org.legal_representative, address=org.address, bank_name=org.bank_name,
                   bank_account=org.bank_account)
    return out


register(Resource(
    name="organisations", summary="Verified social organisations: their public registration records",
    query=lambda: (select(Organisation).where(Organisation.status == "verified")
                   .options(selectinload(Organisation.inspections)).order_by(Organisation.id)),
    serialise=_organisation,
    schema=obj(("legal_representative", "address", "bank_name", "bank_account"),
               id=INT, name=STR, short_name=nullable(STR), uscc=STR, org_type=STR, registration_date=DATE,
               district=nullable(STR), grade={"type": "integer", "minimum": 0, "maximum": 5,
                                              "description": "等级评估 in force today (0: none or expired)"},
               grade_assessed_on=nullable(DATE), blacklisted=BOOL, blacklisted_on=nullable(DATE),
               annual_inspections=array(obj(year=INT, result=STR)), legal_representative=STR, address=STR,
               bank_name=nullable(STR), bank_account=nullable(STR)),
    filters=(Filter("uscc", lambda: Organisation.uscc, "string"),
             Filter("district", lambda: Organisation.district, "string")),
))


# -- bank accounts (read:private) -----------------------------------------------------------------
def _bank_account(org: Organisation, ctx) -> dict:
    return {"organisation": _org_ref(org), "bank_name": org.bank_name, "bank_account": org.bank_account}


register(Resource(
    name="bank-accounts", summary="Grantees' bank accounts (organisations holding an announced contract)",
    description="For audit and finance departments: needs the read:private scope.",
    scope=READ_PRIVATE,
    query=lambda: (select(Organisation)
                   .where(Organisation.id.in_(select(Contract.organisation_id)
                                              .where(Contract.status.in_(PUBLISHED_CONTRACTS))))
                   .order_by(Organisation.id)),
    serialise=_bank_account,
    schema=obj(organisation=ORG_REF, bank_name=nullable(STR), bank_account=nullable(STR)),
    filters=(Filter("uscc", lambda: Organisation.uscc, "string"),),
))


# -- spot checks (双随机) -----------------------------------------------------------------------------
def _spot_check(draw: SpotCheckDraw, ctx) -> dict:
    def result(item):
        r = item.result
        return None if r is None else {
            "findings": r.findings, "rating": r.rating, "rectification_required": bool(r.rectification_required),
            "rectification_due_on": _iso(r.rectification_due_on), "closed_on": _iso(r.closed_on)}

    return {"id": draw.id, "period": draw.period, "population": draw.population, "draw_date": _iso(draw.draw_date),
            "nonce": draw.nonce, "seed": draw.seed, "algorithm": draw.algorithm,
            "candidate_count": draw.candidate_count, "document_count": draw.document_count,
            "onsite_count": draw.onsite_count,
            "items": [{"organisation": _org_ref(item.organisation), "award_id": item.award_id,
                       "onsite": bool(item.onsite), "inspectors": [a.inspector.name for a in item.inspectors],
                       "result": result(item)} for item in draw.items]}


SPOT_RESULT = obj(findings=STR, rating=STR, rectification_required=BOOL, rectification_due_on=nullable(DATE),
                  closed_on=nullable(DATE))

register(Resource(
    name="spot-checks", summary="双随机 spot-check draws: inputs, seed, sample, inspectors and results",
    description="The same facts as the public draw pages; a draw can be re-run from its inputs.",
    query=lambda: (select(SpotCheckDraw)
                   .options(selectinload(SpotCheckDraw.items).selectinload(SpotCheckItem.organisation),
                            selectinload(SpotCheckDraw.items).selectinload(SpotCheckItem.inspectors),
                            selectinload(SpotCheckDraw.items).selectinload(SpotCheckItem.result))
                   .order_by(SpotCheckDraw.id)),
    serialise=_spot_check,
    schema=obj(id=INT, period=STR, population=STR, draw_date=DATE, nonce=STR, seed=STR, algorithm=STR,
               candidate_count=INT, document_count=INT, onsite_count=INT,
               items=array(obj(organisation=ORG_REF, award_id=nullable(INT), onsite=BOOL, inspectors=array(STR),
                               result=nullable(SPOT_RESULT)))),
    filters=(Filter("period", lambda: SpotCheckDraw.period, "string"),),
))
