"""Milestone reports (项目进度报告): milestones from the proposal, drafts, submission with a frozen
version, staff acceptance or return, evidence files, the late flag and reminders.

- An activated contract gets one milestone per proposed milestone (numbered in due-date order,
  the last one final) and an empty draft report for each (`create_milestones`).
- `save_draft` stores the fields it is given; the view passes only the fields that were read
  without error, so a draft never loses what was typed correctly.
- `submit` checks completeness, freezes a ReportVersion (the content and the evidence files)
  and moves draft/returned → submitted; staff accept or return it with a comment.
- A report is late when it was not submitted by the due date + the call's grace days.
"""
from __future__ import annotations

import difflib
from datetime import date, timedelta
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import select

from grants.extensions import db
from grants.labels import BUDGET_CATEGORY_LABELS
from grants.models import (
    Contract,
    Membership,
    Milestone,
    MilestoneReminder,
    Report,
    ReportEvidence,
    ReportVersion,
    User,
    UserRole,
)
from grants.services import ServiceError, atomic, files, lock
from grants.services.notify import notify
from grants.services.workflow import transition
from grants.timeutil import local_today, now_utc, to_local
from grants.workflows import REPORT

MAX_EVIDENCE_FILES = 20
FIGURES = ("beneficiaries_served", "person_times", "service_hours", "volunteers")
HOURS_STEP = Decimal("0.1")


# -- people ----------------------------------------------------------------------------------------
def members(organisation_id: int) -> list[User]:
    return list(db.session.scalars(
        select(User).join(Membership, Membership.user_id == User.id)
        .where(Membership.organisation_id == organisation_id, User.active.is_(True)).order_by(User.id)))


def staff_users() -> list[User]:
    return list(db.session.scalars(select(User).join(UserRole, UserRole.user_id == User.id)
                                   .where(UserRole.role == "staff", User.active.is_(True)).order_by(User.id)))


def _require_member(actor, report: Report) -> None:
    if actor is None or not actor.has_role("applicant") or report.contract_id is None \
            or _contract(report).organisation_id not in actor.organisation_ids:
        raise ServiceError(_("Only the contracted organisation can change its report."))


def _contract(report: Report) -> Contract:
    return report.contract


# -- milestones ------------------------------------------------------------------------------------
def create_milestones(contract: Contract) -> list[Milestone]:
    """The contract's milestones from its proposal (due-date order, the last one final), each with
    an empty draft report. Runs inside the caller's transaction; does nothing if they exist."""
    existing = list(db.session.scalars(select(Milestone).where(Milestone.contract_id == contract.id)))
    if existing:
        return existing
    proposed = sorted(contract.award.proposal.milestones, key=lambda m: (m.due_date, m.position, m.id))
    created = []
    for number, pm in enumerate(proposed, start=1):
        milestone = Milestone(contract_id=contract.id, number=number, title=pm.title, due_date=pm.due_date,
                              deliverable=pm.deliverable or "", is_final=number == len(proposed))
        db.session.add(milestone)
        db.session.flush()
        db.session.add(Report(milestone_id=milestone.id, contract_id=contract.id, status="draft"))
        created.append(milestone)
    db.session.flush()
    return created


def milestones_of(contract: Contract) -> list[Milestone]:
    return list(db.session.scalars(select(Milestone).where(Milestone.contract_id == contract.id)
                                   .order_by(Milestone.number)))


# -- deadlines -------------------------------------------------------------------------------------
def deadline(report: Report) -> date:
    """The last day the report may be submitted without being late: due date + grace days."""
    milestone = report.milestone
    return milestone.due_date + timedelta(days=_contract(report).call.report_grace_days or 0)


def is_late(report: Report, today: date | None = None) -> bool:
    """Not submitted by the due date + the call's grace days (a submission after it stays late)."""
    last = deadline(report)
    first = report.versions[0].submitted_at if report.versions else None
    if first is not None:
        return to_local(first).date() > last
    return (today or local_today()) > last


# -- content ---------------------------------------------------------------------------------------
def kpi_rows(report: Report) -> list[dict]:
    """Each of the proposal's indicators with its target and the actual reported so far."""
    saved = {row.get("indicator_id"): row.get("actual") for row in (report.kpi_actuals or [])}
    proposal = _contract(report).award.proposal
    return [{"indicator_id": ind.id, "name": ind.name, "target": f"{ind.target}", "unit": ind.unit,
             "actual": saved.get(ind.id)} for ind in proposal.indicators]


def spending_rows(report: Report) -> list[dict]:
    """Each budget category of the proposal's grant lines: the budget and what was spent so far."""
    budget: dict[str, Decimal] = {}
    for line in _contract(report).award.proposal.budget_lines:
        if line.funded_by == "grant":
            budget[line.category] = budget.get(line.category, Decimal("0")) + Decimal(line.total)
    saved = {row.get("category"): row.get("spent") for row in (report.spending or [])}
    return [{"category": cat, "label": str(BUDGET_CATEGORY_LABELS.get(cat, cat)), "budget": f"{amount:.2f}",
             "spent": saved.get(cat)} for cat, amount in budget.items()]


def _check_figures(data: dict) -> dict:
    errors = {}
    hours = data.get("service_hours")
    if hours is not None and hours != hours.quantize(HOURS_STEP):
        errors["service_hours"] = [_("Service hours have at most one decimal place.")]
    return errors


def save_draft(actor, report: Report, data: dict) -> Report:
    """Store the given fields of a draft (or returned) report. Keys absent from `data` are kept
    as they were. `kpi_actuals` maps indicator id → Decimal or None; `spending` maps category →
    Decimal or None."""
    _require_member(actor, report)
    errors = _check_figures(data)
    if errors:
        raise ServiceError(next(iter(errors.values()))[0], errors)
    with atomic():
        lock(report)
        if report.status not in ("draft", "returned"):
            raise ServiceError(_("Only a draft or returned report can be changed."))
        if "narrative" in data:
            report.narrative = data["narrative"] or ""
        for name in FIGURES:
            if name in data:
                setattr(report, name, data[name])
        if "kpi_actuals" in data:
            given = data["kpi_actuals"]
            rows = kpi_rows(report)
            for row in rows:
                if row["indicator_id"] in given:
                    value = given[row["indicator_id"]]
                    row["actual"] = None if value is None else f"{value}"
            report.kpi_actuals = rows
        if "spending" in data:
            given = data["spending"]
            rows = spending_rows(report)
            for row in rows:
                if row["category"] in given:
                    value = given[row["category"]]
                    row["spent"] = None if value is None else f"{value:.2f}"
            report.spending = [{"category": r["category"], "budget": r["budget"], "spent": r["spent"]} for r in rows]
    return report


def problems(report: Report) -> dict[str, list[str]]:
    """What stops submission: field name → messages."""
    out: dict[str, list[str]] = {}
    if not (report.narrative or "").strip():
        out["narrative"] = [_("Describe what was done for this milestone.")]
    for name in FIGURES:
        if getattr(report, name) is None:
            out[name] = [_("Enter this figure (0 if none).")]
    if any(row["actual"] is None for row in kpi_rows(report)):
        out["kpi_actuals"] = [_("Enter the actual value of every indicator.")]
    if any(row["spent"] is None for row in spending_rows(report)):
        out["spending"] = [_("Enter the spending of every budget category (0 if none).")]
    return out


def frozen(report: Report) -> dict:
    """The plain data of what is submitted (kept in the ReportVersion)."""
    return {
        "narrative": report.narrative or "",
        "beneficiaries_served": report.beneficiaries_served,
        "person_times": report.person_times,
        "service_hours": None if report.service_hours is None else f"{report.service_hours}",
        "volunteers": report.volunteers,
        "kpi_actuals": kpi_rows(report),
        "spending": [{"category": r["category"], "budget": r["budget"], "spent": r["spent"]}
                     for r in spending_rows(report)],
        "evidence": [{"id": e.id, "name": e.original_name, "sha256": e.stored_file.sha256} for e in report.evidence],
    }


def submit(actor, report: Report) -> ReportVersion:
    _require_member(actor, report)
    with atomic():
        lock(report)
        found = problems(report)
        if found:
            raise ServiceError(_("The report is not complete yet: please correct the problems shown."), found)
        resubmitting = report.status == "returned"
        number = len(report.versions) + 1
        version = ReportVersion(report_id=report.id, number=number, data=frozen(report), submitted_by_id=actor.id)
        db.session.add(version)
        report.submitted_at = now_utc()
        report.kpi_actuals = version.data["kpi_actuals"]
        transition(REPORT, report, "submitted", actor, to=staff_users(), template="report_submitted",
                   kind="report.resubmit" if resubmitting else "report.submit",
                   context={"report": report, "milestone": report.milestone, "contract": _contract(report)},
                   data={"version": number})
        db.session.flush()
        db.session.refresh(report, attribute_names=["versions"])
    return version


def accept(actor, report: Report, comment: str = "") -> Report:
    return _review(actor, report, "accepted", comment, "report_accepted")


def return_for_changes(actor, report: Report, comment: str) -> Report:
    if not (comment or "").strip():
        raise ServiceError(_("Say what needs to change."), {"comment": [_("Say what needs to change.")]})
    return _review(actor, report, "returned", comment, "report_returned")


def _review(actor, report: Report, target: str, comment: str, template: str) -> Report:
    with atomic():
        lock(report)
        report.reviewed_at = now_utc()
        report.reviewed_by_id = actor.id if actor is not None else None
        report.review_comment = (comment or "").strip() or None
        contract = _contract(report)
        transition(REPORT, report, target, actor, note=report.review_comment, to=members(contract.organisation_id),
                   template=template, context={"report": report, "milestone": report.milestone, "contract": contract,
                                               "comment": report.review_comment or ""})
    return report


# -- evidence --------------------------------------------------------------------------------------
def add_evidence(actor, report: Report, filename: str | None, data: bytes) -> ReportEvidence:
    _require_member(actor, report)
    content_type = files.checked_upload(filename, data)
    with atomic():
        lock(report)
        if report.status not in ("draft", "returned"):
            raise ServiceError(_("Files can only be added while the report is a draft or returned."))
        if len(report.evidence) >= MAX_EVIDENCE_FILES:
            msg = _("A report can have at most %(n)d files. Remove one first.", n=MAX_EVIDENCE_FILES)
            raise ServiceError(msg, {"file": [msg]})
        stored = files.store(data, content_type)
        evidence = ReportEvidence(report_id=report.id, stored_file=stored, uploaded_by_id=actor.id,
                                  original_name=files.sanitise_name(filename, content_type))
        report.evidence.append(evidence)
        db.session.flush()
        notify(actor, report, "report.attach", data={"evidence_id": evidence.id, "name": evidence.original_name,
                                                     "sha256": stored.sha256})
    return evidence


def delete_evidence(actor, evidence: ReportEvidence) -> None:
    report = evidence.report
    _require_member(actor, report)
    with atomic():
        lock(report)
        if report.status not in ("draft", "returned"):
            raise ServiceError(_("Files can only be removed while the report is a draft or returned."))
        stored_id = evidence.stored_file_id
        notify(actor, report, "report.detach", data={"evidence_id": evidence.id, "name": evidence.original_name})
        report.evidence.remove(evidence)
        db.session.delete(evidence)
        files.remove_if_unused(stored_id)


# -- versions --------------------------------------------------------------------------------------
def _lines(data: dict) -> list[tuple[str, str]]:
    """The frozen data as (label, value) lines, in a fixed order, for the diff."""
    lines = [(_("Narrative"), line) for line in (data.get("narrative") or "").splitlines() or [""]]
    lines += [
        (_("Beneficiaries served"), str(data.get("beneficiaries_served") or "")),
        (_("Person-times served"), str(data.get("person_times") or "")),
        (_("Service hours"), str(data.get("service_hours") or "")),
        (_("Volunteers mobilised"), str(data.get("volunteers") or "")),
    ]
    for row in data.get("kpi_actuals") or []:
        lines.append((row.get("name", ""), f"{row.get('actual') or ''} / {row.get('target')} {row.get('unit') or ''}"))
    for row in data.get("spending") or []:
        label = str(BUDGET_CATEGORY_LABELS.get(row.get("category"), row.get("category")))
        lines.append((label, f"{row.get('spent') or ''} / {row.get('budget')}"))
    for row in data.get("evidence") or []:
        lines.append((_("Evidence"), row.get("name", "")))
    return lines


def diff(old: ReportVersion, new: ReportVersion) -> list[dict]:
    """The changes from `old` to `new` as table rows: {label, before, after, change} where change
    is "changed", "added" or "removed" (difflib on the frozen data; unchanged lines left out)."""
    a, b = _lines(old.data), _lines(new.data)
    rows = []
    matcher = difflib.SequenceMatcher(a=[f"{k}\x00{v}" for k, v in a], b=[f"{k}\x00{v}" for k, v in b],
                                      autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        before, after = a[i1:i2], b[j1:j2]
        for k in range(max(len(before), len(after))):
            x = before[k] if k < len(before) else None
            y = after[k] if k < len(after) else None
            change = "changed" if x and y else ("removed" if x else "added")
            rows.append({"label": (y or x)[0], "before": x[1] if x else "", "after": y[1] if y else "",
                         "change": change})
    return rows


# -- lists and reminders ---------------------------------------------------------------------------
def reports_of_call(call_id: int):
    """The statement for the staff list of a call's reports (milestone and contract loaded)."""
    from sqlalchemy.orm import selectinload

    return (select(Report).join(Milestone, Milestone.id == Report.milestone_id)
            .join(Contract, Contract.id == Report.contract_id)
            .where(Contract.call_id == call_id)
            .options(selectinload(Report.milestone), selectinload(Report.versions),
                     selectinload(Report.contract).selectinload(Contract.organisation))
            .order_by(Milestone.due_date, Contract.number, Milestone.number))


def remind(days: int = 7, today: date | None = None) -> dict:
    """Queue reminders: `days` before a due date (due_soon) and once the due date has passed
    without a submission (overdue). Each milestone gets each kind at most once per due date."""
    today = today or local_today()
    sent = {"due_soon": 0, "overdue": 0}
    rows = db.session.execute(
        select(Milestone, Report).join(Report, Report.milestone_id == Milestone.id)
        .join(Contract, Contract.id == Milestone.contract_id)
        .where(Contract.status == "active", Report.status.in_(("draft", "returned")),
               Milestone.due_date <= today + timedelta(days=days))).all()
    for milestone, report in rows:
        kind = "overdue" if milestone.due_date < today else "due_soon"
        with atomic():
            already = db.session.scalar(select(MilestoneReminder.id).where(
                MilestoneReminder.milestone_id == milestone.id, MilestoneReminder.kind == kind,
                MilestoneReminder.due_date == milestone.due_date))
            if already:
                continue
            db.session.add(MilestoneReminder(milestone_id=milestone.id, kind=kind, due_date=milestone.due_date))
            db.session.flush()
            contract = _contract(report)
            notify(None, report, f"report.remind_{kind}", to=members(contract.organisation_id),
                   template=f"report_{kind}", data={"due_date": milestone.due_date.isoformat()},
                   context={"report": report, "milestone": milestone, "contract": contract})
        sent[kind] += 1
    return sent
