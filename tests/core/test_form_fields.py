"""The field kit (grants/forms.py): one parsing base, a clear message in Chinese, raw text kept."""
from __future__ import annotations

from datetime import date, time
from decimal import Decimal

import pytest
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict

from grants.forms import (
    ClockField,
    CountField,
    DateField,
    MoneyField,
    PercentField,
    QuantityField,
    ScoreField,
    TypedTextField,
    USCCField,
    WholeNumberField,
)


class KitForm(FlaskForm):
    class Meta:
        csrf = False

    money = MoneyField("money")
    whole = WholeNumberField("whole", low=1, high=20)
    count = CountField("count")
    percent = PercentField("percent")
    quantity = QuantityField("quantity")
    score = ScoreField("score")
    day = DateField("day", years=(2000, 2100))
    clock = ClockField("clock")
    uscc = USCCField("uscc")


def _post(app, lang="zh_CN", **values):
    with app.test_request_context("/", method="POST", data=values,
                                  headers={"Accept-Language": lang}):
        from flask import session

        session["lang"] = lang
        form = KitForm(formdata=MultiDict(values))
        form.validate()
        return form, {name: list(f.errors) for name, f in form._fields.items()}


def test_every_typed_field_is_on_the_one_base():
    for field in (MoneyField, WholeNumberField, CountField, PercentField, QuantityField, ScoreField, DateField,
                  ClockField, USCCField):
        assert issubclass(field, TypedTextField)


def test_full_width_input_is_folded_once_and_parsed_exactly(app):
    form, errors = _post(app, money="５万元", whole="１２", count="１２０", percent="１２．５％",
                         quantity="２．５", score="８，５", day="２０２７－０３－３１", clock="１７：００",
                         uscc=" ９１３５０２１１ｍ０００１００ｙ４６ ")
    assert not any(errors.values()), errors
    assert form.money.data == Decimal("50000.00")
    assert (form.whole.data, form.count.data) == (12, 120)
    assert form.percent.data == Decimal("12.50") and form.quantity.data == Decimal("2.50")
    assert form.score.data == Decimal("8.5")
    assert (form.day.data, form.clock.data) == (date(2027, 3, 31), time(17, 0))
    assert form.uscc.data == "91350211M000100Y46"


@pytest.mark.parametrize("field, text, message", [
    ("money", "五万", "请输入以元为单位的金额"),
    ("money", "1.001", "最多保留两位小数"),
    ("whole", "30", "1到20"),
    ("count", "0", "至少为 1"),
    ("percent", "120", "0到100"),
    ("quantity", "abc", "请输入数字"),
    ("score", "八", "请输入数字"),
    ("day", "1999-01-01", "2000 年至 2100 年"),
    ("day", "31/03/2027", "请输入日期"),
    ("clock", "5pm", "请输入时间"),
    ("uscc", "123", "18"),
])
def test_bad_input_gets_one_chinese_message_and_is_shown_back(app, field, text, message):
    form, errors = _post(app, **{field: text})
    assert len(errors[field]) == 1 and message in errors[field][0], errors[field]
    assert form[field].data in (None, "")
    assert form[field]._value() == text


def test_messages_follow_the_language(app):
    _form, errors = _post(app, lang="en", money="五万")
    assert errors["money"] == ["Enter the amount in digits, for example 50000, 5万 or ¥50,000.00."]


def test_empty_input_is_no_value_and_no_error(app):
    form, errors = _post(app, money="  ", day="", uscc="")
    assert not any(errors.values())
    assert form.money.data is None and form.day.data is None and form.uscc.data == ""


def test_values_from_the_database_are_shown_in_their_plain_form(app):
    with app.test_request_context("/"):
        form = KitForm(data={"money": Decimal("50000"), "percent": Decimal("20.00"), "quantity": Decimal("2.50"),
                             "score": Decimal("8.50"), "day": date(2027, 3, 1), "clock": time(9, 30)})
        assert form.money._value() == "50000.00"
        assert form.percent._value() == "20"
        assert form.quantity._value() == "2.50"
        assert form.score._value() == "8.5"
        assert form.day._value() == "2027-03-01"
        assert form.clock._value() == "09:30"
