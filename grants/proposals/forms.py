"""Proposal forms. Formats are checked here (each message beside its field); business rules
(caps, shares, completeness) are checked by grants.services.proposals at submission."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import FieldList, FormField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional, ValidationError

from grants import labels
from grants.forms import CountField, DateField, MoneyField, QuantityField, RowForm, at_most
from grants.models.proposal import BUDGET_CATEGORIES

# Empty rows offered below the filled ones (the page works without JavaScript).
SPARE_ROWS = 2
MAX_ROWS = 60
LONG_TEXT = 10000


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
    due_date = DateField(_l("Due date"), years=(2000, 2100))
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


class ProposalForm(FlaskForm):
    title = StringField(_l("Project title"), validators=[at_most(200)])
    category = SelectField(_l("Category"), choices=[], validators=[Optional()])
    summary = TextAreaField(_l("Summary"), validators=[at_most(2000)])
    need_analysis = TextAreaField(_l("Need analysis"), validators=[at_most(LONG_TEXT)])
    objectives = TextAreaField(_l("Objectives"), validators=[at_most(LONG_TEXT)])
    beneficiaries = TextAreaField(_l("Target beneficiaries"), validators=[at_most(LONG_TEXT)])
    beneficiary_count = CountField(_l("Number of beneficiaries"))
    activities = TextAreaField(_l("Planned activities"), validators=[at_most(LONG_TEXT)])
    start_date = DateField(_l("Start date"), years=(2000, 2100))
    end_date = DateField(_l("End date"), years=(2000, 2100))
    amount_requested = MoneyField(_l("Amount requested (yuan)"))
    matching_funds = MoneyField(_l("Matching funds (yuan)"))
    matching_source = TextAreaField(_l("Source of the matching funds"), validators=[at_most(1000)])
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
    reason = TextAreaField(_l("Reason (optional)"), validators=[Optional(), at_most(1000)])


class ScreenForm(FlaskForm):
    decision = SelectField(_l("Decision"), choices=[], validators=[Optional()])
    reason = TextAreaField(_l("Reason"), validators=[Optional(), at_most(2000)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Nothing chosen in advance: one stray click must not pass a proposal.
        self.decision.choices = [("", _l("Choose…")), ("pass", _l("Pass screening")), ("fail", _l("Fail screening"))]
