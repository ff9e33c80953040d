"""Tranches: made from the call's plan when a contract comes into force, adding up exactly to the
award; and when each may be paid (the eligibility matrix)."""
from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grants.extensions import db
from grants.models import Tranche
from grants.money import split_by_percentages
from grants.services import contracts, disbursements
from grants.services.tranche_conditions import refusal
from tests.factories import create_applicant, create_call, create_user
from tests.factories_awards import create_award
from tests.factories_finance import PNG, accept_milestone, create_active_contract, evaluate


def test_tranches_of_100000_01_at_30_40_30_add_up_exactly_with_the_remainder_fen_last():
    call = create_call(status="decided", tranches=((30, "signing", None), (40, "milestone", 1), (30, "final", None)))
    contract = create_active_contract("100000.01", call=call)
    tranches = disbursements.tranches_of(contract)
    assert [t.amount for t in tranches] == [Decimal("30000.00"), Decimal("40000.00"), Decimal("30000.01")]
    assert sum(t.amount for t in tranches) == Decimal("100000.01")
    assert [(t.number, t.percentage, t.condition, t.milestone_number) for t in tranches] == [
        (1, 30, "signing", None), (2, 40, "milestone", 1), (3, 30, "final", None)]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(fen=st.integers(min_value=100, max_value=9_999_999_999),
       cut=st.lists(st.integers(min_value=1, max_value=98), min_size=1, max_size=4))
def test_any_split_adds_up_to_the_award(fen, cut):
    points = sorted(set(cut))
    percentages = [b - a for a, b in zip([0] + points, points + [100], strict=True)]
    total = Decimal(fen) / 100
    parts = split_by_percentages(total, percentages)
    assert sum(parts) == total
    assert all(p >= 0 for p in parts)


def test_activating_a_contract_makes_its_tranches_in_the_same_transaction(app):
    staff = create_user("staff")
    award = create_award(amount="90000.00")
    member = create_applicant(award.organisation)
    contract = contracts.generate(staff, award)
    contracts.upload_signed(member, contract, "scan.png", PNG)
    assert disbursements.tranches_of(contract) == []
    contracts.activate(staff, contract)
    tranches = disbursements.tranches_of(contract)
    assert [t.amount for t in tranches] == [Decimal("45000.00"), Decimal("27000.00"), Decimal("18000.00")]
    # Once only: the backfill finds nothing to do.
    assert disbursements.backfill() == 0


def test_backfill_gives_tranches_to_contracts_activated_before():
    contract = create_active_contract("50000.00")
    db.session.query(Tranche).delete()
    db.session.commit()
    assert disbursements.backfill() == 1
    assert sum(t.amount for t in disbursements.tranches_of(contract)) == Decimal("50000.00")


# -- the eligibility matrix ------------------------------------------------------------------------
def _state(contract, setup):
    if "m1" in setup:
        accept_milestone(contract, 1)
    if "m1_submitted" in setup:
        accept_milestone(contract, 1, status="submitted")
    if "mid_fail" in setup:
        evaluate(contract, "mid", "fail")
    if "final_pass" in setup:
        evaluate(contract, "final", "pass")
    if "final_fail" in setup:
        evaluate(contract, "final", "fail")


NOT_IN_FORCE = "合同尚未生效"
MILESTONE = "尚未验收"
FINAL = "末期评估尚未通过"
BLOCKED = "评估不合格"


@pytest.mark.parametrize("setup, expected", [
    ((), (None, MILESTONE, FINAL)),
    (("m1_submitted",), (None, MILESTONE, FINAL)),
    (("m1",), (None, None, FINAL)),
    (("m1", "final_pass"), (None, None, None)),
    (("m1", "final_fail"), (None, None, BLOCKED)),
    (("m1", "mid_fail"), (None, BLOCKED, BLOCKED)),
    (("mid_fail", "final_pass"), (None, BLOCKED, BLOCKED)),
])
def test_eligibility_matrix(setup, expected):
    contract = create_active_contract("100000.00")
    _state(contract, setup)
    reasons = [refusal(t) for t in disbursements.tranches_of(contract)]
    for reason, want in zip(reasons, expected, strict=True):
        if want is None:
            assert reason is None
        else:
            assert reason is not None and want in reason, reason


def test_nothing_is_payable_on_a_contract_not_in_force():
    contract = create_active_contract("100000.00", status="terminated")
    accept_milestone(contract, 1)
    evaluate(contract, "final", "pass")
    assert all(NOT_IN_FORCE in refusal(t) for t in disbursements.tranches_of(contract))
