"""The exact helpers behind the ranking against Python's statistics module (hypothesis)."""
from __future__ import annotations

import statistics
from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from grants.services.ranking import _sd, median

totals = st.lists(st.integers(min_value=0, max_value=100_000), min_size=1, max_size=12)  # thousandths


@settings(max_examples=200, deadline=None)
@given(totals)
def test_median_and_population_sd_match_statistics(values):
    exact = [Fraction(v, 1000) for v in values]
    assert median(values) == Decimal(statistics.median(exact).numerator) / statistics.median(exact).denominator
    n, s, ss = len(values), sum(values), sum(v * v for v in values)
    expected = statistics.pstdev([v / 1000 for v in values])
    assert abs(float(_sd(n, s, ss)) - expected) < 1e-9
    assert _sd(n, s, ss) >= 0


@settings(max_examples=100, deadline=None)
@given(totals)
def test_equal_values_have_zero_spread(values):
    same = [values[0]] * len(values)
    assert _sd(len(same), sum(same), sum(v * v for v in same)) == 0
