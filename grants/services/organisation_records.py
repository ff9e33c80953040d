"""Organisation records kept by staff: 等级评估 grade, annual inspections, 失信 flag.

Each change is audited with its before/after values. Applicants never reach these functions
(the views check `permissions.can_manage_organisation_records`), and the applicant's profile
service (services.organisations.update_profile) only touches the profile fields.
"""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _

from grants.extensions import db
from grants.models import AnnualInspection, Organisation
from grants.models.organisation import GRADE_VALID_YEARS
from grants.services import ServiceError, atomic
from grants.services.audit import record
from grants.timeutil import local_today

INSPECTION_RESULTS = ("passed", "basic_pass", "failed")


def _iso(value):
    return value.isoformat() if isinstance(value, date) else value


def set_grade(actor, org: Organisation, grade: int, assessed_on: date | None, today: date | None = None) -> None:
    today = today or local_today()
    errors = {}
    if grade not in range(0, 6):
        errors["grade"] = [_("Choose a grade from the list.")]
    if grade and assessed_on is None:
        errors["assessed_on"] = [_("Give the date of the assessment.")]
    if assessed_on is not None and assessed_on > today:
        errors["assessed_on"] = [_("The assessment date cannot be in the future.")]
    if errors:
        raise ServiceError(_("Please correct the marked fields."), errors)
    with atomic():
        before = {"grade": org.grade, "assessed_on": _iso(org.grade_assessed_on)}
        org.grade = grade
        org.grade_assessed_on = assessed_on if grade else None
        record(actor, org, "organisation.grade", data={
            "before": before, "after": {"grade": org.grade, "assessed_on": _iso(org.grade_assessed_on)},
            "valid_years": GRADE_VALID_YEARS,
        })


def set_inspection(actor, org: Organisation, year: int, result: str, note: str | None = None,
                   today: date | None = None) -> None:
    """Record (or correct) the annual-inspection result of one year."""
    today = today or local_today()
    errors = {}
    if result not in INSPECTION_RESULTS:
        errors["result"] = [_("Choose a result from the list.")]
    if year < 1990 or year > today.year:
        errors["year"] = [_("Give a year between 1990 and %(year)d.", year=today.year)]
    if errors:
        raise ServiceError(_("Please correct the marked fields."), errors)
    with atomic():
        row = next((r for r in org.inspections if r.year == year), None)
        before = {"result": row.result, "note": row.note} if row else None
        if row is None:
            row = AnnualInspection(organisation_id=org.id, year=year, result=result, note=note or None)
            db.session.add(row)
            org.inspections.append(row)
        else:
            row.result, row.note = result, note or None
        record(actor, org, "organisation.inspection", data={
            "year": year, "before": before, "after": {"result": result, "note": note or None}})


def set_blacklist(actor, org: Organisation, flagged: bool, on: date | None, note: str | None,
                  today: date | None = None) -> None:
    """Put the organisation on the 严重违法失信名单 (with date and note) or take it off."""
    today = today or local_today()
    note = (note or "").strip() or None
    errors = {}
    if flagged and on is None:
        errors["on"] = [_("Give the date the organisation was listed.")]
    if on is not None and on > today:
        errors["on"] = [_("The date cannot be in the future.")]
    if flagged and not note:
        errors["note"] = [_("Give the reason or the listing decision's reference.")]
    if errors:
        raise ServiceError(_("Please correct the marked fields."), errors)
    with atomic():
        before = {"flagged": org.blacklisted, "on": _iso(org.blacklisted_on), "note": org.blacklist_note}
        org.blacklisted = flagged
        org.blacklisted_on = on if flagged else None
        org.blacklist_note = note
        record(actor, org, "organisation.blacklist" if flagged else "organisation.unblacklist", data={
            "before": before, "after": {"flagged": flagged, "on": _iso(org.blacklisted_on), "note": note}})
