"""Money views for finance staff: per call and overall, the budget pool, what was awarded, paid,
approved but not paid, in approval, and what remains (aggregates in SQL, a constant number of
queries whatever the number of calls)."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select

from grants.extensions import db
from grants.models import Award, Call, Contract, Disbursement
from grants.money import quantize


def _disbursed_by_call(call_ids: list[int]) -> dict[int, dict[str, Decimal]]:
    sums: dict[int, dict[str, Decimal]] = {i: {} for i in call_ids}
    for call_id, status, amount in db.session.execute(
            select(Contract.call_id, Disbursement.status, func.coalesce(func.sum(Disbursement.amount), 0))
            .join(Contract, Contract.id == Disbursement.contract_id)
            .where(Contract.call_id.in_(call_ids)).group_by(Contract.call_id, Disbursement.status)):
        sums[call_id][status] = Decimal(amount or 0)
    return sums


def totals_by_call(call_ids: list[int]) -> dict[int, dict[str, Decimal]]:
    """Pool, proposed (incl. in notice), awarded, paid, approved-not-paid, in approval and remaining
    for several calls in three queries."""
    if not call_ids:
        return {}
    pools = dict(db.session.execute(select(Call.id, Call.budget_pool).where(Call.id.in_(call_ids))).all())
    sums: dict[int, dict[str, Decimal]] = {i: {} for i in call_ids}
    for call_id, status, amount in db.session.execute(
            select(Award.call_id, Award.status, func.coalesce(func.sum(Award.amount), 0))
            .where(Award.call_id.in_(call_ids)).group_by(Award.call_id, Award.status)):
        sums[call_id][status] = Decimal(amount or 0)
    paid_sums = _disbursed_by_call(call_ids)
    out = {}
    for call_id in call_ids:
        s = sums[call_id]
        proposed = quantize(s.get("proposed", 0) + s.get("in_notice", 0))
        awarded = quantize(s.get("confirmed", 0))
        pool = pools[call_id]
        d = paid_sums[call_id]
        out[call_id] = {"pool": pool, "proposed": proposed, "awarded": awarded,
                        "remaining": quantize(pool - proposed - awarded),
                        "paid": quantize(d.get("paid", 0)), "approved": quantize(d.get("approved", 0)),
                        "in_approval": quantize(d.get("requested", 0) + d.get("first_approved", 0)),
                        "unpaid": quantize(awarded - d.get("paid", 0))}
    return out


def overall(statuses=("closed", "decided", "archived")) -> dict[str, Decimal]:
    """The same figures summed over every call in `statuses` (three queries)."""
    ids = list(db.session.scalars(select(Call.id).where(Call.status.in_(statuses))))
    keys = ("pool", "proposed", "awarded", "remaining", "paid", "approved", "in_approval", "unpaid")
    total = {k: Decimal("0.00") for k in keys}
    for figures in totals_by_call(ids).values():
        for k in keys:
            total[k] += figures[k]
    return {k: quantize(v) for k, v in total.items()}
