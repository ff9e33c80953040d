"""Exact money: parsing, formatting and 大写 (Chinese capital numerals).

Amounts are `decimal.Decimal` yuan with two places in Python and integer fen in
the database (see models.types.Money). Floats are refused everywhere.
"""
from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

import cn2an

from grants.text import fold

FEN = Decimal("0.01")
# The largest amount the system accepts: ¥99,999,999.99 (just under 一亿).
MAX_AMOUNT = Decimal("99999999.99")


class MoneyError(ValueError):
    """Raised with a user-facing (translatable) reason when an amount is not acceptable."""


def to_decimal(value) -> Decimal:
    """Exact Decimal for an int, str or Decimal; floats are a programming error."""
    if isinstance(value, float):
        raise TypeError("money must never be a float")
    if isinstance(value, Decimal):
        return value
    return Decimal(value)


def quantize(value) -> Decimal:
    return to_decimal(value).quantize(FEN, rounding=ROUND_HALF_UP)


# Digits with optional thousands commas (in threes) and optional decimals, once the currency
# sign, 元 and 万 are taken off.
_DIGITS = re.compile(r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+")
# More digits than any acceptable amount has (before the point, after 万 is applied).
_MAX_WHOLE_DIGITS = 8


def parse_amount(text: str | None) -> Decimal:
    """Parse what a person typed into an amount field, exactly (never through a float).

    Accepts '12345', '12,345.6', '¥12,345.60', '￥50,000', '50000元', full-width digits
    ('５００００'), and ten-thousands as Chinese users write them: '5万', '5万元', '1.2万'
    (= 12000.00). Refuses anything else with a reason: Chinese numerals ('五万'), letters
    ('5w', '1e5'), badly placed commas, more than two decimals (after 万), negatives, and
    values over MAX_AMOUNT. Raises MoneyError with an English message id (translated by the
    caller).
    """
    if text is None:
        raise MoneyError("Enter an amount.")
    cleaned = "".join(fold(str(text)).split())  # full-width folded, all spaces removed
    if cleaned.startswith("¥"):
        cleaned = cleaned[1:]
    if cleaned.endswith("元"):
        cleaned = cleaned[:-1]
    scale = 0
    if cleaned.endswith("万"):
        cleaned, scale = cleaned[:-1], 4
    if not cleaned:
        raise MoneyError("Enter an amount.")
    if cleaned.startswith("-") and _DIGITS.fullmatch(cleaned[1:]):
        if Decimal(cleaned[1:].replace(",", "")) != 0:
            raise MoneyError("The amount cannot be negative.")
        cleaned = cleaned[1:]
    if not _DIGITS.fullmatch(cleaned):
        raise MoneyError("Enter the amount in digits, for example 50000, 5万 or ¥50,000.00.")
    whole, _point, fraction = cleaned.replace(",", "").partition(".")
    # Digits counted on the text (no rounding by the decimal context can hide one).
    if len(whole.lstrip("0")) + scale > _MAX_WHOLE_DIGITS:
        raise MoneyError("The amount is too large (at most ¥99,999,999.99).")
    if len(fraction.rstrip("0")) > 2 + scale:
        raise MoneyError("Amounts have at most two decimal places (fen).")
    value = Decimal(cleaned.replace(",", "")).scaleb(scale)  # exact: few digits, only the exponent changes
    if value > MAX_AMOUNT:
        raise MoneyError("The amount is too large (at most ¥99,999,999.99).")
    return value.quantize(FEN)


def to_fen(value) -> int:
    d = to_decimal(value)
    fen = d * 100
    if fen != fen.to_integral_value():
        raise ValueError(f"{value!r} is not a whole number of fen")
    return int(fen)


def from_fen(fen: int) -> Decimal:
    return (Decimal(int(fen)) / 100).quantize(FEN)


def format_yuan(value, symbol: bool = True) -> str:
    """¥12,345.00"""
    if value is None:
        return ""
    d = quantize(value)
    sign = "-" if d < 0 else ""
    text = f"{abs(d):,.2f}"
    return f"{sign}{'¥' if symbol else ''}{text}"


def daxie(value) -> str:
    """人民币壹拾万元整 — the capital-numeral form used on contracts and payment orders."""
    d = quantize(value)
    if d < 0:
        raise ValueError("negative amounts have no 大写 form here")
    if d == 0:
        return "人民币零元整"
    text = cn2an.an2cn(str(d), "rmb")
    # cn2an writes 整 after 元 and after 角; never after 分 (as 支付结算办法 requires).
    return "人民币" + text


def split_by_percentages(total, percentages) -> list[Decimal]:
    """Split `total` by whole-number percentages; the remainder fen goes to the last part.

    The parts always add up exactly to the total.
    """
    total_fen = to_fen(quantize(total))
    pcts = [to_decimal(p) for p in percentages]
    if sum(pcts) != 100:
        raise ValueError("percentages must add up to 100")
    parts = [int((total_fen * p / 100).to_integral_value(rounding="ROUND_FLOOR")) for p in pcts[:-1]]
    parts.append(total_fen - sum(parts))
    return [from_fen(p) for p in parts]
