"""双随机 spot checks: random objects and random inspectors, reproducible by anyone.

The draw (algorithm "sha256-rank-v1")
-------------------------------------
Inputs, all printed on the public draw page: the draw date (YYYY-MM-DD, Asia/Shanghai), the
candidate ids (deduplicated, sorted ascending) and a nonce (staff-entered or generated).

1. canonical = "spotcheck-v1|" + date + "|" + ids joined with "," + "|" + nonce
   seed = SHA-256(canonical as UTF-8), in lower-case hex.
2. Sample sizes, N candidates: document checks (书面检查) d = ceil(N × document rate), on-site
   checks (实地检查) s = ceil(N × on-site rate); at least 1 each when N ≥ 1; never more than N
   (rates are percentages: at least 5 % and 0.5 %; on-site rate ≤ document rate).
3. Document sample: rank every candidate by SHA-256(seed + "|document|" + id) (hex, ascending;
   ties by id) and take the first d.
4. On-site sample — a subset of the document sample (an on-site check includes the document
   check, so one organisation is never visited twice in one draw): rank the document sample
   by SHA-256(seed + "|onsite|" + id) and take the first s.
5. Inspectors per item: rank the item's *eligible* inspector ids by
   SHA-256(seed + "|inspector|" + candidate id + "|" + inspector id) and take the first k.
   Eligible = active in the pool at draw time and without a conflict with the organisation:
   - the inspector's affiliation names the organisation (its name or USCC, spaces/case ignored);
   - the inspector's linked user is a member of the organisation, or that user's own
     affiliation names it;
   - the linked user is a programme officer of the award (for a draw over organisations: of
     any of the organisation's awards with a contract in force). Programme officer = the staff
     user who decided the award (Award.decided_by_id), confirmed it after the notice (the actor
     of its "award.confirm" audit event), generated its contract (Contract.created_by_id) or put
     the contract in force (Contract.activated_by_id).
   Each item's eligible ids are stored and printed, so step 5 can be re-run too.

Nothing depends on Python's `random`: only SHA-256 and sorting, which any language has.

Populations: "awards" = awards with a contract in force (status active); "organisations" =
verified organisations. One draw per population and period (a unique constraint: two staff
drawing the same period at once — one wins, the other is told). Draws are immutable.
"""
from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from flask_babel import gettext as _
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from grants.extensions import db
from grants.models import (
    AuditEvent,
    Award,
    Contract,
    Inspector,
    Organisation,
    SpotCheckDraw,
    SpotCheckInspector,
    SpotCheckItem,
    SpotCheckResult,
    User,
)
from grants.models.spotcheck import POPULATIONS, RATINGS
from grants.permissions import affiliation_matches
from grants.services import ServiceError, atomic, lock
from grants.services.audit import record
from grants.services.notify import notify
from grants.services.people import members_of
from grants.timeutil import local_today

ALGORITHM = "sha256-rank-v1"
MIN_DOCUMENT_RATE = Decimal("5")
MIN_ONSITE_RATE = Decimal("0.5")
DEFAULT_INSPECTORS_PER_ITEM = 2
MAX_INSPECTORS_PER_ITEM = 5
NONCE_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
MAX_CANDIDATES = 100_000


# -- the pure algorithm -------------------------------------------------------------------------
def canonical_ids(ids) -> list[int]:
    return sorted({int(i) for i in ids})


def canonical_inputs(draw_date: date, candidate_ids, nonce: str) -> str:
    ids = ",".join(str(i) for i in canonical_ids(candidate_ids))
    return f"spotcheck-v1|{draw_date.isoformat()}|{ids}|{nonce}"


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def seed_of(draw_date: date, candidate_ids, nonce: str) -> str:
    return _sha(canonical_inputs(draw_date, candidate_ids, nonce))


def rank_key(seed: str, kind: str, ident) -> str:
    return _sha(f"{seed}|{kind}|{ident}")


def sample_size(n: int, rate_percent: Decimal) -> int:
    """ceil(n × rate %), at least 1 when there is anything to draw, at most n (exact integers)."""
    if n <= 0:
        return 0
    hundredths = int((Decimal(rate_percent) * 100).to_integral_value(ROUND_HALF_UP))
    return min(n, max(1, -(-n * hundredths // 10000)))


@dataclass(frozen=True)
class Sample:
    seed: str
    canonical: str
    candidate_ids: list
    document: list  # candidate ids, in ranking order
    onsite: list  # candidate ids, in ranking order (a subset of `document`)


def draw_sample(draw_date: date, candidate_ids, nonce: str, document_rate, onsite_rate) -> Sample:
    ids = canonical_ids(candidate_ids)
    seed = seed_of(draw_date, ids, nonce)
    d = sample_size(len(ids), Decimal(document_rate))
    s = min(d, sample_size(len(ids), Decimal(onsite_rate)))
    document = sorted(ids, key=lambda i: (rank_key(seed, "document", i), i))[:d]
    onsite = sorted(document, key=lambda i: (rank_key(seed, "onsite", i), i))[:s]
    return Sample(seed, canonical_inputs(draw_date, ids, nonce), ids, document, onsite)


def pick_inspectors(seed: str, candidate_id: int, eligible_ids, k: int) -> list[int]:
    ranked = sorted(set(eligible_ids), key=lambda i: (rank_key(seed, f"inspector|{candidate_id}", i), i))
    return ranked[:k]


# -- reading ------------------------------------------------------------------------------------
def candidates(population: str) -> dict[int, int]:
    """candidate id -> organisation id, for the population as it is now."""
    if population == "awards":
        rows = db.session.execute(
            select(Award.id, Award.organisation_id).join(Contract, Contract.award_id == Award.id)
            .where(Contract.status == "active", Award.status == "confirmed"))
    else:
        rows = db.session.execute(select(Organisation.id, Organisation.id).where(Organisation.status == "verified"))
    return {ident: org_id for ident, org_id in rows}


def active_pool() -> list[Inspector]:
    return list(db.session.scalars(
        select(Inspector).where(Inspector.active.is_(True)).order_by(Inspector.id)
        .options(selectinload(Inspector.user).selectinload(User.memberships))))


def programme_officers(award_ids) -> dict[int, set[int]]:
    """award id -> ids of the staff users who decided, confirmed it, generated or activated its contract."""
    award_ids = list(award_ids)
    out: dict[int, set[int]] = {i: set() for i in award_ids}
    if not award_ids:
        return out
    for ident, decided_by in db.session.execute(select(Award.id, Award.decided_by_id).where(Award.id.in_(award_ids))):
        if decided_by:
            out[ident].add(decided_by)
    for award_id, created_by, activated_by in db.session.execute(
            select(Contract.award_id, Contract.created_by_id, Contract.activated_by_id)
            .where(Contract.award_id.in_(award_ids))):
        out[award_id].update(u for u in (created_by, activated_by) if u)
    for award_id, actor_id in db.session.execute(
            select(AuditEvent.object_id, AuditEvent.actor_id).where(
                AuditEvent.object_type == "award", AuditEvent.action == "award.confirm",
                AuditEvent.object_id.in_(award_ids))):
        if actor_id:
            out[award_id].add(actor_id)
    return out


def conflicted(inspector: Inspector, organisation: Organisation, officer_ids: set[int]) -> bool:
    if affiliation_matches(inspector.affiliation, organisation):
        return True
    user = inspector.user
    if user is None:
        return False
    return (organisation.id in user.organisation_ids or affiliation_matches(user.affiliation, organisation)
            or user.id in officer_ids)


# -- the inspector pool -------------------------------------------------------------------------
def _staff(actor) -> None:
    if actor is None or not actor.has_role("staff", "admin"):
        raise ServiceError(_("Only programme staff can manage spot checks."))


def add_inspector(actor, *, name: str, affiliation: str = "", user_email: str = "") -> Inspector:
    _staff(actor)
    name, affiliation, user_email = (name or "").strip(), (affiliation or "").strip(), (user_email or "").strip()
    errors = {}
    if not name:
        errors["name"] = [_("Give the inspector's name.")]
    user = None
    if user_email:
        user = db.session.scalar(select(User).where(User.email == user_email.lower()))
        if user is None:
            errors["user_email"] = [_("No account has this e-mail address.")]
        elif db.session.scalar(select(Inspector.id).where(Inspector.user_id == user.id)) is not None:
            errors["user_email"] = [_("This account is linked to an inspector already.")]
    if errors:
        raise ServiceError(next(iter(errors.values()))[0], errors)
    with atomic():
        inspector = Inspector(name=name, affiliation=affiliation, user_id=user.id if user else None,
                              active=True, created_by_id=actor.id)
        db.session.add(inspector)
        record(actor, inspector, "inspector.add", data={"name": name, "affiliation": affiliation,
                                                         "user_id": inspector.user_id})
    return inspector


def set_inspector_active(actor, inspector: Inspector, active: bool) -> Inspector:
    _staff(actor)
    with atomic():
        lock(inspector)
        if inspector.active == active:
            raise ServiceError(_("The inspector is active already.") if active
                               else _("The inspector is inactive already."))
        inspector.active = active
        record(actor, inspector, "inspector.activate" if active else "inspector.deactivate")
    return inspector


# -- the draw -----------------------------------------------------------------------------------
def _rate(value, minimum: Decimal, field: str, errors: dict):
    try:
        rate = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        errors[field] = [_("Enter a percentage, e.g. 5 or 0.5.")]
        return None
    if not rate.is_finite() or rate < minimum or rate > 100:
        errors[field] = [_("The rate must be between %(min)s %% and 100 %%.", min=minimum.normalize())]
        return None
    return rate


def validate_nonce(nonce: str) -> str | None:
    if not NONCE_RE.match(nonce or ""):
        return _("The nonce is 1 to 64 letters, digits, hyphens or underscores.")
    return None


def create_draw(actor, *, population: str, period: str, nonce: str = "", document_rate=MIN_DOCUMENT_RATE,
                onsite_rate=MIN_ONSITE_RATE, inspectors_per_item: int = DEFAULT_INSPECTORS_PER_ITEM,
                today: date | None = None) -> SpotCheckDraw:
    """Draw the sample and its inspectors, and store the draw with every input (immutable)."""
    _staff(actor)
    errors: dict = {}
    period = (period or "").strip()
    if not period or len(period) > 40:
        errors["period"] = [_("Name the period, e.g. 2026年第四季度 (at most 40 characters).")]
    if population not in POPULATIONS:
        errors["population"] = [_("Choose what to draw from.")]
    nonce = (nonce or "").strip() or secrets.token_hex(8)
    if validate_nonce(nonce):
        errors["nonce"] = [validate_nonce(nonce)]
    document = _rate(document_rate, MIN_DOCUMENT_RATE, "document_rate", errors)
    onsite = _rate(onsite_rate, MIN_ONSITE_RATE, "onsite_rate", errors)
    if document is not None and onsite is not None and onsite > document:
        errors["onsite_rate"] = [_("The on-site rate cannot exceed the document-check rate: on-site checks are "
                                   "drawn from the document sample.")]
    if not isinstance(inspectors_per_item, int) or not 1 <= inspectors_per_item <= MAX_INSPECTORS_PER_ITEM:
        errors["inspectors_per_item"] = [_("Between 1 and %(n)d inspectors per item.", n=MAX_INSPECTORS_PER_ITEM)]
    if errors:
        raise ServiceError(next(iter(errors.values()))[0], errors)
    today = today or local_today()
    with atomic():
        if _draw_for(population, period) is not None:
            raise ServiceError(_("There is a draw for this period already; draws cannot be repeated or changed."),
                               {"period": [_("There is a draw for this period already.")]})
        population_now = candidates(population)
        if not population_now:
            raise ServiceError(_("There is nothing to draw from: the population is empty."))
        sample = draw_sample(today, population_now, nonce, document, onsite)
        pool = active_pool()
        orgs = {o.id: o for o in db.session.scalars(
            select(Organisation).where(Organisation.id.in_({population_now[i] for i in sample.document})))}
        officers = _officers_for(population, sample.document, population_now)
        onsite_ids = set(sample.onsite)
        draw = SpotCheckDraw(period=period, population=population, draw_date=today, nonce=nonce, seed=sample.seed,
                             algorithm=ALGORITHM, document_rate=document, onsite_rate=onsite,
                             inspectors_per_item=inspectors_per_item, candidate_ids=sample.candidate_ids,
                             candidate_count=len(sample.candidate_ids), document_count=len(sample.document),
                             onsite_count=len(sample.onsite), pool_ids=[i.id for i in pool],
                             created_by_id=actor.id)
        short = []
        rows = []
        for position, target in enumerate(sample.document, start=1):
            org = orgs[population_now[target]]
            eligible = [i.id for i in pool if not conflicted(i, org, officers.get(target, set()))]
            if len(eligible) < inspectors_per_item:
                short.append(org.name)
            rows.append((position, target, org, eligible))
        if short:
            raise ServiceError(_("Not enough inspectors without a conflict of interest for: %(names)s. Add or "
                                 "reactivate inspectors in the pool; nothing was drawn.", names="、".join(short)))
        db.session.add(draw)
        try:
            db.session.flush()
        except IntegrityError as exc:
            raise ServiceError(_("There is a draw for this period already; draws cannot be repeated or changed."),
                               {"period": [_("There is a draw for this period already.")]}) from exc
        # Two batched INSERTs (items, then their inspectors) whatever the sample size.
        item_ids = dict(db.session.execute(
            insert(SpotCheckItem).returning(SpotCheckItem.target_id, SpotCheckItem.id),
            [{"draw_id": draw.id, "target_id": target, "organisation_id": org.id,
              "award_id": target if population == "awards" else None, "position": position,
              "onsite": target in onsite_ids, "eligible_inspector_ids": eligible}
             for position, target, org, eligible in rows]).all())
        db.session.execute(insert(SpotCheckInspector), [
            {"item_id": item_ids[target], "inspector_id": inspector_id, "position": n}
            for _position, target, _org, eligible in rows
            for n, inspector_id in enumerate(pick_inspectors(sample.seed, target, eligible, inspectors_per_item),
                                             start=1)])
        record(actor, draw, "spotcheck.draw", data={
            "period": period, "population": population, "seed": sample.seed, "nonce": nonce,
            "candidates": len(sample.candidate_ids), "document": len(sample.document),
            "onsite": len(sample.onsite)})
    return draw


def _officers_for(population: str, targets, population_now: dict) -> dict[int, set[int]]:
    if population == "awards":
        return programme_officers(targets)
    org_ids = set(targets)
    award_org = dict(db.session.execute(
        select(Award.id, Award.organisation_id).join(Contract, Contract.award_id == Award.id)
        .where(Contract.status == "active", Award.organisation_id.in_(org_ids))).all())
    out: dict[int, set[int]] = {o: set() for o in org_ids}
    for award_id, users in programme_officers(award_org).items():
        out[award_org[award_id]].update(users)
    return out


def _draw_for(population: str, period: str) -> SpotCheckDraw | None:
    return db.session.scalar(select(SpotCheckDraw).where(SpotCheckDraw.population == population,
                                                         SpotCheckDraw.period == period))


def draws_query():
    return select(SpotCheckDraw).order_by(SpotCheckDraw.draw_date.desc(), SpotCheckDraw.id.desc())


def items_of(draw: SpotCheckDraw) -> list[SpotCheckItem]:
    """The draw's items with organisation, award/project, inspectors and result (constant queries)."""
    from grants.models import Proposal

    return list(db.session.scalars(
        select(SpotCheckItem).where(SpotCheckItem.draw_id == draw.id).order_by(SpotCheckItem.position)
        .options(selectinload(SpotCheckItem.organisation),
                 selectinload(SpotCheckItem.award).selectinload(Award.proposal).load_only(Proposal.title),
                 selectinload(SpotCheckItem.inspectors), selectinload(SpotCheckItem.result))))


def inspectors_by_id(draw: SpotCheckDraw) -> dict[int, Inspector]:
    ids = set(draw.pool_ids or [])
    if not ids:
        return {}
    return {i.id: i for i in db.session.scalars(select(Inspector).where(Inspector.id.in_(ids)))}


# -- the public re-run --------------------------------------------------------------------------
def parse_ids(text: str) -> list[int] | None:
    """Candidate ids typed or pasted: separated by commas, spaces or new lines; None if not all numbers."""
    parts = [p for p in re.split(r"[\s,，、;；]+", text or "") if p]
    if not parts or len(parts) > MAX_CANDIDATES or not all(p.isascii() and p.isdigit() and len(p) <= 12
                                                           for p in parts):
        return None
    return canonical_ids(parts)


@dataclass(frozen=True)
class Rerun:
    sample: Sample
    draw: SpotCheckDraw | None  # the published draw with the same seed, if any
    matches: bool  # the re-run sample equals that draw's stored sample
    inspectors: dict  # candidate id -> [inspector ids] re-run from the stored eligible lists


def rerun(draw_date: date, candidate_ids, nonce: str, document_rate, onsite_rate) -> Rerun:
    sample = draw_sample(draw_date, candidate_ids, nonce, document_rate, onsite_rate)
    draw = db.session.scalar(select(SpotCheckDraw).where(SpotCheckDraw.seed == sample.seed)
                             .order_by(SpotCheckDraw.id).limit(1))
    if draw is None:
        return Rerun(sample, None, False, {})
    items = items_of(draw)
    stored_document = [i.target_id for i in items]
    stored_onsite = {i.target_id for i in items if i.onsite}
    inspectors = {i.target_id: pick_inspectors(sample.seed, i.target_id, i.eligible_inspector_ids,
                                               draw.inspectors_per_item) for i in items}
    stored_inspectors = {i.target_id: [a.inspector_id for a in i.inspectors] for i in items}
    matches = (stored_document == sample.document and stored_onsite == set(sample.onsite)
               and inspectors == stored_inspectors)
    return Rerun(sample, draw, matches, inspectors)


# -- results ------------------------------------------------------------------------------------
def record_result(actor, item: SpotCheckItem, *, findings: str, rating: str, rectification_required: bool,
                  rectification_due_on: date | None, today: date | None = None) -> SpotCheckResult:
    """Enter (or correct, until closed) an item's result; the organisation is told when it must rectify."""
    _staff(actor)
    today = today or local_today()
    findings = (findings or "").strip()
    errors: dict = {}
    if not findings:
        errors["findings"] = [_("Describe what the check found.")]
    if rating not in RATINGS:
        errors["rating"] = [_("Choose a rating.")]
    if rectification_required:
        if rectification_due_on is None:
            errors["rectification_due_on"] = [_("Give the deadline for rectification.")]
        elif rectification_due_on < today:
            errors["rectification_due_on"] = [_("The deadline cannot be in the past.")]
    else:
        rectification_due_on = None
    if errors:
        raise ServiceError(next(iter(errors.values()))[0], errors)
    with atomic():
        result = db.session.scalar(select(SpotCheckResult).where(SpotCheckResult.item_id == item.id))
        before = None
        if result is not None:
            lock(result)
            if result.closed_on is not None:
                raise ServiceError(_("This check is closed; its result can no longer be changed."))
            before = result.rectification_required
        else:
            result = SpotCheckResult(item_id=item.id)
            db.session.add(result)
        result.findings, result.rating = findings, rating
        result.rectification_required, result.rectification_due_on = rectification_required, rectification_due_on
        result.recorded_by_id = actor.id
        try:
            db.session.flush()
        except IntegrityError as exc:
            raise ServiceError(_("Someone else entered this result at the same time. Reload the page.")) from exc
        data = {"rating": rating, "rectification_required": rectification_required,
                "rectification_due_on": rectification_due_on.isoformat() if rectification_due_on else None}
        action = "spotcheck.result" if before is None else "spotcheck.result_change"
        if rectification_required and not before:
            draw = item.draw
            notify(actor, item, action, data=data, to=members_of(item.organisation_id),
                   template="spotcheck_rectification", kind="spotcheck.rectification",
                   context={"item": item, "draw": draw, "result": result})
        else:
            record(actor, item, action, data=data)
    return result


def close_result(actor, item: SpotCheckItem, closed_on: date | None, today: date | None = None) -> SpotCheckResult:
    """Close the check (结案) on a date: after the result is in, not before the draw, not in the future."""
    _staff(actor)
    today = today or local_today()
    with atomic():
        result = db.session.scalar(select(SpotCheckResult).where(SpotCheckResult.item_id == item.id))
        if result is None:
            raise ServiceError(_("Enter the result before closing the check."))
        lock(result)
        if result.closed_on is not None:
            raise ServiceError(_("This check is closed already."))
        if closed_on is None:
            raise ServiceError(_("Give the date the check was closed."), {"closed_on": [_("Give a date.")]})
        if closed_on < item.draw.draw_date or closed_on > today:
            raise ServiceError(_("The closing date must be between the draw date and today."),
                               {"closed_on": [_("Between the draw date and today.")]})
        result.closed_on = closed_on
        record(actor, item, "spotcheck.close", data={"closed_on": closed_on.isoformat()})
    return result


# -- for other pages ----------------------------------------------------------------------------
def public_for_organisation(org: Organisation) -> list[SpotCheckItem]:
    """The organisation's spot-check items (newest draw first) with draw, inspectors and result:
    what its public page shows. Three statements whatever the number."""
    return list(db.session.scalars(
        select(SpotCheckItem).join(SpotCheckDraw, SpotCheckDraw.id == SpotCheckItem.draw_id)
        .where(SpotCheckItem.organisation_id == org.id)
        .order_by(SpotCheckDraw.draw_date.desc(), SpotCheckDraw.id.desc(), SpotCheckItem.position)
        .options(selectinload(SpotCheckItem.draw).load_only(SpotCheckDraw.id, SpotCheckDraw.period,
                                                             SpotCheckDraw.draw_date, SpotCheckDraw.population),
                 selectinload(SpotCheckItem.inspectors), selectinload(SpotCheckItem.result))))

