from decimal import Decimal

from tests.factories import create_call, create_proposal


def test_cycle_factories_make_consistent_rows(db):
    call = create_call()
    assert sum(c.weight for c in call.criteria) == 100
    assert sum(t.percentage for t in call.tranches) == 100
    proposal = create_proposal(call, amount_requested="80000.00", matching_funds="20000.00")
    grant_lines = sum(line.total for line in proposal.budget_lines if line.funded_by == "grant")
    assert grant_lines == Decimal("80000.00") == proposal.amount_requested
