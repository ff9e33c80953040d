"""Demo scores for the closed call: every cleared assignment gets a complete, submitted review.

Scores are plausible and deterministic: each proposal has a quality level, each reviewer a
bias — expert2 (the accountant) is harsh, expert4 (the social-work supervisor) lenient — plus a
little noise; one proposal divides the panel (high disagreement). Comments are in Chinese.
Idempotent: submitted reviews are left alone.
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select

from grants.extensions import db
from grants.models import Proposal, Review, ReviewAssignment
from grants.services import reviews as service

HARSH = "expert2@demo.jx.gov.cn"
LENIENT = "expert4@demo.jx.gov.cn"
BIAS = {HARSH: -13, LENIENT: 10}
DISPUTED_INDEX = 2  # the third proposal (by id) divides the panel

HIGH = ("{name}论证充分，数据翔实，表现突出。", "{name}方面考虑周到，有较强的说服力。")
MID = ("{name}基本合理，部分细节有待完善。", "{name}总体可行，建议进一步明确具体措施。")
LOW = ("{name}明显不足：缺少调研数据支撑，需补充说明。", "{name}较弱，与项目目标衔接不紧密，建议重新设计。")
OVERALL = {
    "fund": "项目需求明确，设计科学，执行团队经验丰富，预算编制合理，建议资助。",
    "fund_with_changes": "项目具有一定价值，但活动设计和预算细节需要调整，建议修改后资助。",
    "do_not_fund": "项目需求论证和实施方案尚不成熟，预算依据不足，暂不建议资助。",
}


def _half(value: Decimal) -> Decimal:
    return (value * 2).quantize(Decimal("1"), rounding=ROUND_HALF_UP) / 2


def _plan(p_index: int, r_index: int, position: int, email: str) -> int:
    """The target total (0–100) of this reviewer for this proposal."""
    quality = 62 + (p_index * 37) % 27
    noise = (p_index * 7 + r_index * 13) % 9 - 4
    total = quality + BIAS.get(email, 0) + noise
    if p_index == DISPUTED_INDEX:
        total = 70 + (24, -24, 0, 12)[position % 4]  # 94, 46, 70: sd ≈ 19.6
    return max(25, min(97, total))


def run(ctx: dict) -> None:
    call = ctx.get("closed_call")
    if call is None:
        return
    criteria = list(call.criteria)
    proposals = list(db.session.scalars(select(Proposal).where(Proposal.call_id == call.id).order_by(Proposal.id)))
    index = {p.id: i for i, p in enumerate(proposals)}
    assignments = list(db.session.scalars(
        select(ReviewAssignment).join(Proposal, Proposal.id == ReviewAssignment.proposal_id)
        .where(Proposal.call_id == call.id, ReviewAssignment.status == "cleared")
        .order_by(ReviewAssignment.proposal_id, ReviewAssignment.reviewer_id)))
    done = set(db.session.execute(
        select(Review.proposal_id, Review.reviewer_id).join(Proposal, Proposal.id == Review.proposal_id)
        .where(Proposal.call_id == call.id, Review.status == "submitted")).all())
    position: dict[int, int] = {}
    for a in assignments:
        pos = position.get(a.proposal_id, 0)
        position[a.proposal_id] = pos + 1
        if (a.proposal_id, a.reviewer_id) in done:
            continue
        reviewer, proposal = a.reviewer, a.proposal
        p_index = index[proposal.id]
        target = Decimal(_plan(p_index, reviewer.id, pos, reviewer.email))
        inputs = {}
        for k, c in enumerate(criteria):
            wiggle = Decimal(((p_index + k * 3 + reviewer.id) % 5) - 2) / 4  # −0.5 … +0.5
            score = _half(Decimal(c.max_score) * target / 100 + wiggle)
            score = max(Decimal(0), min(Decimal(c.max_score), score))
            fraction = score / c.max_score
            bank = HIGH if fraction >= Decimal("0.8") else MID if fraction >= Decimal("0.6") else LOW
            inputs[c.id] = service.CriterionInput(score, bank[(p_index + k) % 2].format(name=c.name))
        recommendation = "fund" if target >= 80 else "fund_with_changes" if target >= 65 else "do_not_fund"
        service.save(reviewer, proposal, inputs, overall_comment=OVERALL[recommendation],
                     recommendation=recommendation, submit=True)
