"""Factories for the calls area: valid call-form data, organisations for eligibility tables."""
from __future__ import annotations

from grants.services.calls import DEFAULT_RUBRIC, TRANCHE_PRESETS


def call_form(**overrides) -> dict:
    """POST data for /calls/new that is valid as it stands; override any field."""
    data = {
        "title": "2027年度嘉兴市公益创投项目征集",
        "description": "面向全市社会组织征集为老、助残、青少年服务项目。",
        "categories": ["elderly", "youth"],
        "budget_pool": "2000000",
        "per_project_cap": "80000",
        "min_matching_share": "20",
        "max_personnel_share": "30",
        "max_proposals_per_org": "1",
        "term_min_months": "1",
        "term_max_months": "12",
        "opens_on": "2027-01-15",
        "opens_time": "09:00",
        "closes_on": "2027-03-31",
        "closes_time": "",
        "reviewers_per_proposal": "3",
        "notice_working_days": "5",
        "allow_resubmit": "y",
        "min_grade": "0",
        "min_years_registered": "",
        "require_verified": "y",
        "exclude_blacklisted": "y",
        "tranche_preset": "",
    }
    for i, (name, description, weight) in enumerate(DEFAULT_RUBRIC):
        data[f"criteria-{i}-name"] = name
        data[f"criteria-{i}-description"] = description
        data[f"criteria-{i}-weight"] = str(weight)
        data[f"criteria-{i}-max_score"] = "10"
    for i, (pct, cond, milestone) in enumerate(TRANCHE_PRESETS["50_30_20"]):
        data[f"tranches-{i}-percentage"] = str(pct)
        data[f"tranches-{i}-condition"] = cond
        data[f"tranches-{i}-milestone_number"] = str(milestone or "")
    for key, value in overrides.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data
