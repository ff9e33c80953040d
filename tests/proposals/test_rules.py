"""Money arithmetic and the submission rules (caps, shares, term, budget sums)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grants.services import proposals as service
from tests.factories import create_call, create_org, create_proposal

pytestmark = pytest.mark.usefixtures("english")


@pytest.mark.parametrize("price, qty, total", [
    ("12.50", "4800", "60000.00"),
    ("0.01", "0.5", "0.01"),       # 0.005 rounds half up to one fen
    ("0.01", "0.49", "0.00"),
    ("33.33", "3", "99.99"),
    ("1.15", "0.5", "0.58"),       # 0.575 → 0.58 (half up, not banker's)
    ("99999.99", "1000", "99999990.00"),
])
def test_line_total_is_exact_and_rounds_half_up(price, qty, total):
    assert service.line_total(Decimal(price), Decimal(qty)) == Decimal(total)


@given(st.integers(min_value=1, max_value=10**9), st.integers(min_value=1, max_value=10**6))
def test_line_total_matches_integer_fen_arithmetic(price_fen, qty_hundredths):
    price, qty = Decimal(price_fen) / 100, Decimal(qty_hundredths) / 100
    exact_ten_thousandths = price_fen * qty_hundredths  # in 1/10000 yuan
    fen, rest = divmod(exact_ten_thousandths, 100)
    expected = fen + (1 if rest >= 50 else 0)
    assert service.line_total(price, qty) == Decimal(expected) / 100


@pytest.mark.parametrize("start, end, months", [
    (date(2027, 1, 1), date(2027, 12, 31), 12),
    (date(2027, 1, 1), date(2028, 1, 1), 13),
    (date(2027, 1, 15), date(2027, 7, 14), 6),
    (date(2027, 1, 15), date(2027, 7, 15), 7),
    (date(2027, 3, 1), date(2027, 3, 1), 1),
    (date(2027, 1, 31), date(2027, 2, 27), 1),
])
def test_term_months(start, end, months):
    assert service.term_months(start, end) == months


def _problems(**call_kw):
    call = create_call(**call_kw)
    proposal = create_proposal(call, create_org(), status="draft")
    return proposal, service.problems(proposal)


def test_the_factory_proposal_has_no_problems():
    _, (fields, general) = _problems()
    assert fields == {} and general == []


def test_requested_above_cap_is_named_with_the_cap(db):
    proposal, (fields, _) = _problems(per_project_cap="60000.00")
    assert fields["amount_requested"] == ["The amount requested is above this call's cap of ¥60,000.00."]


def test_matching_share_below_minimum(db):
    # 20,000 of 100,000 = 20 %
    proposal, (fields, _) = _problems(min_matching_share=Decimal("40"))
    assert ("Matching funds are 20.00% of the project budget; this call requires at least 40.00%."
            in fields["matching_funds"])


def test_matching_share_exactly_at_minimum_passes(db):
    proposal, (fields, _) = _problems(min_matching_share=Decimal("20"))
    assert "matching_funds" not in fields


def test_personnel_share_above_maximum(db):
    # personnel 20,000 of a grant of 80,000 = 25 %
    proposal, (fields, _) = _problems(max_personnel_share=Decimal("20"))
    assert fields["budget_lines"] == ["Personnel costs are 25.00% of the grant; this call allows at most 20.00%."]


def test_personnel_paid_from_matching_funds_does_not_count(db):
    call = create_call(max_personnel_share=Decimal("20"))
    proposal = create_proposal(call, create_org(), status="draft")
    proposal.budget_lines[0].funded_by = "matching"  # the 20,000 personnel line
    proposal.budget_lines[1].unit_price = proposal.budget_lines[1].total = Decimal("80000.00")
    proposal.budget_lines[2].unit_price = proposal.budget_lines[2].total = Decimal("0.01")
    proposal.matching_funds = Decimal("20000.01")
    db.session.commit()
    fields, general = service.problems(proposal)
    assert fields == {} and general == []


def test_term_outside_limits(db):
    proposal, (fields, _) = _problems(term_max_months=6)
    assert fields["end_date"] == ["The project lasts 12 months; this call allows 1 to 6 months."]


def test_budget_sums_must_match_to_the_fen(db):
    call = create_call()
    proposal = create_proposal(call, create_org(), status="draft")
    proposal.amount_requested = Decimal("80000.01")
    proposal.matching_funds = Decimal("19999.99")
    db.session.commit()
    fields, _ = service.problems(proposal)
    assert "The budget lines paid by the grant add up to ¥80,000.00, not ¥80,000.01." in fields["amount_requested"]
    assert "The budget lines paid from matching funds add up to ¥20,000.00, not ¥19,999.99." in fields["matching_funds"]


def test_every_missing_section_is_reported_at_once(db):
    call = create_call()
    from grants.models import Proposal

    proposal = Proposal(call_id=call.id, organisation_id=create_org().id, status="draft", title="")
    db.session.add(proposal)
    db.session.commit()
    fields, general = service.problems(proposal)
    assert set(fields) >= {"title", "category", "summary", "need_analysis", "objectives", "beneficiaries",
                           "beneficiary_count", "activities", "start_date", "end_date", "amount_requested",
                           "matching_funds", "budget_lines", "indicators", "milestones"}
    assert general == []


def test_ineligible_organisation_gets_each_failed_rule_named(db):
    call = create_call(min_grade=4, districts=["南湖区"])
    org = create_org(grade=3, district="海宁市")
    proposal = create_proposal(call, org, status="draft")
    _, general = service.problems(proposal)
    assert "The call requires grade 4A or higher; the organisation's grade is 3A." in general
    assert "The call is open to organisations in 南湖区; the organisation is in 海宁市." in general
