"""Aggregation and ranking of a call's reviews: ONE service, a constant number of statements.

What counts: submitted reviews whose reviewer's assignment is still `cleared` (a reviewer
recused or removed after submitting is excluded from every figure, as a conflicted reviewer
must be).

Per proposal (over its counted reviews' weighted totals, each on a 100-point scale):
- n, mean, median, range (max − min);
- trimmed mean: drop ONE highest and ONE lowest total when n ≥ 5 (ties: only one copy of the
  tied value is dropped at each end), otherwise the plain mean;
- standard deviation: the POPULATION standard deviation (divide by n) — the spread of the
  scores the panel actually gave, defined (0) for a single review;
- calibrated score: for every reviewer with ≥ 5 counted reviews in the call, each of their
  totals becomes a z-score against their own mean and population sd, mapped back to the
  call's scale as call_mean + z × call_sd (call_mean / call_sd over every counted total of
  the call), clamped to 0–100; a reviewer with < 5 reviews keeps raw totals (a reviewer
  with ≥ 5 reviews and an sd of 0 gets z = 0, i.e. the call mean). The proposal's
  calibrated score is the mean of its reviews' calibrated values.
- ranking score per call.ranking_method (mean / trimmed / calibrated); ties: higher median,
  then earlier submission of the proposal, then lower id. Proposals without a counted
  review rank last and are never recommended.
- flags: disagreement when sd > call.disagreement_threshold; incomplete when fewer counted
  reviews than call.reviewers_per_proposal.
Recommended set: walk the ranking and take every complete proposal (all planned reviews in)
whose requested amount still fits in what is left of the budget pool (skip what no longer
fits); the cut line is drawn before the first scored, complete proposal that did not fit — so
with nothing scored there is no cut line, and an incomplete proposal is marked, never taken.

SQL selects the call's proposals and the counted reviews' totals (scoped to the call's
proposal ids first, so the cost follows the call, not the database); Python does the counts,
sums, sums of squares, minima and maxima (exact integers), the median and the calibration.
Whatever the number of proposals, one computation runs exactly STATEMENTS statements.

Arithmetic: totals are read as integers in thousandths of a point, so SQL sums and sums of
squares are exact integers on every backend; Decimal at 28 significant digits from there. A
mean is one correctly rounded division (equal values compare equal, so ties are real ties);
the variance is exact until its square root. Round to 2 places only for display.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal, localcontext

from sqlalchemy import BigInteger, and_, cast, func, select

from grants.extensions import db
from grants.models import Call, CriterionScore, Organisation, Proposal, Review, ReviewAssignment, User
from grants.permissions import REVIEWABLE_PROPOSAL_STATUSES

STATEMENTS = 2
PROPOSAL_STATEMENTS = 2
CALIBRATION_MIN_REVIEWS = 5
TRIM_MIN_REVIEWS = 5
_PREC = 28
TWO = Decimal("0.01")


def _sd(n: int, s_milli: int, ss_milli: int) -> Decimal:
    """Population standard deviation, in points, from the count and the exact integer sum and
    sum of squares of totals in thousandths (exact until the square root)."""
    var = Decimal(ss_milli * n - s_milli * s_milli) / (n * n)
    return var.sqrt() / 1000 if var > 0 else Decimal(0)


def round2(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(TWO, rounding=ROUND_HALF_UP)


def median(values: list[int]) -> Decimal | None:
    """The median of totals given in thousandths, in points."""
    if not values:
        return None
    ordered = sorted(values)
    mid = len(ordered) // 2
    if len(ordered) % 2:
        return Decimal(ordered[mid]) / 1000
    return Decimal(ordered[mid - 1] + ordered[mid]) / 2000


@dataclass
class ProposalScore:
    proposal_id: int
    title: str
    organisation_name: str
    amount_requested: Decimal
    submitted_at: datetime | None
    n: int = 0
    mean: Decimal | None = None
    median: Decimal | None = None
    trimmed: Decimal | None = None
    sd: Decimal | None = None
    low: Decimal | None = None
    high: Decimal | None = None
    calibrated: Decimal | None = None
    score: Decimal | None = None
    disagreement: bool = False
    incomplete: bool = False
    rank: int | None = None
    cumulative_requested: Decimal = Decimal("0.00")
    recommended: bool = False
    cumulative_recommended: Decimal | None = None
    milli_totals: list[int] = field(default_factory=list, repr=False)  # thousandths, by review id
    counted_review_ids: list[int] = field(default_factory=list, repr=False)  # set by proposal_score()

    @property
    def totals(self) -> list[Decimal]:
        """The counted reviews' totals, by review id (made when asked: most pages never do)."""
        return [Decimal(m) / 1000 for m in self.milli_totals]

    @property
    def spread(self) -> Decimal | None:
        return None if self.high is None else self.high - self.low

    @property
    def trimmed_applied(self) -> bool:
        return self.n >= TRIM_MIN_REVIEWS


@dataclass
class Ranking:
    call: Call
    method: str
    rows: list[ProposalScore]
    budget_pool: Decimal
    recommended_total: Decimal
    cut_index: int | None  # index in rows of the first proposal that did not fit (the cut line)
    call_mean: Decimal | None
    call_sd: Decimal | None
    calibrated_reviewers: int
    reviewer_stats: dict[int, tuple[int, Decimal, Decimal]]  # reviewer_id -> (n, mean, sd)
    cut_remaining: Decimal | None = None  # what was left of the pool at the cut line

    @property
    def recommended(self) -> list[ProposalScore]:
        return [r for r in self.rows if r.recommended]

    @property
    def remaining(self) -> Decimal:
        return self.budget_pool - self.recommended_total


def _call_proposal_ids(call_id):
    return select(Proposal.id).where(Proposal.call_id == call_id, Proposal.status.in_(REVIEWABLE_PROPOSAL_STATUSES))


def _counted_filter(stmt, call_id):
    return (
        stmt.join(ReviewAssignment, and_(ReviewAssignment.proposal_id == Review.proposal_id,
                                         ReviewAssignment.reviewer_id == Review.reviewer_id))
        .where(Review.proposal_id.in_(_call_proposal_ids(call_id)), Review.status == "submitted",
               ReviewAssignment.status == "cleared")
    )


def counted_reviews(call_id):
    """Submitted reviews of the call's reviewable proposals whose assignment is still cleared."""
    return _counted_filter(select(Review), call_id)


def _calibration(by_reviewer):
    """(call_mean, call_sd, reviewer_stats, calibrators) from per-reviewer (id, n, sum, sum of
    squares) rows over the call's counted totals (thousandths). Every counted review belongs to
    exactly one reviewer, so the call-wide figures are the sums of the reviewers' rows."""
    rows = [(rid, int(n_r), int(s_r), int(ss_r)) for rid, n_r, s_r, ss_r in by_reviewer]
    n_all = sum(r[1] for r in rows)
    call_mean = call_sd = None
    if n_all:
        s_all, ss_all = sum(r[2] for r in rows), sum(r[3] for r in rows)
        call_mean = Decimal(s_all) / (n_all * 1000)
        call_sd = _sd(n_all, s_all, ss_all)
    reviewer_stats: dict[int, tuple[int, Decimal, Decimal]] = {}
    # calibrated value of a total m (thousandths) = a + b × m, per calibrated reviewer:
    # call_mean + (m/1000 − mean_r) / sd_r × call_sd
    calibrators: dict[int, tuple[Decimal, Decimal]] = {}
    for rid, n_r, s_r, ss_r in rows:
        mean_r = Decimal(s_r) / (n_r * 1000)
        sd_r = _sd(n_r, s_r, ss_r)
        reviewer_stats[rid] = (n_r, mean_r, sd_r)
        if n_r >= CALIBRATION_MIN_REVIEWS:
            if sd_r > 0:
                factor = call_sd / sd_r
                calibrators[rid] = (call_mean - mean_r * factor, factor / 1000)
            else:
                calibrators[rid] = (call_mean, Decimal(0))
    return call_mean, call_sd, reviewer_stats, calibrators


_ZERO, _HUNDRED, _THOUSAND = Decimal(0), Decimal(100), Decimal(1000)


def _calibrated(calibrators, reviewer_id: int, m: int) -> Decimal:
    cal = calibrators.get(reviewer_id)
    if cal is None:
        return Decimal(m) / _THOUSAND
    value = cal[0] + cal[1] * m
    return _ZERO if value < _ZERO else (_HUNDRED if value > _HUNDRED else value)


def _fill(item: ProposalScore, call: Call, agg, values: list[int], calibrated_sum: Decimal) -> None:
    """A proposal's statistics from (n, sum, sum of squares, min, max) of its totals in
    thousandths, the totals themselves (by review id) and the sum of their calibrated values."""
    n, s_m, ss_m, lo_m, hi_m = (int(x) for x in agg)
    threshold = Decimal(call.disagreement_threshold if call.disagreement_threshold is not None else 15)
    item.n = n
    item.mean = Decimal(s_m) / (n * 1000)
    item.median = median(values)
    item.trimmed = Decimal(s_m - lo_m - hi_m) / ((n - 2) * 1000) if n >= TRIM_MIN_REVIEWS else item.mean
    item.sd = _sd(n, s_m, ss_m)
    item.low, item.high = Decimal(lo_m) / _THOUSAND, Decimal(hi_m) / _THOUSAND
    item.calibrated = calibrated_sum / n
    item.score = {"mean": item.mean, "trimmed": item.trimmed, "calibrated": item.calibrated}.get(
        call.ranking_method, item.trimmed)
    item.disagreement = item.sd > threshold
    item.milli_totals = values


def proposal_score(proposal: Proposal) -> ProposalScore:
    """One proposal's statistics exactly as compute() gives them (without its rank and budget
    line), in PROPOSAL_STATEMENTS statements whatever the size of the call: its counted totals,
    and the call's counted totals grouped by reviewer (for the calibration)."""
    call = proposal.call
    conn = db.session.connection()
    milli = _milli()
    item = ProposalScore(proposal.id, proposal.title, "", proposal.amount_requested or Decimal("0.00"),
                         proposal.submitted_at)
    mine = conn.execute(
        _counted_filter(select(Review.id, Review.reviewer_id, milli), call.id).where(Review.proposal_id == proposal.id)
        .order_by(Review.id)).tuples().all()
    item.counted_review_ids = [i for i, _r, _m in mine]
    mine = [(r, m) for _i, r, m in mine]
    by_reviewer = conn.execute(
        _counted_filter(select(Review.reviewer_id, func.count(Review.id), func.sum(milli), func.sum(milli * milli)),
                        call.id).group_by(Review.reviewer_id)).tuples().all()
    if mine:
        with localcontext() as ctx:
            ctx.prec = _PREC
            _mean, _sd_all, _stats, calibrators = _calibration(by_reviewer)
            values = [int(m) for _r, m in mine]
            cal_sum = sum((_calibrated(calibrators, r, int(m)) for r, m in mine), Decimal(0))
            _fill(item, call, (len(values), sum(values), sum(v * v for v in values), min(values), max(values)),
                  values, cal_sum)
    item.incomplete = item.n < (call.reviewers_per_proposal or 0)
    return item


def _milli():
    # Totals in thousandths of a point as integers: sums and sums of squares are exact on every
    # backend (SQLite would sum REALs), and no per-row Decimal conversion is needed.
    return cast(func.round(Review.weighted_total * 1000), BigInteger)


def compute(call: Call) -> Ranking:
    """The ranking of a call (see the module docstring); STATEMENTS queries."""
    # Core execution on the session's connection: plain rows, no ORM loading overhead.
    conn = db.session.connection()
    milli = _milli()
    # 1. the proposals under review
    proposals = conn.execute(
        select(Proposal.id, Proposal.title, Proposal.amount_requested, Proposal.submitted_at,
               Organisation.name.label("org_name"))
        .join(Organisation, Organisation.id == Proposal.organisation_id)
        .where(Proposal.call_id == call.id, Proposal.status.in_(REVIEWABLE_PROPOSAL_STATUSES))
        .order_by(Proposal.id)
    ).all()
    # 2. the counted reviews' totals, scoped to the call's proposals FIRST (an IN over the call's
    # proposal ids, served by ix_proposals_call_status): joining every review of the database
    # before filtering by call made PostgreSQL misestimate the reviews-assignments join. Counts,
    # sums, sums of squares, minima and maxima are then exact integer arithmetic in Python.
    reviews = conn.execute(
        _counted_filter(select(Review.proposal_id, Review.reviewer_id, milli), call.id)
        .order_by(Review.proposal_id, Review.id)
    ).tuples().all()
    by_proposal: dict[int, list] = {}  # proposal_id -> [proposal_id, n, sum, sum of squares, min, max]
    by_reviewer: dict[int, list] = {}  # reviewer_id -> [reviewer_id, n, sum, sum of squares]
    for proposal_id, reviewer_id, m in reviews:
        m = int(m)
        agg = by_proposal.get(proposal_id)
        if agg is None:
            by_proposal[proposal_id] = [proposal_id, 1, m, m * m, m, m]
        else:
            agg[1] += 1
            agg[2] += m
            agg[3] += m * m
            if m < agg[4]:
                agg[4] = m
            if m > agg[5]:
                agg[5] = m
        agg = by_reviewer.get(reviewer_id)
        if agg is None:
            by_reviewer[reviewer_id] = [reviewer_id, 1, m, m * m]
        else:
            agg[1] += 1
            agg[2] += m
            agg[3] += m * m

    with localcontext() as ctx:
        ctx.prec = _PREC
        call_mean, call_sd, reviewer_stats, calibrators = _calibration(by_reviewer.values())
        values: dict[int, list[int]] = {}
        calibrated: dict[int, Decimal] = {}
        zero = Decimal(0)
        for proposal_id, reviewer_id, m in reviews:
            values.setdefault(proposal_id, []).append(m)
            calibrated[proposal_id] = calibrated.get(proposal_id, zero) + _calibrated(calibrators, reviewer_id, m)

        rows: list[ProposalScore] = []
        for p in proposals:
            item = ProposalScore(p.id, p.title, p.org_name, p.amount_requested or Decimal("0.00"), p.submitted_at)
            agg = by_proposal.get(p.id)
            if agg is not None and agg[1]:
                _fill(item, call, agg[1:], values.get(p.id, []), calibrated[p.id])
            item.incomplete = item.n < (call.reviewers_per_proposal or 0)
            rows.append(item)

    never = datetime.max.replace(tzinfo=UTC)
    zero = Decimal(0)

    def key(item: ProposalScore):
        if item.score is None:
            return (1, zero, zero, never, item.proposal_id)
        return (0, -item.score, -item.median, item.submitted_at or never, item.proposal_id)

    rows.sort(key=key)
    pool = call.budget_pool or Decimal("0.00")
    cumulative = Decimal("0.00")
    taken = Decimal("0.00")
    cut_index = cut_remaining = None
    for i, item in enumerate(rows, start=1):
        item.rank = i if item.score is not None else None
        cumulative += item.amount_requested
        item.cumulative_requested = cumulative
        if item.score is None or item.incomplete:
            continue  # never recommended until every planned review is in; no cut line for them
        if taken + item.amount_requested <= pool:
            taken += item.amount_requested
            item.recommended = True
            item.cumulative_recommended = taken
        elif cut_index is None:
            cut_index = i - 1
            cut_remaining = pool - taken
    return Ranking(call=call, method=call.ranking_method, rows=rows, budget_pool=pool, recommended_total=taken,
                   cut_index=cut_index, call_mean=call_mean, call_sd=call_sd,
                   calibrated_reviewers=len(calibrators), reviewer_stats=reviewer_stats,
                   cut_remaining=cut_remaining)


def export_reviews(call: Call, *, with_names: bool):
    """The counted reviews of `call` as plain rows (id, proposal_id, reviewer_id, weighted_total,
    recommendation, submitted_at, overall_comment; by proposal, then submission), their scores
    (review id -> criterion id -> score) and the reviewers' names by id when `with_names` (none for
    an anonymous export): 3 statements, no ORM objects (a big call has 135,000 scores)."""
    reviews = db.session.execute(
        counted_reviews_rows(call.id).order_by(Review.proposal_id, Review.submitted_at, Review.id)).all()
    scores: dict[int, dict[int, Decimal]] = {}
    for review_id, criterion_id, score in db.session.execute(
            _counted_filter(select(CriterionScore.review_id, CriterionScore.criterion_id, CriterionScore.score)
                            .select_from(Review).join(CriterionScore, CriterionScore.review_id == Review.id),
                            call.id)):
        scores.setdefault(review_id, {})[criterion_id] = score
    names: dict[int, str] = {}
    if reviews and with_names:
        names = dict(db.session.execute(
            select(User.id, User.name).where(User.id.in_({r.reviewer_id for r in reviews}))).all())
    return reviews, names, scores


def counted_reviews_rows(call_id):
    """counted_reviews() as plain columns (what the exports show)."""
    return _counted_filter(select(Review.id, Review.proposal_id, Review.reviewer_id, Review.weighted_total,
                                  Review.recommendation, Review.submitted_at, Review.overall_comment), call_id)
