"""Jinja filters and globals: money, 大写, local times, labels, permissions."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from urllib.parse import urlencode

from flask import current_app, request
from flask_babel import get_locale

from grants import labels, permissions
from grants.money import daxie, format_yuan
from grants.services.files import sanitise_name
from grants.timeutil import to_local
from grants.workflows import WORKFLOWS


def local_datetime(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    if value is None:
        return ""
    return to_local(value).strftime(fmt)


def local_date(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return to_local(value).strftime("%Y-%m-%d")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def status_label(status: str, workflow: str, applicant: bool = False):
    wf = WORKFLOWS[workflow]
    return wf.applicant_label(status) if applicant else wf.label(status)


def current_lang() -> str:
    """'zh_CN' or 'en' (Babel spells the Chinese locale zh_Hans_CN)."""
    return "zh_CN" if get_locale().language == "zh" else "en"


def url_with(**changes) -> str:
    """The current URL with some query arguments replaced (for pagination and filters)."""
    args = request.args.to_dict(flat=True)
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = value
    return request.path + ("?" + urlencode(args) if args else "")


def plain_number(value) -> str:
    """A quantity as people write it: 7,200 not 7200.00; 90 not 90.00; 12.5 stays 12.5."""
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    if number == number.to_integral_value():
        return f"{int(number):,}"
    return f"{number.normalize():,f}"


def _audit_workflow(object_type: str):
    from grants.services.audit import workflow_of

    return workflow_of(object_type)


def _rules():
    """The numbers behind the rules, for templates that state them (never re-computed there)."""
    from types import SimpleNamespace

    from grants.models.organisation import GRADE_VALID_YEARS
    from grants.services import ranking, reviews

    return SimpleNamespace(
        GRADE_VALID_YEARS=GRADE_VALID_YEARS,
        TRIM_MIN_REVIEWS=ranking.TRIM_MIN_REVIEWS,
        CALIBRATION_MIN_REVIEWS=ranking.CALIBRATION_MIN_REVIEWS,
        COMMENT_THRESHOLD_PERCENT=int(reviews.COMMENT_THRESHOLD * 100),
        comment_limit=reviews.comment_limit,
    )


def attachment_name(attachment) -> str:
    """An attachment's name as shown: cleaned again, so rows stored before a rule changed show
    the same name their download gets."""
    return sanitise_name(attachment.original_name, attachment.content_type)


def init_app(app) -> None:
    app.jinja_env.filters.update(
        money=format_yuan,
        number=plain_number,
        daxie=daxie,
        localdt=local_datetime,
        localdate=local_date,
        action_label=labels.action_label,
        attachment_name=attachment_name,
    )
    app.jinja_env.globals.update(
        can=permissions.can,
        perms=permissions,
        labels=labels,
        status_label=status_label,
        url_with=url_with,
        get_locale=get_locale,
        current_lang=current_lang,
        rules=_rules(),
        audit_workflow=_audit_workflow,
    )

    @app.context_processor
    def inject():
        return {"LANGUAGES": current_app.config["LANGUAGES"], "FUNDER_NAME": current_app.config["FUNDER_NAME"]}
