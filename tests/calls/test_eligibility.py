"""Eligibility: a table of organisations × rules → verdict and the sentence shown (Chinese)."""
from __future__ import annotations

from datetime import date

import pytest
from flask_babel import force_locale

from grants.services.eligibility import check, years_between
from tests.factories import create_call, create_org

ON = date(2027, 2, 1)  # the day of the check; "last year" is 2026

# Rules of a call (anything not named is off).
NO_RULES = dict(require_verified=False, exclude_blacklisted=False, require_inspection_passed=False,
                min_grade=None, min_years_registered=None, districts=None)

GOOD_ORG = dict(status="verified", grade=4, grade_assessed_on=date(2024, 5, 1), registration_date=date(2015, 1, 1),
                district="南湖区", inspections=((2025, "passed"), (2026, "passed")), blacklisted=False)

CASES = [
    # id, call rules, organisation changes, expected messages (empty = eligible)
    ("no-rules", {}, dict(status="pending", grade=0, blacklisted=True), []),
    ("verified-ok", dict(require_verified=True), {}, []),
    ("verified-pending", dict(require_verified=True), dict(status="pending"), ["该组织尚未通过民政局核验。"]),
    ("verified-rejected", dict(require_verified=True), dict(status="rejected"), ["该组织尚未通过民政局核验。"]),
    ("grade-equal", dict(min_grade=4), {}, []),
    ("grade-higher", dict(min_grade=3), dict(grade=5), []),
    ("grade-lower", dict(min_grade=5), {}, ["本次征集要求评估等级5A及以上；该组织的等级为4A。"]),
    ("grade-none", dict(min_grade=3), dict(grade=0), ["本次征集要求评估等级3A及以上；该组织尚无评估等级。"]),
    ("grade-expired", dict(min_grade=3), dict(grade=5, grade_assessed_on=date(2022, 1, 31)),
     ["本次征集要求评估等级3A及以上；该组织于2022-01-31评定的等级已过期（等级有效期5年）。"]),
    ("grade-last-valid-day", dict(min_grade=3), dict(grade=5, grade_assessed_on=date(2022, 2, 2)), []),
    ("years-enough", dict(min_years_registered=2), dict(registration_date=date(2025, 2, 1)), []),
    ("years-one-day-short", dict(min_years_registered=2), dict(registration_date=date(2025, 2, 2)),
     ["本次征集要求登记成立满2年；该组织的登记日期为2025-02-02。"]),
    ("inspection-passed", dict(require_inspection_passed=True), {}, []),
    ("inspection-basic-pass", dict(require_inspection_passed=True), dict(inspections=((2026, "basic_pass"),)), []),
    ("inspection-failed", dict(require_inspection_passed=True), dict(inspections=((2025, "passed"), (2026, "failed"))),
     ["本次征集要求2026年度年检合格；该组织的年检结果为“不合格”。"]),
    ("inspection-missing", dict(require_inspection_passed=True), dict(inspections=((2025, "passed"),)),
     ["本次征集要求2026年度年检合格；该组织没有该年度的年检结果。"]),
    ("blacklist-clean", dict(exclude_blacklisted=True), {}, []),
    ("blacklisted", dict(exclude_blacklisted=True), dict(blacklisted=True), ["该组织已被列入严重违法失信名单。"]),
    ("district-in", dict(districts=["南湖区", "秀洲区"]), {}, []),
    ("district-out", dict(districts=["南湖区", "秀洲区"]), dict(district="海宁市"),
     ["本次征集仅限南湖区、秀洲区的组织申报；该组织所在区域为海宁市。"]),
    ("district-empty", dict(districts=["南湖区"]), dict(district=None),
     ["本次征集仅限南湖区的组织申报；该组织所在区域为未填写区县。"]),
    ("every-rule-fails", dict(require_verified=True, min_grade=3, min_years_registered=3,
                              require_inspection_passed=True,
                              exclude_blacklisted=True, districts=["桐乡市"]),
     dict(status="pending", grade=0, registration_date=date(2025, 6, 1), inspections=(), blacklisted=True),
     ["该组织尚未通过民政局核验。", "本次征集要求评估等级3A及以上；该组织尚无评估等级。",
      "本次征集要求登记成立满3年；该组织的登记日期为2025-06-01。",
      "本次征集要求2026年度年检合格；该组织没有该年度的年检结果。", "该组织已被列入严重违法失信名单。",
      "本次征集仅限桐乡市的组织申报；该组织所在区域为南湖区。"]),
]


@pytest.mark.parametrize("rules, org_changes, expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_eligibility_table(app, rules, org_changes, expected):
    call = create_call(**{**NO_RULES, **rules})
    org = create_org(**{**GOOD_ORG, **org_changes})
    with app.test_request_context():
        assert check(call, org, ON) == expected


def test_messages_follow_the_language(app):
    call = create_call(**{**NO_RULES, "exclude_blacklisted": True})
    org = create_org(**{**GOOD_ORG, "blacklisted": True})
    with app.test_request_context(), force_locale("en"):
        assert check(call, org, ON) == [
            "The organisation is on the list of seriously illegal and dishonest organisations (严重违法失信名单)."]


@pytest.mark.parametrize("start, end, years", [
    (date(2020, 2, 29), date(2021, 2, 28), 0), (date(2020, 2, 29), date(2021, 3, 1), 1),
    (date(2015, 1, 1), date(2027, 1, 1), 12), (date(2015, 1, 2), date(2027, 1, 1), 11),
])
def test_years_between(start, end, years):
    assert years_between(start, end) == years
