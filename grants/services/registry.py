"""The emergency capability registry (应急能力登记) and targeted invitations (定向邀请).

Organisations declare what they can do in an emergency and confirm it yearly; staff search the
declarations (a constant number of statements, paginated) and invite the organisations they pick
to an open call. Every change: one transaction, a row lock, an audit event and mail via notify().
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import and_, case, exists, func, literal, or_, select, union_all
from sqlalchemy.orm import joinedload, selectinload

from grants.extensions import db
from grants.labels import CAPABILITY_TYPES, DISTRICTS
from grants.models import Call, Organisation
from grants.models.capability import (
    COUNT_FIELDS,
    CallInvitation,
    CapabilityDeclaration,
    DeclaredCapability,
    DeclaredDistrict,
)
from grants.models.organisation import GRADE_VALID_YEARS
from grants.services import ServiceError, atomic, lock
from grants.services.notify import notify
from grants.services.people import members_of
from grants.timeutil import now_utc, to_local

# A declaration not confirmed for longer than this is stale (marked on the staff page, reminded).
STALE_AFTER = timedelta(days=365)
# The yearly reminder goes out at most once in this period.
REMIND_EVERY = timedelta(days=365)
MAX_COUNT = 100_000
MAX_INVITE_BATCH = 200
PHONE = re.compile(r"^\+?[0-9][0-9 \-]{5,28}[0-9]$")
TEXT_LIMIT = 2000


# -- declaring ---------------------------------------------------------------------------------
def declaration_of(org_id: int) -> CapabilityDeclaration | None:
    return db.session.scalar(select(CapabilityDeclaration).where(CapabilityDeclaration.organisation_id == org_id)
                             .options(selectinload(CapabilityDeclaration.capability_rows),
                                      selectinload(CapabilityDeclaration.district_rows)))


def is_stale(declaration: CapabilityDeclaration, now: datetime | None = None) -> bool:
    return declaration.confirmed_at < (now or now_utc()) - STALE_AFTER


def check_declaration(data: dict) -> dict:
    """The declaration's values, checked; ServiceError naming every bad field at once."""
    errors: dict[str, list[str]] = {}
    out: dict = {}
    caps = [c for c in dict.fromkeys(data.get("capabilities") or ())]
    if not caps:
        errors["capabilities"] = [_("Choose at least one thing your organisation can do in an emergency.")]
    elif any(c not in CAPABILITY_TYPES for c in caps):
        errors["capabilities"] = [_("Choose from the list.")]
    out["capabilities"] = caps
    districts = [d for d in dict.fromkeys(data.get("districts") or ())]
    if not districts:
        errors["districts"] = [_("Choose at least one district your organisation can serve.")]
    elif any(d not in DISTRICTS for d in districts):
        errors["districts"] = [_("Choose from the list.")]
    out["districts"] = districts
    for name in COUNT_FIELDS:
        value = data.get(name)
        if value is None:
            value = 0
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_COUNT:
            errors[name] = [_("Enter a whole number from %(low)d to %(high)d.", low=0, high=MAX_COUNT)]
        out[name] = value
    if "people_available" not in errors and out["people_available"] < 1:
        errors["people_available"] = [_("Enter how many of your own people can be sent (at least 1).")]
    certified = sum(out[n] for n in ("counsellors", "social_workers", "medical_staff", "other_certified")
                    if isinstance(out[n], int))
    if not errors.keys() & set(COUNT_FIELDS) and certified > out["people_available"]:
        errors["other_certified"] = [_("The certified staff (%(n)d in all) are part of the people available "
                                       "(%(people)d): they cannot be more.", n=certified,
                                       people=out["people_available"])]
    for name in ("certified_note", "equipment"):
        text = (data.get(name) or "").strip()
        if len(text) > TEXT_LIMIT:
            errors[name] = [_("At most %(max)d characters.", max=TEXT_LIMIT)]
        out[name] = text
    name = (data.get("contact_name") or "").strip()
    if not name:
        errors["contact_name"] = [_("Name the person who answers the 24-hour contact number.")]
    elif len(name) > 100:
        errors["contact_name"] = [_("At most %(max)d characters.", max=100)]
    out["contact_name"] = name
    phone = (data.get("contact_phone") or "").strip()
    if not PHONE.match(phone):
        errors["contact_phone"] = [_("Enter a phone number reachable day and night, for example 13800001234 "
                                     "or 0573-82000000.")]
    out["contact_phone"] = phone
    if errors:
        raise ServiceError(_("Please correct the marked fields."), errors)
    return out


def save_declaration(actor, org: Organisation, data: dict, now: datetime | None = None) -> CapabilityDeclaration:
    """Create or replace `org`'s declaration; saving it also confirms it as current."""
    values = check_declaration(data)
    now = now or now_utc()
    with atomic():
        lock(org)
        declaration = declaration_of(org.id)
        created = declaration is None
        if created:
            declaration = CapabilityDeclaration(organisation_id=org.id)
            db.session.add(declaration)
        else:
            lock(declaration)
        for name in COUNT_FIELDS + ("certified_note", "equipment", "contact_name", "contact_phone"):
            setattr(declaration, name, values[name])
        _replace_rows(declaration, values["capabilities"], values["districts"])
        declaration.confirmed_at = now
        declaration.confirmed_by_id = actor.id
        declaration.updated_at = now
        notify(actor, org, "registry.declare",
               data={"capabilities": values["capabilities"], "districts": values["districts"],
                     "people_available": values["people_available"],
                     "volunteers_available": values["volunteers_available"], "created": created})
    return declaration


def _replace_rows(declaration: CapabilityDeclaration, capabilities: list[str], districts: list[str]) -> None:
    keep = set(capabilities)
    declaration.capability_rows = [r for r in declaration.capability_rows if r.capability in keep] + [
        DeclaredCapability(capability=c) for c in capabilities if c not in declaration.capabilities]
    keep = set(districts)
    declaration.district_rows = [r for r in declaration.district_rows if r.district in keep] + [
        DeclaredDistrict(district=d) for d in districts if d not in declaration.districts]


def confirm(actor, org: Organisation, now: datetime | None = None) -> CapabilityDeclaration:
    """"Still current": only the confirmation date (and who confirmed) changes."""
    now = now or now_utc()
    with atomic():
        declaration = declaration_of(org.id)
        if declaration is None:
            raise ServiceError(_("Your organisation has not declared its emergency capabilities yet; fill in "
                                 "the form first."))
        lock(declaration)
        declaration.confirmed_at = now
        declaration.confirmed_by_id = actor.id
        notify(actor, org, "registry.confirm")
    return declaration


# -- the yearly reminder --------------------------------------------------------------------------
def remind(now: datetime | None = None) -> int:
    """Mail the members of every organisation whose declaration was last confirmed more than a year
    ago, at most once a year (`reminded_at`, re-checked under the row lock, so two runs at once
    do not both send). Organisations without a declaration are not chased: declaring is voluntary.
    Returns how many organisations were reminded."""
    now = now or now_utc()
    due = (CapabilityDeclaration.confirmed_at < now - STALE_AFTER,
           or_(CapabilityDeclaration.reminded_at.is_(None), CapabilityDeclaration.reminded_at <= now - REMIND_EVERY))
    ids = list(db.session.scalars(select(CapabilityDeclaration.id).where(*due).order_by(CapabilityDeclaration.id)))
    sent = 0
    for declaration_id in ids:
        with atomic():
            declaration = db.session.get(CapabilityDeclaration, declaration_id)
            if declaration is None:
                continue
            lock(declaration)
            if not (declaration.confirmed_at < now - STALE_AFTER
                    and (declaration.reminded_at is None or declaration.reminded_at <= now - REMIND_EVERY)):
                continue
            declaration.reminded_at = now
            org = declaration.organisation
            notify(None, org, "registry.remind", to=members_of(org.id), template="capability_reminder",
                   data={"confirmed_at": declaration.confirmed_at.isoformat()},
                   context={"organisation": org, "declaration": declaration})
        sent += 1
    return sent


# -- the staff search ----------------------------------------------------------------------------
@dataclass
class Filters:
    capabilities: tuple[str, ...] = ()   # any of these
    district: str | None = None
    min_people: int | None = None
    min_volunteers: int | None = None
    min_grade: int | None = None         # the grade in force (等级评估 valid 5 years)
    freshness: str | None = None         # "current" (confirmed within a year) or "stale"

    @property
    def active(self) -> bool:
        return any((self.capabilities, self.district, self.min_people, self.min_volunteers, self.min_grade,
                    self.freshness))


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _conditions(f: Filters, now: datetime, skip: str | None = None) -> list:
    """WHERE clauses over CapabilityDeclaration joined to Organisation; `skip` leaves one facet's own
    filter out (the counts per district ignore the district chosen, so staff see the alternatives)."""
    D = CapabilityDeclaration
    out = []
    if f.capabilities and skip != "capability":
        out.append(exists().where(DeclaredCapability.declaration_id == D.id,
                                  DeclaredCapability.capability.in_(f.capabilities)))
    if f.district and skip != "district":
        out.append(exists().where(DeclaredDistrict.declaration_id == D.id, DeclaredDistrict.district == f.district))
    if f.min_people:
        out.append(D.people_available >= f.min_people)
    if f.min_volunteers:
        out.append(D.volunteers_available >= f.min_volunteers)
    if f.min_grade:
        # effective_grade() in SQL: the grade counts while assessed less than 5 years ago.
        cutoff = _years_before(to_local(now).date(), GRADE_VALID_YEARS)
        out.append(and_(Organisation.grade >= f.min_grade, Organisation.grade_assessed_on > cutoff))
    if f.freshness == "current":
        out.append(D.confirmed_at >= now - STALE_AFTER)
    elif f.freshness == "stale":
        out.append(D.confirmed_at < now - STALE_AFTER)
    return out


def search_statement(f: Filters, now: datetime | None = None):
    """Declarations matching `f` with their organisation and rows (selectin), for db.paginate:
    the count, the page and two selectin loads — four statements whatever the page size."""
    now = now or now_utc()
    return (select(CapabilityDeclaration).join(Organisation, Organisation.id == CapabilityDeclaration.organisation_id)
            .where(*_conditions(f, now))
            .options(joinedload(CapabilityDeclaration.organisation),
                     selectinload(CapabilityDeclaration.capability_rows),
                     selectinload(CapabilityDeclaration.district_rows))
            .order_by(CapabilityDeclaration.people_available.desc(), Organisation.name, CapabilityDeclaration.id))


@dataclass
class Facets:
    by_district: dict[str, int] = field(default_factory=dict)
    by_capability: dict[str, int] = field(default_factory=dict)


def facets(f: Filters, now: datetime | None = None) -> Facets:
    """Organisations matching `f` per district covered and per capability declared (each facet
    without its own filter), in one UNION ALL statement. An organisation covering three districts
    counts in each of them."""
    now = now or now_utc()
    D = CapabilityDeclaration
    by_district = (select(literal("d").label("facet"), DeclaredDistrict.district.label("code"), func.count())
                   .join(D, D.id == DeclaredDistrict.declaration_id)
                   .join(Organisation, Organisation.id == D.organisation_id)
                   .where(*_conditions(f, now, skip="district")).group_by(DeclaredDistrict.district))
    by_capability = (select(literal("c").label("facet"), DeclaredCapability.capability.label("code"), func.count())
                     .join(D, D.id == DeclaredCapability.declaration_id)
                     .join(Organisation, Organisation.id == D.organisation_id)
                     .where(*_conditions(f, now, skip="capability")).group_by(DeclaredCapability.capability))
    out = Facets(by_district={d: 0 for d in DISTRICTS}, by_capability={c: 0 for c in CAPABILITY_TYPES})
    for facet, code, n in db.session.execute(union_all(by_district, by_capability)).all():
        target = out.by_district if facet == "d" else out.by_capability
        if code in target:
            target[code] = int(n)
    return out


def invitable_calls() -> list[Call]:
    """Open calls, emergency calls first (the main use), newest first."""
    return list(db.session.scalars(
        select(Call).where(Call.status == "open")
        .order_by(case((Call.kind == "emergency", 0), else_=1), Call.opens_at.desc(), Call.id.desc())))


# -- targeted invitations ----------------------------------------------------------------------------
@dataclass
class InviteResult:
    invited: list[Organisation] = field(default_factory=list)
    already: list[Organisation] = field(default_factory=list)

    def message(self) -> str:
        parts = []
        if self.invited:
            parts.append(ngettext("%(num)d organisation was invited; its members were sent a mail.",
                                  "%(num)d organisations were invited; their members were sent a mail.",
                                  len(self.invited)))
        if self.already:
            parts.append(ngettext("%(num)d organisation had been invited to this call already and was not "
                                  "mailed again: %(names)s.",
                                  "%(num)d organisations had been invited to this call already and were not "
                                  "mailed again: %(names)s.", len(self.already),
                                  names="、".join(o.name for o in self.already)))
        return " ".join(parts)


def invite(actor, call: Call, organisation_ids, now: datetime | None = None) -> InviteResult:
    """Invite the organisations to apply to `call` (open): one row per call and organisation, mail to
    each new one's members, an audit event on the organisation. Inviting again is harmless: those
    already invited are reported, not mailed twice. The call's row lock queues two staff inviting
    at once (the unique key is the last guard)."""
    ids = sorted({int(i) for i in organisation_ids})
    if not ids:
        raise ServiceError(_("Tick at least one organisation in the list to invite."))
    if len(ids) > MAX_INVITE_BATCH:
        raise ServiceError(_("Invite at most %(n)d organisations at a time.", n=MAX_INVITE_BATCH))
    now = now or now_utc()
    result = InviteResult()
    with atomic():
        lock(call)
        if call.status != "open":
            raise ServiceError(_("Organisations can only be invited to a call that is open for proposals."))
        orgs = list(db.session.scalars(
            select(Organisation).where(Organisation.id.in_(ids)).order_by(Organisation.name)))
        if len(orgs) != len(ids):
            raise ServiceError(_("Some of the organisations ticked no longer exist. Reload the page and try again."))
        done = set(db.session.scalars(select(CallInvitation.organisation_id).where(
            CallInvitation.call_id == call.id, CallInvitation.organisation_id.in_(ids))))
        for org in orgs:
            if org.id in done:
                result.already.append(org)
                continue
            invitation = CallInvitation(call_id=call.id, organisation_id=org.id, invited_by_id=actor.id, invited_at=now)
            db.session.add(invitation)
            notify(actor, org, "registry.invite", to=members_of(org.id), template="call_invitation",
                   data={"call_id": call.id, "call": call.title},
                   context={"call": call, "organisation": org})
            result.invited.append(org)
    return result


def invitations_for(org_id: int) -> list[CallInvitation]:
    """The organisation's invitations to calls still open, latest first (one statement)."""
    return list(db.session.scalars(
        select(CallInvitation).join(Call, Call.id == CallInvitation.call_id)
        .where(CallInvitation.organisation_id == org_id, Call.status == "open")
        .options(joinedload(CallInvitation.call))
        .order_by(CallInvitation.invited_at.desc(), CallInvitation.id.desc())))
