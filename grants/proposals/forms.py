"""Proposal forms. Formats are checked here (each message beside its field); business rules
(caps, shares, completeness) are checked by grants.services.proposals at submission."""
from __future__ import annotations

import unicodedata
from datetime import date
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import FieldList, FormField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional, ValidationError

from grants import labels
from grants.forms import MoneyField, RowForm
from grants.models.proposal import BUDGET_CATEGORIES

# Empty rows offered below the filled ones (the page works without JavaScript).
SPARE_ROWS = 2
MAX_ROWS = 60
LONG_TEXT = 10000


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").strip().replace(",", "")


class _ParsedField(StringField):
    """A text input whose value is parsed on the server; bad input becomes a field error."""

    def process_formdata(self, valuelist):
        self.raw = valuelist[0] if valuelist else ""
        self.data = None
        self._parse_error = None
        if self.raw and self.raw.strip():
            try:
                self.data = self.parse(self.raw)
            except ValueError as exc:
                self._parse_error = exc.args[0]

    def pre_validate(self, form):
        if getattr(self, "_parse_error", None):
            raise ValidationError(str(self._parse_error))

    def _value(self):
        if getattr(self, "raw", None):
            return self.raw
        return "" if self.data is None else self.show(self.data)

    def show(self, value) -> str:
        return str(value)


class CountField(_ParsedField):
    """A whole number ≥ 1 (full-width digits accepted)."""

    def parse(self, raw):
        text = _fold(raw)
        if not text.isdigit():
            raise ValueError(_l("Enter a whole number, for example 120."))
        value = int(text)
        if value < 1:
            raise ValueError(_l("The number must be at least 1."))
        if value > 100_000_000:
            raise ValueError(_l("The number is too large."))
        return value


class QuantityField(_ParsedField):
    """A positive decimal with at most two places (quantities and KPI targets)."""

    def __init__(self, *args, allow_zero=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.allow_zero = allow_zero

    def parse(self, raw):
        try:
            value = Decimal(_fold(raw))
        except InvalidOperation:
            raise ValueError(_l("Enter a number, for example 12 or 2.5.")) from None
        if not value.is_finite():
            raise ValueError(_l("Enter a number, for example 12 or 2.5."))
        if value < 0 or (value == 0 and not self.allow_zero):
            raise ValueError(_l("The number must be more than zero.") if not self.allow_zero
                             else _l("The number cannot be negative."))
        if value >= Decimal("1000000000"):
            raise ValueError(_l("The number is too large."))
        if value != value.quantize(Decimal("0.01")):
            raise ValueError(_l("Use at most two decimal places."))
        return value.quantize(Decimal("0.01"))

    def show(self, value):
        return f"{value.normalize():f}" if value == value.to_integral_value() else f"{value}"


class IsoDateField(_ParsedField):
    """A date typed as YYYY-MM-DD (the browser's date picker sends this)."""

    def parse(self, raw):
        try:
            value = date.fromisoformat(_fold(raw))
        except ValueError:
            raise ValueError(_l("Enter a date such as 2027-03-31.")) from None
        if not (2000 <= value.year <= 2100):
            raise ValueError(_l("Enter a date between 2000 and 2100."))
        return value

    def show(self, value):
        return value.isoformat()


class BudgetLineForm(RowForm):
    category = SelectField(_l("Category"), choices=[], validators=[Optional()])
    description = StringField(_l("Description"), validators=[Length(max=300)])
    unit_price = MoneyField(_l("Unit price (yuan)"))
    quantity = QuantityField(_l("Quantity"))
    funded_by = SelectField(_l("Paid by"), choices=[], validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.category.choices = [(k, labels.BUDGET_CATEGORY_LABELS[k]) for k in BUDGET_CATEGORIES]
        self.funded_by.choices = [("grant", _l("Grant")), ("matching", _l("Matching funds"))]

    def is_blank(self) -> bool:
        return not ((self.description.data or "").strip() or (getattr(self.unit_price, "raw", "") or "").strip()
                    or (getattr(self.quantity, "raw", "") or "").strip())

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if self.is_blank():
            return ok
        if not (self.description.data or "").strip():
            self.description.errors.append(_l("Describe the line."))
            ok = False
        if self.unit_price.data is None and not self.unit_price.errors:
            self.unit_price.errors.append(_l("Enter the unit price."))
            ok = False
        elif self.unit_price.data is not None and self.unit_price.data <= 0:
            self.unit_price.errors.append(_l("The unit price must be more than zero."))
            ok = False
        if self.quantity.data is None and not self.quantity.errors:
            self.quantity.errors.append(_l("Enter the quantity."))
            ok = False
        return ok


class IndicatorForm(RowForm):
    name = StringField(_l("Indicator"), validators=[Length(max=200)])
    target = QuantityField(_l("Target"), allow_zero=True)
    unit = StringField(_l("Unit"), validators=[Length(max=30)])

    def is_blank(self) -> bool:
        return not ((self.name.data or "").strip() or (getattr(self.target, "raw", "") or "").strip()
                    or (self.unit.data or "").strip())

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if self.is_blank():
            return ok
        if not (self.name.data or "").strip():
            self.name.errors.append(_l("Name the indicator."))
            ok = False
        if self.target.data is None and not self.target.errors:
            self.target.errors.append(_l("Enter the target."))
            ok = False
        return ok


class MilestoneForm(RowForm):
    title = StringField(_l("Milestone"), validators=[Length(max=200)])
    due_date = IsoDateField(_l("Due date"))
    deliverable = StringField(_l("Deliverable"), validators=[Length(max=1000)])

    def is_blank(self) -> bool:
        return not ((self.title.data or "").strip() or (getattr(self.due_date, "raw", "") or "").strip()
                    or (self.deliverable.data or "").strip())

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if self.is_blank():
            return ok
        if not (self.title.data or "").strip():
            self.title.errors.append(_l("Name the milestone."))
            ok = False
        if self.due_date.data is None and not self.due_date.errors:
            self.due_date.errors.append(_l("Enter the due date."))
            ok = False
        return ok


def _too_long(n):
    return Length(max=n, message=_l("At most %(max)d characters.", max=n))


class ProposalForm(FlaskForm):
    title = StringField(_l("Project title"), validators=[_too_long(200)])
    category = SelectField(_l("Category"), choices=[], validators=[Optional()])
    summary = TextAreaField(_l("Summary"), validators=[_too_long(2000)])
    need_analysis = TextAreaField(_l("Need analysis"), validators=[_too_long(LONG_TEXT)])
    objectives = TextAreaField(_l("Objectives"), validators=[_too_long(LONG_TEXT)])
    beneficiaries = TextAreaField(_l("Target beneficiaries"), validators=[_too_long(LONG_TEXT)])
    beneficiary_count = CountField(_l("Number of beneficiaries"))
    activities = TextAreaField(_l("Planned activities"), validators=[_too_long(LONG_TEXT)])
    start_date = IsoDateField(_l("Start date"))
    end_date = IsoDateField(_l("End date"))
    amount_requested = MoneyField(_l("Amount requested (yuan)"))
    matching_funds = MoneyField(_l("Matching funds (yuan)"))
    matching_source = TextAreaField(_l("Source of the matching funds"), validators=[_too_long(1000)])
    budget_lines = FieldList(FormField(BudgetLineForm), min_entries=0, max_entries=MAX_ROWS)
    indicators = FieldList(FormField(IndicatorForm), min_entries=0, max_entries=MAX_ROWS)
    milestones = FieldList(FormField(MilestoneForm), min_entries=0, max_entries=MAX_ROWS)

    def __init__(self, *args, call=None, **kwargs):
        super().__init__(*args, **kwargs)
        cats = list(call.categories or []) if call is not None else []
        self.category.choices = [("", _l("Choose…"))] + [(c, labels.CATEGORY_LABELS.get(c, c)) for c in cats]
        # Spare empty rows so rows can be added without JavaScript.
        for name in ("budget_lines", "indicators", "milestones"):
            rows = getattr(self, name)
            while len(rows) < MAX_ROWS and sum(1 for e in rows if e.form.is_blank()) < SPARE_ROWS:
                rows.append_entry()

    def validate_end_date(self, field):
        if field.data and self.start_date.data and field.data < self.start_date.data:
            raise ValidationError(_l("The end date must be on or after the start date."))

    def validate_category(self, field):
        if field.data and field.data not in dict(self.category.choices):
            raise ValidationError(_l("Choose one of the call's categories."))

    def data_for_service(self) -> dict:
        def text(f):
            return (f.data or "").strip()

        return {
            "title": text(self.title), "category": self.category.data or None, "summary": text(self.summary),
            "need_analysis": text(self.need_analysis), "objectives": text(self.objectives),
            "beneficiaries": text(self.beneficiaries), "beneficiary_count": self.beneficiary_count.data,
            "activities": text(self.activities), "start_date": self.start_date.data, "end_date": self.end_date.data,
            "amount_requested": self.amount_requested.data, "matching_funds": self.matching_funds.data,
            "matching_source": text(self.matching_source),
            "budget_lines": [
                {"category": e.form.category.data, "description": text(e.form.description),
                 "unit_price": e.form.unit_price.data, "quantity": e.form.quantity.data,
                 "funded_by": e.form.funded_by.data}
                for e in self.budget_lines if not e.form.is_blank()
            ],
            "indicators": [
                {"name": text(e.form.name), "target": e.form.target.data, "unit": text(e.form.unit)}
                for e in self.indicators if not e.form.is_blank()
            ],
            "milestones": [
                {"title": text(e.form.title), "due_date": e.form.due_date.data, "deliverable": text(e.form.deliverable)}
                for e in self.milestones if not e.form.is_blank()
            ],
        }


class AttachmentForm(FlaskForm):
    file = FileField(_l("File"))


class ConfirmForm(FlaskForm):
    """A POST with only the CSRF token (withdraw, reopen, delete a file, start a proposal)."""


class WithdrawForm(FlaskForm):
    reason = TextAreaField(_l("Reason (optional)"), validators=[Optional(), _too_long(1000)])


class ScreenForm(FlaskForm):
    decision = SelectField(_l("Decision"), choices=[], validators=[Optional()])
    reason = TextAreaField(_l("Reason"), validators=[Optional(), _too_long(2000)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.decision.choices = [("pass", _l("Pass screening")), ("fail", _l("Fail screening"))]
