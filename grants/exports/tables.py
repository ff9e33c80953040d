"""The tables staff download: plain data in (rows already loaded by the services), a Sheet
(header, rows, which columns are money) out. Labels are translated in the staff member's
language; times are shown in Beijing time."""
from __future__ import annotations

from flask_babel import gettext as _

from grants import labels
from grants.exports.spreadsheet import Sheet
from grants.services.ranking import round2
from grants.timeutil import to_local
from grants.workflows import PROPOSAL


def _local(moment) -> str:
    return to_local(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


class _Once(dict):
    """Labels translated once per export (a lazy label costs a catalogue lookup per use)."""

    def __init__(self, translate):
        super().__init__()
        self.translate = translate

    def __missing__(self, key):
        value = self[key] = self.translate(key)
        return value


def _two_places(value):
    rounded = round2(value)
    return "" if rounded is None else rounded


def screening(proposals) -> Sheet:
    """The screening list of a call: one row per proposal (with its organisation loaded)."""
    header = [_("No."), _("Project title"), _("Organisation"), _("Unified social credit code"), _("District"),
              _("Grade"), _("Category"), _("Amount requested (yuan)"), _("Matching funds (yuan)"),
              _("Submitted at (Beijing time)"), _("Status"), _("Screening note")]
    grade = _Once(lambda g: str(labels.GRADE_LABELS.get(g, "")))
    category = _Once(lambda c: str(labels.CATEGORY_LABELS.get(c, "")))
    status = _Once(lambda s: str(PROPOSAL.label(s)))
    rows = [[
        p.id, p.title, p.organisation.name, p.organisation.uscc, p.organisation.district or "",
        grade[p.organisation.grade], category[p.category],
        p.amount_requested, p.matching_funds, _local(p.submitted_at), status[p.status],
        p.screening_note or "",
    ] for p in proposals]
    return Sheet(_("Proposals"), header, rows, money_columns={7, 8}, key="proposals")


def ranking(result) -> Sheet:
    """A call's ranking (services.ranking.compute) with every statistic and the budget line."""
    header = [_("Rank"), _("Proposal no."), _("Project title"), _("Organisation"),
              _("Amount requested (yuan)"), _("Reviews"), _("Mean"), _("Median"), _("Trimmed mean"),
              _("Standard deviation"), _("Range"), _("Calibrated score"), _("Ranking score"),
              _("Disagreement"), _("Fewer reviews than planned"), _("Cumulative requested (yuan)"),
              _("Recommended")]
    yes, no = _("Yes"), _("No")
    rows = [[
        row.rank or "", row.proposal_id, row.title, row.organisation_name, row.amount_requested, row.n,
        _two_places(row.mean), _two_places(row.median), _two_places(row.trimmed), _two_places(row.sd),
        _two_places(row.spread), _two_places(row.calibrated), _two_places(row.score),
        yes if row.disagreement else no, yes if row.incomplete else no,
        row.cumulative_requested, yes if row.recommended else no,
    ] for row in result.rows]
    return Sheet(_("Ranking"), header, rows, money_columns={4, 15}, key="ranking")


def scores(result, criteria, reviews, reviewer_names: dict[int, str] | None,
           scores_by_review: dict[int, dict[int, object]] | None = None) -> Sheet:
    """Every counted review's scores, in ranking order. `reviewer_names` None = anonymous:
    reviewers are numbered 1, 2, … by id instead of named. `reviews` are rows (id, proposal_id,
    reviewer_id, weighted_total, recommendation, submitted_at, overall_comment) with their
    scores in `scores_by_review` (review id -> criterion id -> score), or Review objects."""
    numbers = {rid: i for i, rid in enumerate(sorted({r.reviewer_id for r in reviews}), start=1)}
    if reviewer_names is None:
        reviewer = _Once(lambda rid: _("Reviewer %(n)d", n=numbers[rid]))
    else:
        reviewer = _Once(lambda rid: reviewer_names.get(rid, ""))
    recommendation = _Once(lambda r: str(labels.RECOMMENDATION_LABELS.get(r, "")))

    def criterion_scores(r):
        if scores_by_review is None:
            return {s.criterion_id: s.score for s in r.scores}
        return scores_by_review.get(r.id, {})

    by_proposal: dict[int, list] = {}
    for r in reviews:
        by_proposal.setdefault(r.proposal_id, []).append(r)
    header = [_("Rank"), _("Proposal no."), _("Project title"), _("Reviewer")] + [
        f"{c.name} ({c.weight}%, /{c.max_score})" for c in criteria] + [
        _("Weighted total"), _("Recommendation"), _("Submitted at (Beijing time)"), _("Overall comment")]
    rows = []
    for row in result.rows:
        for r in by_proposal.get(row.proposal_id, []):
            by_criterion = criterion_scores(r)
            rows.append(
                [row.rank or "", row.proposal_id, row.title, reviewer[r.reviewer_id]]
                + [by_criterion.get(c.id, "") for c in criteria]
                + [r.weighted_total, recommendation[r.recommendation], _local(r.submitted_at), r.overall_comment])
    return Sheet(_("Scores by reviewer"), header, rows, freeze="E2", key="scores")


def audit_log(events, described: dict) -> Sheet:
    """The audit log as staff read it: names, translated actions and statuses."""
    from grants.labels import action_label
    from grants.services.audit import workflow_of
    from grants.templating import status_label

    header = [_("When (Beijing time)"), _("Who"), _("Object"), _("Action"), _("From"), _("To"), _("Note"),
              _("Action code")]
    rows = []
    system = _("System")
    action = _Once(lambda a: str(action_label(a)))

    def _status(key):
        value, object_type = key
        workflow = workflow_of(object_type)
        return str(status_label(value, workflow)) if value and workflow else (value or "")

    status = _Once(_status)
    for e in events:
        name = described.get((e.object_type, e.object_id), (f"{e.object_type} #{e.object_id}", None))[0]
        rows.append([_local(e.at), e.actor.name if e.actor else system, name, action[e.action],
                     status[(e.from_status, e.object_type)], status[(e.to_status, e.object_type)], e.note or "",
                     e.action])
    return Sheet(_("Audit log"), header, rows, key="audit")


def disbursements(rows) -> Sheet:
    """Payment requests (tranche, contract, organisation and project loaded) for finance."""
    from grants.workflows import DISBURSEMENT

    header = [_("Request no."), _("Contract number"), _("Organisation"), _("Project title"), _("Tranche"),
              _("Amount (yuan)"), _("Status"), _("Requested at (Beijing time)"), _("Date of payment"),
              _("Bank reference or voucher number")]
    out = [[
        d.id, d.contract.number, d.contract.organisation.name, d.contract.award.proposal.title, d.tranche.number,
        d.amount, str(DISBURSEMENT.label(d.status)), _local(d.requested_at),
        d.paid_on.isoformat() if d.paid_on else "", d.payment_reference or "",
    ] for d in rows]
    return Sheet(_("Payment requests"), header, out, money_columns={5}, key="disbursements")
