"""Shared form pieces: validators that give a clear Chinese/English message."""
from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf.i18n import translations as flask_wtf_translations
from wtforms import Form, StringField
from wtforms.validators import ValidationError

from grants import uscc as uscc_rules
from grants.money import MoneyError, parse_amount


class RowForm(Form):
    """A row inside a FlaskForm (FieldList of FormField): a plain WTForms form would give
    WTForms' built-in messages ("Field cannot be longer than 300 characters.") in English
    only; this one uses the UI language, as FlaskForm does."""

    class Meta:
        def get_translations(self, form):
            if current_app.config.get("WTF_I18N_ENABLED", True):
                return flask_wtf_translations
            return super().get_translations(form)


class USCCField(StringField):
    """A 统一社会信用代码 field: normalised (trim, full-width folded, upper case) then checked."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        self.data = uscc_rules.normalise(self.data)

    def pre_validate(self, form):
        from flask_babel import gettext

        if not self.data:
            return
        problem = uscc_rules.problem(self.data)
        if problem:
            raise ValidationError(gettext(problem))


class MoneyField(StringField):
    """An amount in yuan; `data` is a Decimal (or None when empty)."""

    def process_formdata(self, valuelist):
        self.raw = valuelist[0] if valuelist else ""
        self.data = None
        self._money_error = None
        if self.raw and self.raw.strip():
            try:
                self.data = parse_amount(self.raw)
            except MoneyError as exc:
                self._money_error = str(exc)

    def pre_validate(self, form):
        from flask_babel import gettext

        if getattr(self, "_money_error", None):
            raise ValidationError(gettext(self._money_error))

    def _value(self):
        if getattr(self, "raw", None):
            return self.raw
        return "" if self.data is None else f"{self.data:.2f}"


# Message ids used by MoneyField / USCCField, listed so extraction sees them.
_MESSAGE_IDS = (
    _l("Enter an amount."),
    _l("Enter an amount in yuan, for example 12345.67."),
    _l("The amount cannot be negative."),
    _l("Amounts have at most two decimal places (fen)."),
    _l("The amount is too large (at most ¥99,999,999.99)."),
    _l("A unified social credit code has exactly 18 characters."),
    _l("The letters I, O, S, V and Z never appear in a unified social credit code."),
    _l("A unified social credit code contains only digits and capital letters."),
    _l("The check character does not match: please copy the code again from the certificate."),
)
