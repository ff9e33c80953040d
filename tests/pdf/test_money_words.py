"""大写 amounts and tranche splits as printed on contracts (支付结算办法, DOMAIN.md)."""
from decimal import Decimal

import pytest

from grants.money import daxie, split_by_percentages


@pytest.mark.parametrize("amount, expected", [
    ("0.01", "人民币壹分"),                        # 分 never takes 整
    ("0.10", "人民币壹角"),
    ("0.5", "人民币伍角"),
    ("1", "人民币壹元整"),                          # 元 always takes 整
    ("10", "人民币壹拾元整"),                       # 壹拾, not 拾
    ("101", "人民币壹佰零壹元整"),                  # a zero inside is written 零
    ("1000.50", "人民币壹仟元伍角"),
    ("100000", "人民币壹拾万元整"),
    ("1000001.05", "人民币壹佰万零壹元零伍分"),     # 角 zero before 分: 零
    ("99999999.99", "人民币玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
])
def test_daxie_matches_the_hand_written_form(amount, expected):
    assert daxie(Decimal(amount)) == expected


@pytest.mark.parametrize("amount, expected", [
    ("1000.005", "人民币壹仟元零壹分"),   # half a fen rounds up (not to even: that would be 壹仟元整)
    ("0.125", "人民币壹角叁分"),
    ("0.004", "人民币零元整"),
])
def test_daxie_rounds_half_a_fen_up(amount, expected):
    assert daxie(Decimal(amount)) == expected


def test_tranches_of_an_awkward_amount_add_up_exactly_with_the_remainder_last():
    parts = split_by_percentages(Decimal("100000.01"), [30, 40, 30])
    assert parts == [Decimal("30000.00"), Decimal("40000.00"), Decimal("30000.01")]
    assert sum(parts) == Decimal("100000.01")
