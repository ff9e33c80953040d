"""Money views for finance staff (read-only so far: disbursements come with milestones)."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select

from grants.extensions import db
from grants.models import Award, Call
from grants.money import quantize


def totals_by_call(call_ids: list[int]) -> dict[int, dict[str, Decimal]]:
    """Pool, proposed (incl. in notice), awarded and remaining for several calls in two queries."""
    if not call_ids:
        return {}
    pools = dict(db.session.execute(select(Call.id, Call.budget_pool).where(Call.id.in_(call_ids))).all())
    sums: dict[int, dict[str, Decimal]] = {i: {} for i in call_ids}
    for call_id, status, amount in db.session.execute(
            select(Award.call_id, Award.status, func.coalesce(func.sum(Award.amount), 0))
            .where(Award.call_id.in_(call_ids)).group_by(Award.call_id, Award.status)):
        sums[call_id][status] = Decimal(amount or 0)
    out = {}
    for call_id in call_ids:
        s = sums[call_id]
        proposed = quantize(s.get("proposed", 0) + s.get("in_notice", 0))
        awarded = quantize(s.get("confirmed", 0))
        pool = pools[call_id]
        out[call_id] = {"pool": pool, "proposed": proposed, "awarded": awarded,
                        "remaining": quantize(pool - proposed - awarded)}
    return out
