from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from grants.extensions import db
from grants.models import Call
from grants.money import MoneyError, daxie, format_yuan, parse_amount, split_by_percentages, to_fen
from tests.factories import create_call


@pytest.mark.parametrize("amount", ["0.01", "0.10", "99999999.99"])
def test_money_round_trips_exactly_through_the_database(amount):
    call = create_call(budget_pool=amount, per_project_cap="0.01")
    call_id = call.id
    db.session.expire_all()
    loaded = db.session.get(Call, call_id)
    assert loaded.budget_pool == Decimal(amount)
    assert str(loaded.budget_pool) == amount
    # Stored as integer fen, and SQL aggregates come back exact too.
    raw = db.session.execute(select(func.sum(Call.budget_pool))).scalar_one()
    assert raw == Decimal(amount)


def test_sum_of_many_small_amounts_is_exact():
    for _ in range(10):
        create_call(budget_pool="0.10", per_project_cap="0.01")
    assert db.session.execute(select(func.sum(Call.budget_pool))).scalar_one() == Decimal("1.00")


def test_floats_are_refused():
    with pytest.raises(TypeError):
        to_fen(0.1)


@pytest.mark.parametrize("value, expected", [
    ("100000", "人民币壹拾万元整"),
    ("100000.00", "人民币壹拾万元整"),
    ("1.10", "人民币壹元壹角"),
    ("1.01", "人民币壹元零壹分"),
    ("12345.67", "人民币壹万贰仟叁佰肆拾伍元陆角柒分"),
    ("0.05", "人民币伍分"),
    ("0", "人民币零元整"),
    ("1000001", "人民币壹佰万零壹元整"),
    ("99999999.99", "人民币玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
])
def test_daxie(value, expected):
    assert daxie(Decimal(value)) == expected


def test_daxie_rounds_half_up_before_converting():
    assert daxie(Decimal("0.005")) == "人民币壹分"
    assert not daxie(Decimal("12.345")).endswith("整")


def test_format_yuan():
    assert format_yuan(Decimal("12345")) == "¥12,345.00"
    assert format_yuan(Decimal("0.1")) == "¥0.10"


@pytest.mark.parametrize("text, expected", [
    ("12345", "12345.00"), ("12,345.6", "12345.60"), ("¥1,000", "1000.00"), ("１２３", "123.00"),
    ("  88.8 元", "88.80"),
])
def test_parse_amount_accepts_what_people_type(text, expected):
    assert parse_amount(text) == Decimal(expected)


@pytest.mark.parametrize("text, message", [
    ("-1", "negative"), ("1.001", "two decimal"), ("1e20", "for example"), ("abc", "for example"),
    ("", "Enter an amount"), ("NaN", "for example"), ("Infinity", "for example"),
])
def test_parse_amount_refuses_with_a_reason(text, message):
    with pytest.raises(MoneyError) as err:
        parse_amount(text)
    assert message in str(err.value)


@given(st.text(max_size=40))
def test_parse_amount_never_crashes(text):
    try:
        value = parse_amount(text)
    except MoneyError:
        return
    assert Decimal("0") <= value <= Decimal("99999999.99")


@given(st.integers(min_value=0, max_value=9_999_999_999),
       st.sampled_from([(50, 30, 20), (30, 40, 30), (33, 33, 34), (100,)]))
def test_tranches_add_up_exactly_and_remainder_goes_last(fen, plan):
    total = Decimal(fen) / 100
    parts = split_by_percentages(total, plan)
    assert sum(parts) == total.quantize(Decimal("0.01"))
    assert all(p >= 0 for p in parts)
    floor_parts = [Decimal(int(fen * p // 100)) / 100 for p in plan[:-1]]
    assert parts[:-1] == floor_parts


def test_tranche_example():
    assert split_by_percentages(Decimal("100000.01"), (50, 30, 20)) == [
        Decimal("50000.00"), Decimal("30000.00"), Decimal("20000.01")]


@pytest.mark.parametrize("text, expected", [
    ("5万", "50000.00"), ("5万元", "50000.00"), ("1.2万", "12000.00"), ("1.2 万元", "12000.00"),
    ("０.０５万", "500.00"), ("￥50,000", "50000.00"), ("¥50,000.5", "50000.50"), ("５０，０００元", "50000.00"),
    ("1.234567万", "12345.67"),
])
def test_parse_amount_accepts_how_chinese_users_write_amounts(text, expected):
    value = parse_amount(text)
    assert isinstance(value, Decimal) and value == Decimal(expected)


@pytest.mark.parametrize("text, message", [
    ("1.2345678万", "two decimal"), ("1万万", "for example"), ("万", "Enter an amount"), ("1万5", "for example"),
    ("10000万", "too large"), ("-1万", "negative"),
])
def test_parse_amount_refuses_other_ten_thousand_forms(text, message):
    with pytest.raises(MoneyError) as err:
        parse_amount(text)
    assert message in str(err.value)


_FULL_WIDTH = str.maketrans("0123456789.,", "０１２３４５６７８９．，")


@given(st.integers(min_value=0, max_value=9_999_999_999), st.sampled_from([
    "{plain}", "{grouped}", "¥{grouped}", "￥{grouped}", "{grouped}元", "{wan}万", "{wan}万元", "{full}",
    "￥{full}元",
]))
def test_any_amount_written_in_a_chinese_style_parses_back_exactly(fen, style):
    amount = Decimal(fen).scaleb(-2)
    text = style.format(plain=f"{amount:f}", grouped=f"{amount:,.2f}", wan=f"{amount.scaleb(-4):f}",
                        full=f"{amount:,.2f}".translate(_FULL_WIDTH))
    assert parse_amount(text) == amount


# Issue 9.2: the amount table of the brief, one parser for every amount field.
@pytest.mark.parametrize("text, expected", [
    ("5万", "50000.00"), ("5万元", "50000.00"), ("1.2万", "12000.00"), ("￥50,000", "50000.00"),
    ("¥50,000.00", "50000.00"), ("50000元", "50000.00"), ("５００００", "50000.00"), ("¥ 5 万", "50000.00"),
    ("1,234,567.89", "1234567.89"), ("0.5", "0.50"), ("-0", "0.00"), ("9999.999999万", "99999999.99"),
])
def test_amount_table_accepted(text, expected):
    assert parse_amount(text) == Decimal(expected)


@pytest.mark.parametrize("text, message", [
    ("五万", "in digits"), ("5w", "in digits"), ("5W", "in digits"), ("1e5", "in digits"), ("5万5", "in digits"),
    ("1,2,3", "in digits"), ("12,34", "in digits"), ("5¥", "in digits"), ("+5", "in digits"), ("5..0", "in digits"),
    ("1.234", "two decimal"), ("-5", "negative"), ("-5万", "negative"), ("123456789", "too large"),
    ("1" + "0" * 40, "too large"), ("1.00000000000000000000000000001", "two decimal"),
])
def test_amount_table_refused_with_a_reason(text, message):
    with pytest.raises(MoneyError) as err:
        parse_amount(text)
    assert message in str(err.value)


@given(st.integers(min_value=1, max_value=9_999_999_999),
       st.sampled_from(["{}w", "{}W", "{}e2", "五{}", "{}万万", "{}万5", "-{}", "{}.1.2", "{}$"]))
def test_amounts_in_other_forms_are_refused(fen, style):
    with pytest.raises(MoneyError):
        parse_amount(style.format(f"{Decimal(fen).scaleb(-2):f}"))


@given(st.text(alphabet="0123456789,.万元¥￥ ０１２３４５６７８９-", max_size=16))
def test_an_accepted_amount_is_the_exact_value_of_its_digits(text):
    try:
        value = parse_amount(text)
    except MoneyError:
        return
    from grants.text import fold

    digits = "".join(fold(text).split()).lstrip("¥").removesuffix("元")
    scale = 4 if digits.endswith("万") else 0
    exact = Decimal(digits.removesuffix("万").lstrip("-").replace(",", "")).scaleb(scale)
    assert value == exact and value.as_tuple().exponent == -2
