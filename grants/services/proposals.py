"""Proposals (申报): drafts, attachments, submission checks, withdrawal, screening (初审).

Every function takes the acting user, checks, changes, audits and queues mail in one
transaction. `now` (an aware UTC datetime) can be passed for the deadline checks.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from sqlalchemy.orm import contains_eager

from grants.extensions import db
from grants.labels import CATEGORY_LABELS
from grants.models import (
    Attachment,
    AuditEvent,
    BudgetLine,
    Call,
    Indicator,
    Organisation,
    Proposal,
    ProposedMilestone,
)
from grants.models.proposal import BUDGET_CATEGORIES
from grants.money import MAX_AMOUNT, format_yuan, quantize
from grants.services import ServiceError, atomic, files, lock
from grants.services.audit import history, record
from grants.services.people import members_of as members
from grants.services.workflow import transition
from grants.timeutil import now_utc, to_local
from grants.workflows import PROPOSAL

SCALAR_FIELDS = (
    "title", "category", "summary", "need_analysis", "objectives", "beneficiaries", "beneficiary_count",
    "activities", "start_date", "end_date", "amount_requested", "matching_funds", "matching_source",
)
# Required at submission (text fields must not be blank).
REQUIRED_TEXT = ("title", "summary", "need_analysis", "objectives", "beneficiaries", "activities")
# Marked as required on the form (the rows: at least one indicator, budget line and milestone).
REQUIRED_FIELDS = REQUIRED_TEXT + ("category", "beneficiary_count", "start_date", "end_date", "amount_requested",
                                   "matching_funds")
# Statuses the screening list shows (drafts stay private to the organisation).
SCREENING_STATUSES = ("submitted", "withdrawn", "screened_in", "screened_out", "recommended", "awarded", "not_funded")
# Submitted and later: these count against the call's maximum per organisation at submission.
ACTIVE_STATUSES = tuple(s for s in SCREENING_STATUSES if s != "withdrawn")


# -- helpers ---------------------------------------------------------------------------
def line_total(unit_price: Decimal, quantity: Decimal) -> Decimal:
    """unit price × quantity, rounded half-up to the fen (never floats)."""
    return quantize(Decimal(unit_price) * Decimal(quantity))


def term_months(start: date, end: date) -> int:
    """Whole calendar months covered by start..end inclusive; a started month counts.

    2027-01-01..2027-12-31 is 12 months; 2027-01-15..2027-07-14 is 6; ..2027-07-15 is 7.
    """
    after = end + timedelta(days=1)
    months = (after.year - start.year) * 12 + (after.month - start.month)
    if after.day > start.day:
        months += 1
    return months


def _sum(lines, funded_by: str, category: str | None = None) -> Decimal:
    total = Decimal("0.00")
    for line in lines:
        if line.funded_by == funded_by and (category is None or line.category == category):
            total += line.total
    return total


def grant_total(proposal) -> Decimal:
    return _sum(proposal.budget_lines, "grant")


def matching_total(proposal) -> Decimal:
    return _sum(proposal.budget_lines, "matching")


# The budget category whose share of the grant a call caps (Call.max_personnel_share).
CAPPED_CATEGORY = "personnel"
PCT = Decimal("0.01")


def budget_limits(call: Call) -> dict:
    """The call's money rules, as the edit page exposes them (data attributes) to its live check."""
    return {"cap": f"{call.per_project_cap:.2f}", "min_matching_share": f"{call.min_matching_share:.2f}",
            "max_share": f"{call.max_personnel_share:.2f}", "capped_category": CAPPED_CATEGORY}


def budget_figures(call: Call, lines, requested: Decimal | None, matching: Decimal | None) -> dict:
    """The budget's totals and shares against the call's rules: what submission checks and what
    the edit page shows (percentages to two places, Decimal's half-even rounding).

    matching share = matching funds ÷ (amount requested + matching funds);
    capped share = grant lines of the capped category (personnel) ÷ amount requested.
    """
    grant, match = _sum(lines, "grant"), _sum(lines, "matching")
    figures = {"grant_total": grant, "matching_total": match, "matching_share": None, "capped_share": None,
               "over_cap": requested is not None and requested > call.per_project_cap,
               "matching_low": False, "capped_high": False}
    if requested is not None and requested > 0 and matching is not None:
        share = (matching * 100 / (requested + matching)).quantize(PCT)
        figures["matching_share"], figures["matching_low"] = share, share < call.min_matching_share
        if lines:
            capped = (_sum(lines, "grant", CAPPED_CATEGORY) * 100 / requested).quantize(PCT)
            figures["capped_share"], figures["capped_high"] = capped, capped > call.max_personnel_share
    return figures




def count_for(call: Call, organisation: Organisation, *, exclude_id: int | None = None, statuses=None) -> int:
    stmt = select(func.count()).select_from(Proposal).where(
        Proposal.call_id == call.id, Proposal.organisation_id == organisation.id
    )
    if exclude_id is not None:
        stmt = stmt.where(Proposal.id != exclude_id)
    if statuses is not None:
        stmt = stmt.where(Proposal.status.in_(statuses))
    return db.session.scalar(stmt) or 0


def limit_reached(call: Call, existing: int) -> bool:
    """THE rule on how many proposals an organisation may start on a call: `existing` is what
    `count_for` / `counts_by_call` return. `start()` refuses, and pages hide the start button, by it."""
    return existing >= (call.max_proposals_per_org or 1)


def limit_message(call: Call) -> str:
    n = call.max_proposals_per_org or 1
    return _("Your organisation already has %(n)d proposal(s) on this call, the most it may make.", n=n)


def counts_by_call(organisation: Organisation, call_ids) -> dict[int, int]:
    """`count_for` for several calls in one statement."""
    ids = list(call_ids)
    if not ids:
        return {}
    rows = db.session.execute(select(Proposal.call_id, func.count()).where(
        Proposal.organisation_id == organisation.id, Proposal.call_id.in_(ids)).group_by(Proposal.call_id)).all()
    found = dict(rows)
    return {i: int(found.get(i, 0)) for i in ids}


def may_start(call: Call, organisation: Organisation) -> bool:
    return not limit_reached(call, count_for(call, organisation))


def _accepting(call: Call, when: datetime) -> bool:
    from grants.services.calls import accepting_at

    return accepting_at(call, when)


def _eligibility(call: Call, organisation: Organisation, on: date) -> list[str]:
    from grants.services import eligibility

    return list(eligibility.check(call, organisation, on))


def _require_member(actor, proposal: Proposal) -> None:
    if actor is None or proposal.organisation_id not in actor.organisation_ids or not actor.has_role("applicant"):
        raise ServiceError(_("Only members of the applying organisation can change this proposal."))


# -- start and edit ------------------------------------------------------------------------
def start(actor, call: Call, organisation: Organisation, *, now: datetime | None = None) -> Proposal:
    """Create a draft proposal on an open call (within the per-organisation maximum)."""
    now = now or now_utc()
    if actor is None or organisation.id not in actor.organisation_ids or not actor.has_role("applicant"):
        raise ServiceError(_("Only members of an organisation can start a proposal for it."))
    if not _accepting(call, now):
        raise ServiceError(_("This call is not accepting proposals now."))
    if limit_reached(call, count_for(call, organisation)):
        raise ServiceError(limit_message(call))
    with atomic():
        proposal = Proposal(call_id=call.id, organisation_id=organisation.id, created_by_id=actor.id,
                            status="draft", title="", matching_source="")
        db.session.add(proposal)
        db.session.flush()
        record(actor, proposal, "proposal.create", to_status="draft")
    return proposal


def _validate_rows(data: dict) -> dict:
    """Server-side checks of row contents (the form checks formats; this checks meaning)."""
    errors: dict = {}
    for i, row in enumerate(data.get("budget_lines", [])):
        if row["category"] not in BUDGET_CATEGORIES:
            errors.setdefault("budget_lines", []).append(_("Budget row %(n)d: choose a category.", n=i + 1))
        if row["funded_by"] not in ("grant", "matching"):
            errors.setdefault("budget_lines", []).append(_("Budget row %(n)d: choose who pays.", n=i + 1))
        if row["unit_price"] <= 0 or row["quantity"] <= 0:
            errors.setdefault("budget_lines", []).append(
                _("Budget row %(n)d: the unit price and the quantity must be more than zero.", n=i + 1))
        elif line_total(row["unit_price"], row["quantity"]) > MAX_AMOUNT:
            errors.setdefault("budget_lines", []).append(
                _("Budget row %(n)d: the line total is too large (at most ¥99,999,999.99).", n=i + 1))
    return errors


class DraftConflict(ServiceError):
    """The draft was saved elsewhere (another window, a colleague) after this form was loaded."""

    conflict = True

    def __init__(self, proposal: Proposal):
        super().__init__(_("This draft was changed elsewhere (another window or a colleague) at %(at)s, after "
                           "you opened it. Your changes here have not been saved: copy what you need, then "
                           "reload the page.", at=to_local(proposal.updated_at).strftime("%H:%M")))


# The value a field holds while what was typed into it cannot be saved.
_EMPTY = {name: "" for name in REQUIRED_TEXT + ("matching_source",)}


def save_draft(actor, proposal: Proposal, data: dict, raw: dict | None = None, *, version: int | None = None,
               now: datetime | None = None) -> Proposal:
    """Store a draft in one transaction: the valid values in `data` (formats checked by the form;
    nothing is required), and in `raw` the typed text of what could not be read
    ({"fields": {name: text}, "rows": {section: [{"at": n, "values": {…}}]}}), kept until
    corrected. Each field in raw["fields"] is emptied: the proposal holds only what is valid.

    `version` is the proposal version the form was loaded with: if the draft was saved since,
    DraftConflict is raised and nothing is written (never overwrite someone else's save).
    """
    _require_member(actor, proposal)
    if proposal.status != "draft":
        raise ServiceError(_("Only a draft can be changed. Withdraw the proposal first to change it."))
    errors = _validate_rows(data)
    start_date, end_date = data.get("start_date"), data.get("end_date")
    if start_date and end_date and end_date < start_date:
        errors.setdefault("end_date", []).append(_("The end date must be on or after the start date."))
    category = data.get("category")
    if category and category not in (proposal.call.categories or []):
        errors.setdefault("category", []).append(_("Choose one of the call's categories."))
    if errors:
        raise ServiceError(_("Please correct the marked fields."), errors)
    raw = {"fields": dict((raw or {}).get("fields") or {}),
           "rows": {k: list(v) for k, v in ((raw or {}).get("rows") or {}).items() if v}}
    with atomic():
        lock(proposal)
        if proposal.status != "draft":
            raise ServiceError(_("Only a draft can be changed. Withdraw the proposal first to change it."))
        if version is not None and version != proposal.version:
            raise DraftConflict(proposal)
        for name in raw["fields"]:
            if name in SCALAR_FIELDS:
                setattr(proposal, name, _EMPTY.get(name))
        proposal.draft_raw = raw if (raw["fields"] or raw["rows"]) else None
        proposal.updated_at = now or now_utc()  # always a new version, even if only rows changed
        for name in SCALAR_FIELDS:
            if name in data:
                value = data[name]
                if isinstance(value, str):
                    value = value.strip()
                if name == "category":
                    value = value or None
                setattr(proposal, name, value)
        if "budget_lines" in data:
            proposal.budget_lines = [
                BudgetLine(position=i, category=row["category"], description=row["description"].strip(),
                           unit_price=row["unit_price"], quantity=row["quantity"],
                           total=line_total(row["unit_price"], row["quantity"]), funded_by=row["funded_by"])
                for i, row in enumerate(data["budget_lines"])
            ]
        if "indicators" in data:
            proposal.indicators = [
                Indicator(position=i, name=row["name"].strip(), target=row["target"],
                          unit=(row.get("unit") or "").strip())
                for i, row in enumerate(data["indicators"])
            ]
        if "milestones" in data:
            proposal.milestones = [
                ProposedMilestone(position=i, title=row["title"].strip(), due_date=row["due_date"],
                                  deliverable=(row.get("deliverable") or "").strip())
                for i, row in enumerate(data["milestones"])
            ]
        record(actor, proposal, "proposal.save_draft",
               data={"unsaved": sorted(raw["fields"]) + sorted(raw["rows"])} if proposal.draft_raw else None)
    return proposal


# -- submission checks -------------------------------------------------------------------
def unsaved(proposal: Proposal) -> tuple[set, set]:
    """(fields, row sections) holding typed values that could not be saved (Proposal.draft_raw)."""
    raw = proposal.draft_raw or {}
    return set(raw.get("fields") or {}), {name for name, rows in (raw.get("rows") or {}).items() if rows}


def field_problems(proposal: Proposal) -> dict:
    """What stops submission in the proposal's own content (field -> messages); no queries
    beyond the proposal's call and rows. A field whose typed value could not be saved is
    reported by the form with its own message, not here."""
    call = proposal.call
    fields: dict = {}

    def add(name, message):
        fields.setdefault(name, []).append(message)

    required = _("This is required before submitting.")
    for name in REQUIRED_TEXT:
        if not (getattr(proposal, name) or "").strip():
            add(name, required)
    if not proposal.category:
        add("category", _("Choose a category."))
    elif proposal.category not in (call.categories or []):
        add("category", _("Choose one of the call's categories."))
    if not proposal.beneficiary_count or proposal.beneficiary_count <= 0:
        add("beneficiary_count", _("Give the number of beneficiaries."))
    if proposal.start_date is None:
        add("start_date", required)
    if proposal.end_date is None:
        add("end_date", required)
    if proposal.start_date and proposal.end_date:
        if proposal.end_date < proposal.start_date:
            add("end_date", _("The end date must be on or after the start date."))
        else:
            months = term_months(proposal.start_date, proposal.end_date)
            if months < call.term_min_months or months > call.term_max_months:
                add("end_date", _("The project lasts %(m)d months; this call allows %(lo)d to %(hi)d months.",
                                  m=months, lo=call.term_min_months, hi=call.term_max_months))
    if not proposal.indicators:
        add("indicators", _("Add at least one measurable indicator."))
    if not proposal.milestones:
        add("milestones", _("Add at least one milestone."))
    elif proposal.start_date and proposal.end_date:
        for i, m in enumerate(proposal.milestones):
            if not (proposal.start_date <= m.due_date <= proposal.end_date):
                add("milestones", _("Milestone %(n)d is due outside the project term.", n=i + 1))

    requested, matching = proposal.amount_requested, proposal.matching_funds
    figures = budget_figures(call, proposal.budget_lines, requested, matching)
    if requested is None or requested <= 0:
        add("amount_requested", _("Enter the amount requested (more than zero)."))
    elif figures["over_cap"]:
        add("amount_requested", _("The amount requested is above this call's cap of %(cap)s.",
                                  cap=format_yuan(call.per_project_cap)))
    if matching is None:
        add("matching_funds", _("Enter the matching funds (0 if none)."))
    elif matching > 0 and not (proposal.matching_source or "").strip():
        add("matching_source", _("Say where the matching funds come from."))
    if not proposal.budget_lines:
        add("budget_lines", _("Add the budget lines."))
    if figures["matching_low"]:
        add("matching_funds", _("Matching funds are %(share)s%% of the project budget; this call requires at "
                                "least %(min)s%%.", share=figures["matching_share"], min=call.min_matching_share))
    if figures["capped_high"]:
        add("budget_lines", _("Personnel costs are %(share)s%% of the grant; this call allows at most "
                              "%(max)s%%.", share=figures["capped_share"], max=call.max_personnel_share))
    if proposal.budget_lines:
        grant_sum, matching_sum = figures["grant_total"], figures["matching_total"]
        if requested is not None and grant_sum != requested:
            add("amount_requested", _("The budget lines paid by the grant add up to %(sum)s, not %(req)s.",
                                      sum=format_yuan(grant_sum), req=format_yuan(requested)))
        if matching is not None and matching_sum != matching:
            add("matching_funds", _("The budget lines paid from matching funds add up to %(sum)s, not %(m)s.",
                                    sum=format_yuan(matching_sum), m=format_yuan(matching)))
    bad_fields, _bad_rows = unsaved(proposal)
    return {name: messages for name, messages in fields.items() if name not in bad_fields}


# The long form's sections (index entries) and the fields each one holds.
FORM_SECTIONS = (
    ("project", ("title", "category", "summary", "need_analysis", "objectives", "beneficiaries",
                 "beneficiary_count", "activities", "start_date", "end_date")),
    ("indicators", ("indicators",)),
    ("budget", ("budget_lines", "amount_requested", "matching_funds", "matching_source")),
    ("milestones", ("milestones",)),
)


def section_completeness(proposal: Proposal) -> dict[str, bool]:
    """Section -> ready for submission, judged by the same checks as submission (field_problems)
    plus the values that could not be saved."""
    fields = field_problems(proposal)
    bad_fields, bad_rows = unsaved(proposal)
    blocked = set(fields) | bad_fields | bad_rows
    return {key: not blocked.intersection(names) for key, names in FORM_SECTIONS}


def problems(proposal: Proposal, now: datetime | None = None) -> tuple[dict, list[str]]:
    """Every reason the proposal cannot be submitted now: (field -> messages, general messages)."""
    now = now or now_utc()
    call, org = proposal.call, proposal.organisation
    fields = field_problems(proposal)
    general: list[str] = []
    bad_fields, bad_rows = unsaved(proposal)
    if bad_fields or bad_rows:
        general.append(_("Some of what was typed could not be saved (marked on the form): correct it before "
                         "submitting."))
    if not _accepting(call, now):
        general.append(_("The call is not accepting proposals now (closing time %(closes)s, Beijing time).",
                         closes=to_local(call.closes_at).strftime("%Y-%m-%d %H:%M:%S")))
    for sentence in _eligibility(call, org, to_local(now).date()):
        general.append(sentence)
    limit = call.max_proposals_per_org or 1
    if count_for(call, org, exclude_id=proposal.id, statuses=ACTIVE_STATUSES) >= limit:
        general.append(_("Your organisation already has %(n)d proposal(s) on this call, the most it may make.",
                         n=limit))
    return fields, general


def build_snapshot(proposal: Proposal, now: datetime) -> dict:
    call = proposal.call
    money = lambda v: None if v is None else f"{v:.2f}"  # noqa: E731
    return {
        "submitted_at": now.isoformat(),
        "proposal": {
            "title": proposal.title, "category": proposal.category, "summary": proposal.summary,
            "need_analysis": proposal.need_analysis, "objectives": proposal.objectives,
            "beneficiaries": proposal.beneficiaries, "beneficiary_count": proposal.beneficiary_count,
            "activities": proposal.activities,
            "start_date": proposal.start_date.isoformat() if proposal.start_date else None,
            "end_date": proposal.end_date.isoformat() if proposal.end_date else None,
            "amount_requested": money(proposal.amount_requested), "matching_funds": money(proposal.matching_funds),
            "matching_source": proposal.matching_source,
        },
        "organisation": {"id": proposal.organisation_id, "name": proposal.organisation.name,
                         "uscc": proposal.organisation.uscc},
        "budget_lines": [
            {"category": b.category, "description": b.description, "unit_price": money(b.unit_price),
             "quantity": f"{b.quantity}", "total": money(b.total), "funded_by": b.funded_by}
            for b in proposal.budget_lines
        ],
        "indicators": [{"name": i.name, "target": f"{i.target}", "unit": i.unit} for i in proposal.indicators],
        "milestones": [{"title": m.title, "due_date": m.due_date.isoformat(), "deliverable": m.deliverable}
                       for m in proposal.milestones],
        "attachments": [{"id": a.id, "name": a.original_name, "sha256": a.sha256, "size": a.size,
                         "content_type": a.content_type} for a in proposal.attachments],
        "call": {
            "id": call.id, "title": call.title, "per_project_cap": money(call.per_project_cap),
            "min_matching_share": f"{call.min_matching_share}", "max_personnel_share": f"{call.max_personnel_share}",
            "term_min_months": call.term_min_months, "term_max_months": call.term_max_months,
            "max_proposals_per_org": call.max_proposals_per_org,
            "opens_at": call.opens_at.isoformat(), "closes_at": call.closes_at.isoformat(),
            "categories": list(call.categories or []),
            "eligibility": {"min_grade": call.min_grade, "min_years_registered": call.min_years_registered,
                            "require_verified": call.require_verified,
                            "require_inspection_passed": call.require_inspection_passed,
                            "exclude_blacklisted": call.exclude_blacklisted, "districts": call.districts},
            "rubric": [{"name": c.name, "description": c.description, "weight": c.weight, "max_score": c.max_score}
                       for c in call.criteria],
            "tranches": [{"percentage": t.percentage, "condition": t.condition, "milestone_number": t.milestone_number}
                         for t in call.tranches],
        },
    }


def submit(actor, proposal: Proposal, *, now: datetime | None = None) -> Proposal:
    """Check everything; if all is well freeze a snapshot and submit (or resubmit)."""
    now = now or now_utc()
    _require_member(actor, proposal)
    if proposal.status not in ("draft", "withdrawn"):
        raise ServiceError(_("This proposal has been submitted already."))
    if proposal.status == "withdrawn" and not proposal.call.allow_resubmit:
        raise ServiceError(_("This call does not allow a withdrawn proposal to be submitted again."))
    fields, general = problems(proposal, now)
    if fields or general:
        exc = ServiceError(_("The proposal cannot be submitted yet: please correct the problems shown."), fields)
        exc.general = general
        raise exc
    with atomic():
        lock(proposal)
        proposal.submitted_at = now
        proposal.submission_count = (proposal.submission_count or 0) + 1
        proposal.snapshot = build_snapshot(proposal, now)
        transition(PROPOSAL, proposal, "submitted", actor, now=now, to=members(proposal.organisation_id),
                   template="proposal_submitted", context={"proposal": proposal})
    return proposal


def save_and_submit(actor, proposal: Proposal, data: dict, raw: dict | None = None, *, version: int | None = None,
                    now: datetime | None = None) -> Proposal:
    """Save what the applicant typed, then submit it: the one deliberate two-transaction step.

    The draft is saved and committed first, so that a refused submission never loses what was
    typed (the applicant corrects the problems shown and submits again); the submission is then
    its own transaction. A refusal of the save raises ServiceError with `draft_saved = False`
    (nothing was written); a refusal of the submission raises it with `draft_saved = True`.
    """
    try:
        save_draft(actor, proposal, data, raw, version=version, now=now)
    except ServiceError as exc:
        exc.draft_saved = False
        raise
    try:
        return submit(actor, proposal, now=now)
    except ServiceError as exc:
        exc.draft_saved = True
        raise


def withdraw(actor, proposal: Proposal, *, now: datetime | None = None, reason: str | None = None) -> Proposal:
    now = now or now_utc()
    _require_member(actor, proposal)
    if proposal.status != "submitted":
        raise ServiceError(_("Only a submitted proposal that has not been screened can be withdrawn."))
    with atomic():
        transition(PROPOSAL, proposal, "withdrawn", actor, note=(reason or "").strip() or None, now=now,
                   to=members(proposal.organisation_id), template="proposal_withdrawn",
                   context={"proposal": proposal})
    return proposal


def reopen(actor, proposal: Proposal, *, now: datetime | None = None) -> Proposal:
    """A withdrawn proposal back to draft for changes (only if the call allows resubmission)."""
    now = now or now_utc()
    _require_member(actor, proposal)
    if proposal.status != "withdrawn":
        raise ServiceError(_("Only a withdrawn proposal can be reopened."))
    with atomic():
        transition(PROPOSAL, proposal, "draft", actor, now=now)
    return proposal


# -- attachments ---------------------------------------------------------------------------
def add_attachment(actor, proposal: Proposal, filename: str | None, data: bytes) -> Attachment:
    _require_member(actor, proposal)
    if proposal.status != "draft":
        raise ServiceError(_("Files can only be added to a draft."))
    content_type = files.checked_upload(filename, data)
    if len(proposal.attachments) >= files.MAX_FILES_PER_PROPOSAL:
        msg = _("A proposal can have at most %(n)d files. Remove one first.", n=files.MAX_FILES_PER_PROPOSAL)
        raise ServiceError(msg, {"file": [msg]})
    with atomic():
        lock(proposal)
        if proposal.status != "draft":
            raise ServiceError(_("Files can only be added to a draft."))
        if len(proposal.attachments) >= files.MAX_FILES_PER_PROPOSAL:
            msg = _("A proposal can have at most %(n)d files. Remove one first.", n=files.MAX_FILES_PER_PROPOSAL)
            raise ServiceError(msg, {"file": [msg]})
        stored = files.store(data, content_type)
        attachment = Attachment(proposal_id=proposal.id, original_name=files.sanitise_name(filename, content_type),
                                stored_file=stored, uploaded_by_id=actor.id)
        proposal.attachments.append(attachment)
        db.session.flush()
        record(actor, proposal, "proposal.attach", data={"attachment_id": attachment.id,
                                                          "name": attachment.original_name, "sha256": stored.sha256})
    return attachment


def delete_attachment(actor, attachment: Attachment) -> None:
    proposal = attachment.proposal
    _require_member(actor, proposal)
    if proposal.status != "draft":
        raise ServiceError(_("Files can only be removed from a draft."))
    with atomic():
        lock(proposal)
        if proposal.status != "draft":
            raise ServiceError(_("Files can only be removed from a draft."))
        record(actor, proposal, "proposal.detach", data={"attachment_id": attachment.id,
                                                          "name": attachment.original_name})
        stored_file_id = attachment.stored_file_id
        proposal.attachments.remove(attachment)
        db.session.flush()
        files.remove_if_unused(stored_file_id)


# -- screening ---------------------------------------------------------------------------
def eligibility_at_submission(proposal: Proposal) -> list[str]:
    """The call's eligibility rules the organisation fails, judged on the day it submitted (today
    for a draft): what screening staff check against."""
    on = to_local(proposal.submitted_at).date() if proposal.submitted_at else to_local(now_utc()).date()
    return _eligibility(proposal.call, proposal.organisation, on)


def screen(actor, proposal: Proposal, passed: bool, reason: str | None = None) -> Proposal:
    """Pass or fail a submitted proposal at screening; a fail needs a reason."""
    reason = (reason or "").strip()
    if not passed and not reason:
        msg = _("Give the reason the proposal fails screening.")
        raise ServiceError(msg, {"reason": [msg]})
    target = "screened_in" if passed else "screened_out"
    with atomic():
        lock(proposal)
        proposal.screening_note = reason or None
        proposal.screened_by_id = actor.id
        proposal.screened_at = now_utc()
        transition(PROPOSAL, proposal, target, actor, note=reason or None, to=members(proposal.organisation_id),
                   template=f"proposal_{target}", context={"proposal": proposal, "reason": reason})
    return proposal


def screen_many(actor, call: Call, proposal_ids, passed: bool, reason: str | None = None) -> list[tuple]:
    """One decision for several proposals of a call: each is screened in its own transaction
    (one refusal never undoes the others). Returns [(proposal or None, id, refusal message or None)]."""
    reason = (reason or "").strip()
    if not passed and not reason:
        msg = _("Give the reason the proposal fails screening.")
        raise ServiceError(msg, {"reason": [msg]})
    ids = sorted({i for i in proposal_ids if isinstance(i, int)})
    if not ids:
        raise ServiceError(_("Tick the proposals the decision is for."))
    found = {p.id: p for p in db.session.scalars(select(Proposal).where(Proposal.id.in_(ids),
                                                                        Proposal.call_id == call.id))}
    results = []
    for ident in ids:
        proposal = found.get(ident)
        if proposal is None:
            results.append((None, ident, _("Not a proposal of this call.")))
            continue
        try:
            screen(actor, proposal, passed, reason)
        except ServiceError as exc:
            results.append((proposal, ident, exc.message))
        else:
            results.append((proposal, ident, None))
    return results


def screening_query(call: Call, *, status=None, category=None, district=None, grade=None, q=None):
    """The screening list of a call (filtered), with each proposal's organisation loaded in the same query."""
    stmt = (
        select(Proposal)
        .join(Organisation, Proposal.organisation_id == Organisation.id)
        .options(contains_eager(Proposal.organisation))
        .where(Proposal.call_id == call.id, Proposal.status.in_(SCREENING_STATUSES))
    )
    if status in SCREENING_STATUSES:
        stmt = stmt.where(Proposal.status == status)
    if category in CATEGORY_LABELS:
        stmt = stmt.where(Proposal.category == category)
    if district:
        stmt = stmt.where(Organisation.district == district)
    if grade is not None and str(grade).isdigit() and 0 <= int(grade) <= 5:
        stmt = stmt.where(Organisation.grade == int(grade))
    q = (q or "").strip()
    if q:
        stmt = stmt.where(or_(Proposal.title.contains(q, autoescape=True),
                              Organisation.name.contains(q, autoescape=True)))
    return stmt.order_by(Proposal.submitted_at.asc(), Proposal.id.asc())


# -- timeline ------------------------------------------------------------------------------
def timeline(proposal: Proposal) -> list[dict]:
    """Applicant-facing history: each status change with its applicant label and note."""
    out = []
    for event in history(proposal):
        if event.to_status is None:
            continue
        out.append({"at": event.at, "status": event.to_status,
                    "label": PROPOSAL.applicant_label(event.to_status), "note": event.note})
    return out


def timelines(ids: list[int]) -> dict[int, list[dict]]:
    """Applicant-facing timelines of several proposals (as `timeline`), in one query."""
    out: dict[int, list[dict]] = {i: [] for i in ids}
    if not ids:
        return out
    events = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.object_type == "proposal", AuditEvent.object_id.in_(ids), AuditEvent.to_status.is_not(None))
        .order_by(AuditEvent.at, AuditEvent.id)
    )
    for e in events:
        out[e.object_id].append({"at": e.at, "status": e.to_status,
                                 "label": PROPOSAL.applicant_label(e.to_status), "note": e.note})
    return out
