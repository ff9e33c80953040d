"""Public disclosure (信息公开): what anyone may see without logging in, and the two records that
feed the organisation page besides registration — staff-recorded enforcement records and the
organisation's own annual disclosure (draft → submitted → approved / returned, public once
approved).

What is public and what never is:
- public: confirmed awards (organisation, project, call, category, district, amount), money paid
  (sum and dates of paid disbursements), milestones and whether they were reported, contract
  announcement dates, submitted evaluations (conclusion and overall score), award notices and how
  objections were resolved, registration facts (name, USCC, type, registration date, district),
  annual inspections, grade and its validity, the 失信 flag, enforcement records not withdrawn,
  approved annual disclosures;
- never: bank details, contact person, phone, e-mail, address (also the registered address: it
  is often a home), reviewers (names or individual scores), evaluators' names, objectors' names
  and contacts, invoices, payment references, report narratives and evidence.

Every list loads in a constant number of SQL statements: the page's awards with their
organisation, proposal and call in one query, then one aggregate per kind of fact for all of them.

"Year" on public pages is the funding year: the year (Beijing time) the award was confirmed
(or decided, for awards confirmed before confirmation dates were kept).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager, joinedload

from grants import permissions
from grants.extensions import db
from grants.labels import CATEGORY_LABELS, DISTRICTS
from grants.models import (
    AnnualDisclosure,
    Award,
    AwardNotice,
    Call,
    Contract,
    Disbursement,
    EnforcementRecord,
    Evaluation,
    Milestone,
    Objection,
    Organisation,
    Proposal,
    Report,
    Tranche,
)
from grants.models.disclosure import ENFORCEMENT_KINDS
from grants.models.organisation import GRADE_VALID_YEARS
from grants.services import ServiceError, atomic, lock, spotchecks
from grants.services.audit import record
from grants.services.reports import members
from grants.services.workflow import transition
from grants.timeutil import local_to_utc, local_today, now_utc, to_local
from grants.workflows import DISCLOSURE

ZERO = Decimal("0")
FIRST_YEAR = 2000


# -- the funding year ------------------------------------------------------------------------------
def _award_date():
    return func.coalesce(Award.confirmed_at, Award.decided_at)


def award_day(award: Award) -> date:
    return to_local(award.confirmed_at or award.decided_at).date()


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """The UTC instants where Beijing year `year` begins and the next one begins."""
    return local_to_utc(datetime(year, 1, 1)), local_to_utc(datetime(year + 1, 1, 1))


# -- filters ---------------------------------------------------------------------------------------
@dataclass
class Filters:
    year: int | None = None
    call_id: int | None = None
    category: str | None = None
    district: str | None = None
    organisation_id: int | None = None

    def query_args(self) -> dict:
        return {k: v for k, v in (("year", self.year), ("call", self.call_id), ("category", self.category),
                                  ("district", self.district)) if v is not None}


def _int(value) -> int | None:
    text = (value or "").strip()
    if text.isascii() and text.isdigit() and len(text) <= 9:
        return int(text)
    return None


def parse_filters(args) -> Filters:
    """Filters from query arguments; anything unknown is ignored (never an error page)."""
    year = _int(args.get("year"))
    category = args.get("category")
    district = args.get("district")
    return Filters(year=year if year is not None and FIRST_YEAR <= year <= 2100 else None,
                   call_id=_int(args.get("call")),
                   category=category if category in CATEGORY_LABELS else None,
                   district=district if district in DISTRICTS else None)


def filter_options() -> dict:
    """Choices for the filter form: years and calls that have confirmed awards (two statements)."""
    first, last = db.session.execute(select(func.min(_award_date()), func.max(_award_date()))
                                     .where(Award.status == "confirmed")).one()
    years = list(range(to_local(last).year, to_local(first).year - 1, -1)) if first and last else []
    calls = db.session.execute(select(Call.id, Call.title).where(Call.id.in_(
        select(Award.call_id).where(Award.status == "confirmed"))).order_by(Call.opens_at.desc(), Call.id.desc())).all()
    return {"years": years, "calls": calls, "categories": list(CATEGORY_LABELS.items()), "districts": DISTRICTS}


# -- funded projects -------------------------------------------------------------------------------
def funded_projects(filters: Filters | None = None):
    """Confirmed awards, newest first, with organisation, proposal and call in the same query."""
    filters = filters or Filters()
    stmt = (select(Award).join(Award.proposal).join(Award.organisation)
            .options(contains_eager(Award.proposal), contains_eager(Award.organisation), joinedload(Award.call))
            .where(Award.status == "confirmed")
            .order_by(_award_date().desc(), Award.id.desc()))
    if filters.year is not None:
        start, end = year_bounds(filters.year)
        stmt = stmt.where(_award_date() >= start, _award_date() < end)
    if filters.call_id is not None:
        stmt = stmt.where(Award.call_id == filters.call_id)
    if filters.category is not None:
        stmt = stmt.where(Proposal.category == filters.category)
    if filters.district is not None:
        stmt = stmt.where(Organisation.district == filters.district)
    if filters.organisation_id is not None:
        stmt = stmt.where(Award.organisation_id == filters.organisation_id)
    return stmt


@dataclass
class Facts:
    """What the public sees of one award besides the award itself."""
    contract: Contract | None = None
    paid: Decimal = ZERO
    evaluations: list = field(default_factory=list)   # submitted evaluations, mid before final
    status: str = "awarded"


PUBLIC_STATUSES = ("awarded", "in_progress", "completed", "terminated")


def _status(contract: Contract | None, evaluations: list[Evaluation]) -> str:
    if contract is None or contract.status not in ("active", "terminated"):
        return "awarded"
    if contract.status == "terminated":
        return "terminated"
    if any(e.kind == "final" and e.conclusion == "pass" for e in evaluations):
        return "completed"
    return "in_progress"


def facts_for(awards: list[Award]) -> dict[int, Facts]:
    """award id → Facts, in three statements whatever the number of awards."""
    ids = [a.id for a in awards]
    out = {i: Facts() for i in ids}
    if not ids:
        return out
    contracts = list(db.session.scalars(select(Contract).where(Contract.award_id.in_(ids))))
    by_contract = {c.id: c.award_id for c in contracts}
    for c in contracts:
        out[c.award_id].contract = c
    if by_contract:
        for contract_id, paid in db.session.execute(
                select(Disbursement.contract_id, func.sum(Disbursement.amount))
                .where(Disbursement.contract_id.in_(by_contract), Disbursement.status == "paid")
                .group_by(Disbursement.contract_id)):
            out[by_contract[contract_id]].paid = Decimal(paid or 0)
        for ev in db.session.scalars(select(Evaluation).where(Evaluation.contract_id.in_(by_contract),
                                                              Evaluation.status == "submitted")
                                     .order_by(Evaluation.kind.desc(), Evaluation.id)):
            out[by_contract[ev.contract_id]].evaluations.append(ev)
    for facts in out.values():
        facts.status = _status(facts.contract, facts.evaluations)
    return out


def export_sheet(filters: Filters):
    """The filtered funded-projects list as one spreadsheet table (every row, not one page)."""
    from grants.exports.spreadsheet import Sheet
    from grants.labels import CATEGORY_LABELS as CATS
    from grants.services.evaluations import CONCLUSIONS, KINDS

    awards = list(db.session.scalars(funded_projects(filters)).unique())
    facts = facts_for(awards)
    labels = status_labels()
    rows = []
    for a in awards:
        f = facts[a.id]
        results = "；".join(f"{KINDS.get(e.kind, e.kind)} {CONCLUSIONS.get(e.conclusion, e.conclusion)} {e.score}"
                           for e in f.evaluations)
        rows.append([a.organisation.name, a.organisation.uscc, a.proposal.title, a.call.title,
                     str(CATS.get(a.proposal.category, a.proposal.category or "")), a.organisation.district or "",
                     award_day(a).isoformat(), a.amount, f.paid, str(labels[f.status]), results])
    header = [_("Organisation"), _("Unified social credit code"), _("Project"), _("Call"), _("Category"),
              _("District"), _("Award date"), _("Amount awarded (yuan)"), _("Paid so far (yuan)"), _("Status"),
              _("Evaluation results")]
    return Sheet(title=_("Funded projects"), header=header, rows=rows, money_columns={7, 8}, key="projects")


def status_labels() -> dict:
    return {"awarded": _("Awarded: contract being signed"), "in_progress": _("In progress"),
            "completed": _("Completed (final evaluation passed)"), "terminated": _("Terminated")}


# -- one project -----------------------------------------------------------------------------------
def public_award(award_id: int) -> Award | None:
    """A confirmed award (what the public may open), or None."""
    award = db.session.get(Award, award_id)
    return award if award is not None and award.status == "confirmed" else None


def project_page(award: Award) -> dict:
    facts = facts_for([award])[award.id]
    contract = facts.contract
    milestones, payments, figures = [], [], None
    if contract is not None and contract.status in ("active", "terminated"):
        milestones = db.session.execute(
            select(Milestone, Report.status).outerjoin(Report, Report.milestone_id == Milestone.id)
            .where(Milestone.contract_id == contract.id).order_by(Milestone.number)).all()
        payments = db.session.execute(
            select(Disbursement.paid_on, Disbursement.amount, Tranche.number)
            .join(Tranche, Tranche.id == Disbursement.tranche_id)
            .where(Disbursement.contract_id == contract.id, Disbursement.status == "paid")
            .order_by(Disbursement.paid_on, Tranche.number)).all()
        figures = _report_sums(select(Report.contract_id).where(Report.contract_id == contract.id)).get(contract.id)
    public_contract = contract if contract is not None and contract.announced_on is not None else None
    return {"award": award, "facts": facts, "contract": public_contract, "milestones": milestones,
            "payments": payments, "figures": figures or _empty_figures(), "award_day": award_day(award)}


# -- one organisation ------------------------------------------------------------------------------
def public_organisation(org_id: int) -> Organisation | None:
    """A verified organisation (only those have a public page), or None."""
    org = db.session.get(Organisation, org_id)
    return org if org is not None and permissions.can_view_organisation_publicly(org) else None


def grade_expiry(org: Organisation) -> date | None:
    if not org.grade or not org.grade_assessed_on:
        return None
    assessed = org.grade_assessed_on
    try:
        return assessed.replace(year=assessed.year + GRADE_VALID_YEARS)
    except ValueError:  # 29 February
        return assessed.replace(year=assessed.year + GRADE_VALID_YEARS, day=28)


def enforcement_public(org: Organisation) -> list[EnforcementRecord]:
    return list(db.session.scalars(select(EnforcementRecord).where(
        EnforcementRecord.organisation_id == org.id, EnforcementRecord.withdrawn_at.is_(None))
        .order_by(EnforcementRecord.decided_on.desc(), EnforcementRecord.id.desc())))


def enforcement_all(org: Organisation) -> list[EnforcementRecord]:
    return list(db.session.scalars(select(EnforcementRecord).where(EnforcementRecord.organisation_id == org.id)
                                   .order_by(EnforcementRecord.decided_on.desc(), EnforcementRecord.id.desc())))


def approved_disclosures(org: Organisation) -> list[AnnualDisclosure]:
    return list(db.session.scalars(select(AnnualDisclosure).where(
        AnnualDisclosure.organisation_id == org.id, AnnualDisclosure.status == "approved")
        .order_by(AnnualDisclosure.year.desc())))


def organisation_page(org: Organisation, today: date | None = None) -> dict:
    today = today or local_today()
    awards = list(db.session.scalars(funded_projects(Filters(organisation_id=org.id))).unique())
    facts = facts_for(awards)
    contracts = [f.contract for f in facts.values() if f.contract is not None and f.contract.announced_on]
    contracts.sort(key=lambda c: (c.announced_on, c.id), reverse=True)
    # Award notices in which the organisation appeared, and how objections to its awards ended.
    noticed = list(db.session.scalars(
        select(Award).options(joinedload(Award.proposal), joinedload(Award.call))
        .where(Award.organisation_id == org.id, Award.status.in_(("in_notice", "confirmed", "cancelled")))
        .order_by(Award.id.desc())))
    notice_rows = []
    if noticed:
        notices = {n.call_id: n for n in db.session.scalars(
            select(AwardNotice).where(AwardNotice.call_id.in_({a.call_id for a in noticed})))}
        resolved = defaultdict(list)
        for o in db.session.scalars(select(Objection).where(Objection.award_id.in_([a.id for a in noticed]),
                                                            Objection.status != "pending")
                                    .order_by(Objection.resolved_at, Objection.id)):
            resolved[o.award_id].append(o)
        notice_rows = [{"award": a, "notice": notices[a.call_id], "objections": resolved[a.id]}
                       for a in noticed if a.call_id in notices]
    expiry = grade_expiry(org)
    return {
        "org": org, "today": today, "grade_in_force": org.effective_grade(today), "grade_expires": expiry,
        "inspections": sorted(org.inspections, key=lambda r: r.year, reverse=True),
        "enforcement": enforcement_public(org), "disclosures": approved_disclosures(org),
        "awards": awards, "facts": facts, "contracts": contracts, "notices": notice_rows,
        "total_awarded": sum((a.amount for a in awards), ZERO),
        "total_paid": sum((f.paid for f in facts.values()), ZERO),
        "spot_items": spotchecks.public_for_organisation(org),
    }


# -- city-wide figures -----------------------------------------------------------------------------
FIGURE_KEYS = ("person_times", "service_hours", "volunteers")


def _empty_figures() -> dict:
    return {"person_times": 0, "service_hours": ZERO, "volunteers": 0, "reports": 0}


def _report_sums(contract_ids_stmt) -> dict[int, dict]:
    """contract id → sums over its ACCEPTED milestone reports (one statement)."""
    out = {}
    for contract_id, n, person_times, hours, volunteers in db.session.execute(
            select(Report.contract_id, func.count(Report.id), func.sum(Report.person_times),
                   func.sum(Report.service_hours), func.sum(Report.volunteers))
            .where(Report.status == "accepted", Report.contract_id.in_(contract_ids_stmt))
            .group_by(Report.contract_id)):
        out[contract_id] = {"person_times": int(person_times or 0), "service_hours": Decimal(hours or 0),
                            "volunteers": int(volunteers or 0), "reports": int(n)}
    return out


@dataclass
class Totals:
    organisations: set = field(default_factory=set)
    projects: int = 0
    awarded: Decimal = ZERO
    paid: Decimal = ZERO
    person_times: int = 0
    service_hours: Decimal = ZERO
    volunteers: int = 0

    @property
    def organisations_funded(self) -> int:
        return len(self.organisations)


def city_figures() -> dict:
    """The city's figures as the bureau reports them, by funding year and by service category:
    organisations funded, projects, money awarded and paid (confirmed awards), and person-times,
    service hours and volunteers summed from ACCEPTED milestone reports. Three statements."""
    awards = db.session.execute(
        select(Award.id, Award.organisation_id, Award.amount, _award_date(), Proposal.category, Contract.id)
        .join(Proposal, Proposal.id == Award.proposal_id)
        .outerjoin(Contract, Contract.award_id == Award.id)
        .where(Award.status == "confirmed")).all()
    paid = dict(db.session.execute(
        select(Disbursement.contract_id, func.sum(Disbursement.amount))
        .where(Disbursement.status == "paid").group_by(Disbursement.contract_id)).all())
    sums = _report_sums(select(Contract.id).join(Award, Award.id == Contract.award_id)
                        .where(Award.status == "confirmed"))
    by_year: dict[int, Totals] = defaultdict(Totals)
    by_category: dict[str, Totals] = defaultdict(Totals)
    total = Totals()
    for _award_id, org_id, amount, when, category, contract_id in awards:
        year = to_local(when).year
        figures = sums.get(contract_id) or _empty_figures()
        for bucket in (by_year[year], by_category[category or "other"], total):
            bucket.organisations.add(org_id)
            bucket.projects += 1
            bucket.awarded += Decimal(amount)
            bucket.paid += Decimal(paid.get(contract_id) or 0) if contract_id else ZERO
            bucket.person_times += figures["person_times"]
            bucket.service_hours += figures["service_hours"]
            bucket.volunteers += figures["volunteers"]
    categories = [(key, by_category[key]) for key in CATEGORY_LABELS if key in by_category]
    return {"years": sorted(by_year.items(), reverse=True), "categories": categories, "total": total}


# -- enforcement records (staff) -------------------------------------------------------------------
def add_enforcement(actor, org: Organisation, *, decided_on: date | None, kind: str | None, authority: str | None,
                    summary: str | None, ends_on: date | None = None, today: date | None = None) -> EnforcementRecord:
    today = today or local_today()
    authority, summary = (authority or "").strip(), (summary or "").strip()
    errors = {}
    if decided_on is None:
        errors["decided_on"] = [_("Give the date of the decision.")]
    elif decided_on > today:
        errors["decided_on"] = [_("The date cannot be in the future.")]
    if kind not in ENFORCEMENT_KINDS:
        errors["kind"] = [_("Choose a kind from the list.")]
    if not authority:
        errors["authority"] = [_("Name the authority that decided it.")]
    if not summary:
        errors["summary"] = [_("Summarise the facts and the decision.")]
    if ends_on is not None and decided_on is not None and ends_on < decided_on:
        errors["ends_on"] = [_("The end date cannot be before the date of the decision.")]
    if errors:
        raise ServiceError(_("Please correct the marked fields."), errors)
    with atomic():
        row = EnforcementRecord(organisation_id=org.id, decided_on=decided_on, kind=kind, authority=authority,
                                summary=summary, ends_on=ends_on, created_by_id=actor.id if actor else None)
        db.session.add(row)
        db.session.flush()
        record(actor, org, "organisation.enforcement_add", data={
            "record_id": row.id, "decided_on": decided_on.isoformat(), "kind": kind, "authority": authority,
            "summary": summary, "ends_on": ends_on.isoformat() if ends_on else None})
    return row


def withdraw_enforcement(actor, row: EnforcementRecord, reason: str | None) -> EnforcementRecord:
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("Give the reason for withdrawing the record."),
                           {"reason": [_("Give the reason for withdrawing the record.")]})
    with atomic():
        lock(row)
        if row.withdrawn_at is not None:
            raise ServiceError(_("This record has been withdrawn already."))
        row.withdrawn_at, row.withdrawn_by_id, row.withdrawn_reason = now_utc(), actor.id if actor else None, reason
        record(actor, row.organisation, "organisation.enforcement_withdraw",
               data={"record_id": row.id, "reason": reason})
    return row


# -- annual disclosure (the organisation's own) ----------------------------------------------------
DISCLOSURE_FIELDS = ("activities", "income", "expenditure", "net_assets", "donations_received", "donations_use")


def disclosures_of(org: Organisation) -> list[AnnualDisclosure]:
    return list(db.session.scalars(select(AnnualDisclosure).where(AnnualDisclosure.organisation_id == org.id)
                                   .order_by(AnnualDisclosure.year.desc())))


def waiting_disclosures(org: Organisation | None = None) -> list[AnnualDisclosure]:
    stmt = select(AnnualDisclosure).options(joinedload(AnnualDisclosure.organisation)) \
        .where(AnnualDisclosure.status == "submitted").order_by(AnnualDisclosure.submitted_at)
    if org is not None:
        stmt = stmt.where(AnnualDisclosure.organisation_id == org.id)
    return list(db.session.scalars(stmt))


def years_open(org: Organisation, today: date | None = None) -> list[int]:
    """Years the organisation may still start a disclosure for: from its registration year (or the
    last five) to last year and this year, without one already."""
    today = today or local_today()
    taken = {d.year for d in disclosures_of(org)}
    first = max(org.registration_date.year, today.year - 5)
    return [y for y in range(today.year, first - 1, -1) if y not in taken]


def _require_member(actor, org_id: int) -> None:
    if actor is None or not actor.has_role("applicant") or org_id not in actor.organisation_ids:
        raise ServiceError(_("Only members of the organisation can do this."))


def start(actor, org: Organisation, year: int | None, today: date | None = None) -> AnnualDisclosure:
    """A new draft disclosure of `org` for `year`."""
    _require_member(actor, org.id)
    msg = _("Choose a year that has no disclosure yet.")
    with atomic():
        lock(org)  # two members starting the same year at once: the second waits, then is refused
        if year is None or year not in years_open(org, today):
            raise ServiceError(msg, {"year": [msg]})
        row = AnnualDisclosure(organisation_id=org.id, year=year, status="draft", created_by_id=actor.id)
        db.session.add(row)
        db.session.flush()
        record(actor, row, "disclosure.create", data={"organisation_id": org.id, "year": year})
    return row


def save(actor, disclosure: AnnualDisclosure, data: dict) -> AnnualDisclosure:
    """Store the given fields of a draft or returned disclosure (absent keys are kept)."""
    _require_member(actor, disclosure.organisation_id)
    with atomic():
        lock(disclosure)
        if disclosure.status not in ("draft", "returned"):
            raise ServiceError(_("Only a draft or returned disclosure can be changed."))
        for name in DISCLOSURE_FIELDS:
            if name in data:
                value = data[name]
                if name in ("activities", "donations_use"):
                    value = (value or "").strip()
                setattr(disclosure, name, value)
    return disclosure


def problems(disclosure: AnnualDisclosure) -> dict[str, list[str]]:
    """What is missing before the disclosure can be submitted (field → messages)."""
    errors: dict[str, list[str]] = {}
    if not (disclosure.activities or "").strip():
        errors["activities"] = [_("Describe the year's major activities.")]
    for name in ("income", "expenditure", "net_assets", "donations_received"):
        if getattr(disclosure, name) is None:
            errors[name] = [_("Give the amount in yuan (0 if none).")]
    if disclosure.donations_received and not (disclosure.donations_use or "").strip():
        errors["donations_use"] = [_("Say how the donations received were used.")]
    return errors


def submit(actor, disclosure: AnnualDisclosure) -> AnnualDisclosure:
    errors = problems(disclosure)
    if errors:
        raise ServiceError(_("The disclosure is not complete: see the marked fields."), errors)
    with atomic():
        transition(DISCLOSURE, disclosure, "submitted", actor)
        disclosure.submitted_at = now_utc()
        disclosure.return_reason = None
    return disclosure


def _context(disclosure):
    return {"disclosure": disclosure, "organisation": disclosure.organisation}


def approve(actor, disclosure: AnnualDisclosure) -> AnnualDisclosure:
    with atomic():
        transition(DISCLOSURE, disclosure, "approved", actor, to=members(disclosure.organisation_id),
                   template="disclosure_approved", context=_context(disclosure))
        disclosure.reviewed_at, disclosure.reviewed_by_id = now_utc(), actor.id
    return disclosure


def return_(actor, disclosure: AnnualDisclosure, reason: str | None) -> AnnualDisclosure:
    reason = (reason or "").strip()
    if not reason:
        msg = _("Give the reason, so the organisation knows what to correct.")
        raise ServiceError(msg, {"reason": [msg]})
    with atomic():
        transition(DISCLOSURE, disclosure, "returned", actor, note=reason, to=members(disclosure.organisation_id),
                   template="disclosure_returned", context={**_context(disclosure), "reason": reason})
        disclosure.reviewed_at, disclosure.reviewed_by_id, disclosure.return_reason = now_utc(), actor.id, reason
    return disclosure
