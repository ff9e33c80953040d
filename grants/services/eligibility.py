"""Eligibility of an organisation for a call.

`check(call, organisation, on)` returns the failed rules as translated sentences (Chinese by
default); an empty list means eligible. Every rule is optional on the call:

- minimum grade: the 等级评估 grade in force on `on` (a grade older than 5 years counts as none);
- minimum years since registration: whole years from the registration date to `on`;
- verified organisation (status 'verified');
- annual inspection passed last year: the result for `on.year - 1`; 'passed' (合格) and
  'basic_pass' (基本合格) both count as passed, 'failed' or no record does not;
- not flagged on the 严重违法失信名单;
- district in the call's list (an empty list means every district).
"""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _

from grants import labels

PASSING_INSPECTION = ("passed", "basic_pass")


def years_between(start: date, end: date) -> int:
    """Whole years from `start` to `end` (a birthday-style count)."""
    years = end.year - start.year
    if (end.month, end.day) < (start.month, start.day):
        years -= 1
    return years


def check(call, organisation, on: date) -> list[str]:
    failures: list[str] = []
    if call.require_verified and organisation.status != "verified":
        failures.append(_("The organisation has not been verified by the civil affairs bureau."))
    if call.min_grade:
        grade = organisation.effective_grade(on)
        if grade < call.min_grade:
            needed = labels.GRADE_LABELS[call.min_grade]
            if organisation.grade and not grade:
                failures.append(_("The call requires grade %(needed)s or higher; the organisation's grade "
                                  "assessed on %(date)s has expired (grades are valid for 5 years).",
                                  needed=needed, date=organisation.grade_assessed_on.isoformat()))
            elif not grade:
                failures.append(_("The call requires grade %(needed)s or higher; the organisation has no grade.",
                                  needed=needed))
            else:
                failures.append(_("The call requires grade %(needed)s or higher; the organisation's grade is "
                                  "%(grade)s.", needed=needed, grade=labels.GRADE_LABELS[grade]))
    if call.min_years_registered:
        years = years_between(organisation.registration_date, on)
        if years < call.min_years_registered:
            failures.append(_("The call requires at least %(n)d year(s) since registration; the organisation "
                              "registered on %(date)s.", n=call.min_years_registered,
                              date=organisation.registration_date.isoformat()))
    if call.require_inspection_passed:
        year = on.year - 1
        result = organisation.inspection_result(year)
        if result is None:
            failures.append(_("The call requires a passed annual inspection for %(year)d; there is no result "
                              "for that year.", year=year))
        elif result not in PASSING_INSPECTION:
            failures.append(_("The call requires a passed annual inspection for %(year)d; the result was "
                              "“%(result)s”.", year=year, result=labels.INSPECTION_LABELS.get(result, result)))
    if call.exclude_blacklisted and organisation.blacklisted:
        failures.append(_("The organisation is on the list of seriously illegal and dishonest organisations "
                          "(严重违法失信名单)."))
    if call.districts:
        if organisation.district not in call.districts:
            failures.append(_("The call is open to organisations in %(districts)s; the organisation is in "
                              "%(district)s.", districts="、".join(call.districts),
                              district=organisation.district or _("no district")))
    return failures
