"""Translatable labels for the codes stored in the database."""
from flask_babel import lazy_gettext as _l

ROLE_LABELS = {
    "applicant": _l("Applicant"),
    "reviewer": _l("Reviewer"),
    "staff": _l("Program staff"),
    "finance": _l("Finance"),
    "finance_senior": _l("Senior finance approver"),
    "admin": _l("Administrator"),
}

ORG_TYPE_LABELS = {
    "social_group": _l("Social group (社会团体)"),
    "social_service": _l("Social service agency (社会服务机构)"),
    "foundation": _l("Foundation (基金会)"),
}

GRADE_LABELS = {0: _l("No grade"), 1: "1A", 2: "2A", 3: "3A", 4: "4A", 5: "5A"}

INSPECTION_LABELS = {
    "passed": _l("Passed"),
    "basic_pass": _l("Basically passed"),
    "failed": _l("Failed"),
}

CATEGORY_LABELS = {
    "elderly": _l("Elderly care"),
    "disability": _l("Disability support"),
    "youth": _l("Children and youth"),
    "community": _l("Community governance"),
    "emergency": _l("Emergency relief"),
    "other": _l("Other"),
}

BUDGET_CATEGORY_LABELS = {
    "personnel": _l("Personnel"),
    "activities": _l("Activities"),
    "materials": _l("Materials"),
    "travel": _l("Travel"),
    "administration": _l("Administration"),
    "other": _l("Other"),
}

CONFLICT_TYPE_LABELS = {
    "affiliation": _l("Employment or affiliation"),
    "family": _l("Family relationship"),
    "financial": _l("Financial interest"),
    "collaboration": _l("Collaboration in the last 3 years"),
    "other": _l("Other"),
}

RECOMMENDATION_LABELS = {
    "fund": _l("Fund"),
    "fund_with_changes": _l("Fund with changes"),
    "do_not_fund": _l("Do not fund"),
}

TRANCHE_CONDITION_LABELS = {
    "signing": _l("On contract signing"),
    "milestone": _l("On acceptance of milestone"),
    "final": _l("On passing the final evaluation"),
}

DISTRICTS = ("南湖区", "秀洲区", "嘉善县", "平湖市", "海盐县", "海宁市", "桐乡市")
