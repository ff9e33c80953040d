"""The field kit: every typed text input of every form, on one parsing base.

`TypedTextField` folds what was typed (NFKC + trim, `grants.text.fold`) once, then hands the
text to the subclass's `parse(text) -> value`, which raises ValueError with a translated
message for anything it cannot accept. The message becomes the field's error (shown beside
it) and the raw text is kept, so the page shows back exactly what the person typed.
"""
from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from flask import current_app
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf.i18n import translations as flask_wtf_translations
from wtforms import Form, SelectField, SelectMultipleField, StringField
from wtforms.validators import Length, StopValidation, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget, TimeInput

from grants import uscc as uscc_rules
from grants.money import MoneyError, parse_amount
from grants.text import fold

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
CENT = Decimal("0.01")


def clean_text(value):
    """Drop invisible control characters (PostgreSQL refuses NUL in text); keep tabs and newlines."""
    return _CONTROL.sub("", value) if isinstance(value, str) else value


class RowForm(Form):
    """A row inside a FlaskForm (FieldList of FormField): a plain WTForms form would give
    WTForms' built-in messages ("Field cannot be longer than 300 characters.") in English
    only; this one uses the UI language, as FlaskForm does."""

    class Meta:
        def get_translations(self, form):
            if current_app.config.get("WTF_I18N_ENABLED", True):
                return flask_wtf_translations
            return super().get_translations(form)


# Keyword arguments for free-text fields: `StringField(**TEXT, label=…)`.
TEXT = {"filters": [clean_text]}


def at_most(n: int) -> Length:
    """A length limit with the one message every form uses."""
    return Length(max=n, message=_l("At most %(max)d characters."))


class TypedTextField(StringField):
    """A text input parsed on the server. `data` is the parsed value (`empty` when nothing was
    typed); `raw` is the text as sent, shown back on the page."""

    raw = ""
    parse_error = None
    empty = None

    def process_formdata(self, valuelist):
        self.raw = valuelist[0] if valuelist else ""
        self.data = self.empty
        self.parse_error = None
        text = fold(self.raw)
        if not text:
            return
        try:
            self.data = self.parse(text)
        except ValueError as exc:
            self.parse_error = str(exc.args[0]) if exc.args else gettext("Check this value.")

    def parse(self, text: str):
        """`text` is folded and non-empty; return the value or raise ValueError(message)."""
        raise NotImplementedError

    def show(self, value) -> str:
        return str(value)

    def pre_validate(self, form):
        if self.parse_error:
            # The value could not be read: its message is the only one worth showing.
            raise StopValidation(self.parse_error)

    def _value(self):
        if self.raw:
            return self.raw
        return "" if self.data is None or self.data == "" else self.show(self.data)


def _decimal(text: str) -> Decimal | None:
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _plain(value: Decimal) -> str:
    """12.50 → 12.5, 20.00 → 20 (never 2E+1)."""
    return f"{value.normalize():f}"


class MoneyField(TypedTextField):
    """An amount in yuan as people write it ('5万', '1.2万元', '￥50,000', '１２３'); `data` is an
    exact Decimal with two places (see money.parse_amount)."""

    def parse(self, text):
        try:
            return parse_amount(text)
        except MoneyError as exc:
            raise ValueError(gettext(str(exc))) from None

    def show(self, value):
        return f"{value:.2f}"


class WholeNumberField(TypedTextField):
    """A whole number between `low` and `high`."""

    def __init__(self, label=None, validators=None, low=0, high=100, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.low, self.high = low, high

    def parse(self, text):
        text = text.replace(",", "")
        if not text.lstrip("-").isdigit():
            raise ValueError(gettext("Enter a whole number."))
        value = int(text)
        if not self.low <= value <= self.high:
            raise ValueError(gettext("Enter a whole number from %(low)d to %(high)d.", low=self.low, high=self.high))
        return value


class CountField(TypedTextField):
    """A count of people or things: a whole number ≥ 1."""

    def parse(self, text):
        text = text.replace(",", "")
        if not text.isdigit():
            raise ValueError(gettext("Enter a whole number, for example 120."))
        value = int(text)
        if value < 1:
            raise ValueError(gettext("The number must be at least 1."))
        if value > 100_000_000:
            raise ValueError(gettext("The number is too large."))
        return value


class PercentField(TypedTextField):
    """A percentage from 0 to 100 with at most two decimals ('20', '12.5%')."""

    def parse(self, text):
        value = _decimal(text.replace(",", "").rstrip("%").strip())
        if value is None:
            raise ValueError(gettext("Enter a percentage such as 20 or 12.5."))
        if value < 0 or value > 100:
            raise ValueError(gettext("Enter a percentage from 0 to 100."))
        if value != value.quantize(CENT):
            raise ValueError(gettext("A percentage has at most two decimal places."))
        return value.quantize(CENT)

    def show(self, value):
        return _plain(value)


class QuantityField(TypedTextField):
    """A positive decimal with at most two places (quantities and KPI targets)."""

    def __init__(self, *args, allow_zero=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.allow_zero = allow_zero

    def parse(self, text):
        value = _decimal(text.replace(",", ""))
        if value is None:
            raise ValueError(gettext("Enter a number, for example 12 or 2.5."))
        if value < 0:
            raise ValueError(gettext("The number cannot be negative.") if self.allow_zero
                             else gettext("The number must be more than zero."))
        if value == 0 and not self.allow_zero:
            raise ValueError(gettext("The number must be more than zero."))
        if value >= Decimal("1000000000"):
            raise ValueError(gettext("The number is too large."))
        if value != value.quantize(CENT):
            raise ValueError(gettext("Use at most two decimal places."))
        return value.quantize(CENT)

    def show(self, value):
        return _plain(value) if value == value.to_integral_value() else f"{value}"


class ScoreField(TypedTextField):
    """A score: any finite number (the range and half-point rules are the review service's).
    A comma is read as the decimal point ('8，5' = 8.5): scores never need thousands."""

    def parse(self, text):
        value = _decimal(text.replace(",", "."))
        if value is None:
            raise ValueError(gettext("Enter a number, for example 8 or 8.5."))
        return value

    def show(self, value):
        return _plain(value)


class DateField(TypedTextField):
    """A date typed as YYYY-MM-DD (what the browser's date picker sends); `years=(low, high)`
    bounds the year. Pass `widget=DateInput()` for a date picker."""

    def __init__(self, *args, years=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.years = years

    def parse(self, text):
        try:
            value = datetime.strptime(text, "%Y-%m-%d").date()
        except ValueError:
            raise ValueError(gettext("Enter a date such as 2027-03-31.")) from None
        low, high = self.years or (value.year, value.year)
        if not low <= value.year <= high:
            raise ValueError(gettext("Enter a date between %(low)d and %(high)d.", low=low, high=high))
        return value

    def show(self, value: date):
        return value.isoformat()


class ClockField(TypedTextField):
    """A time of day typed as HH:MM."""

    widget = TimeInput()

    def parse(self, text):
        try:
            return datetime.strptime(text, "%H:%M").time()
        except ValueError:
            raise ValueError(gettext("Enter a time such as 17:00.")) from None

    def show(self, value):
        return value.strftime("%H:%M")


class USCCField(TypedTextField):
    """A 统一社会信用代码: normalised (spaces dropped, upper case) then checked; `data` is the
    normalised code ("" when empty)."""

    empty = ""

    def parse(self, text):
        code = uscc_rules.normalise(text)
        problem = uscc_rules.problem(code)
        if problem:
            raise ValueError(gettext(problem))
        return code

    def _value(self):
        return self.raw or self.data or ""


class ChoiceField(SelectField):
    """A select whose bad values (only from crafted requests) get a translated message."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("invalid_choice_message", _l("Choose from the list."))
        super().__init__(*args, **kwargs)

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError(str(_l("Choose from the list."))) from None


class MultiCheckboxField(SelectMultipleField):
    """Several choices as a list of check boxes; values not offered get a translated message."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form):
        if self.data:
            allowed = {str(v) for v, _label in self.choices}
            if any(d not in allowed for d in self.data):
                raise ValidationError(_l("Choose from the list."))


# Message ids used by parse_amount / uscc.problem (translated by the fields above), listed so
# extraction sees them.
_MESSAGE_IDS = (
    _l("Enter an amount."),
    _l("Enter an amount in yuan, for example 12345.67."),
    _l("Enter the amount in digits, for example 50000, 5万 or ¥50,000.00."),
    _l("The amount cannot be negative."),
    _l("Amounts have at most two decimal places (fen)."),
    _l("The amount is too large (at most ¥99,999,999.99)."),
    _l("A unified social credit code has exactly 18 characters."),
    _l("The letters I, O, S, V and Z never appear in a unified social credit code."),
    _l("A unified social credit code contains only digits and capital letters."),
    _l("The check character does not match: please copy the code again from the certificate."),
)
