"""Proposal forms. Formats are checked here (each message beside its field); business rules
(caps, shares, completeness) are checked by grants.services.proposals at submission."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.csrf import generate_csrf
from flask_wtf.file import FileField
from werkzeug.datastructures import MultiDict
from wtforms import FieldList, FormField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional, ValidationError

from grants import labels
from grants.forms import CountField, DateField, MoneyField, QuantityField, RowForm, at_most
from grants.models.proposal import BUDGET_CATEGORIES
from grants.money import MAX_AMOUNT, quantize

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
        if ok and quantize(self.unit_price.data * self.quantity.data) > MAX_AMOUNT:
            self.quantity.errors.append(_l("The line total is too large (at most ¥99,999,999.99)."))
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


ROW_SECTIONS = ("budget_lines", "indicators", "milestones")
SECTION_LABELS = {"budget_lines": _l("Budget"), "indicators": _l("Measurable indicators"),
                  "milestones": _l("Milestones")}


def _typed(field) -> str:
    """What the person typed into a field (the raw text of a parsed field)."""
    raw = getattr(field, "raw", None)
    if raw is not None and hasattr(field, "parse"):
        return raw
    return field.data if isinstance(field.data, str) else ("" if field.data is None else str(field.data))


def _shown(field) -> str:
    """A field's value as the page shows it (what posting the page back would send)."""
    if isinstance(field, SelectField):
        return "" if field.data is None else str(field.data)
    return field._value()


class ProposalForm(FlaskForm):
    # The proposal version the page was loaded with (a save made elsewhere since is a conflict).
    version = HiddenField()
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

    def __init__(self, *args, call=None, required=(), **kwargs):
        super().__init__(*args, **kwargs)
        # Required before submission (marked on the page; saving a draft requires nothing).
        for name in required:
            field = self[name]
            field.flags.required = True
            field.render_kw = {**(field.render_kw or {}), "aria-required": "true"}
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


    def posted_version(self) -> int | None:
        value = (self.version.data or "").strip()
        return int(value) if value.isdigit() else None

    def split(self) -> tuple[dict, dict]:
        """After validate(): (the valid values for the service, the raw text of what is invalid).

        A field with an error is left out of the values and kept as typed; a row with an error
        in any cell is kept whole, with its place among the filled rows ("at")."""
        data = self.data_for_service()
        raw: dict = {"fields": {}, "rows": {}}
        for name in ProposalForm.SCALARS:
            field = self[name]
            if field.errors:
                raw["fields"][name] = _typed(field)
                data.pop(name, None)
        for section in ROW_SECTIONS:
            kept, bad = [], []
            filled = [e.form for e in self[section] if not e.form.is_blank()]
            for at, (row, values) in enumerate(zip(filled, data[section], strict=True)):
                if row.errors:
                    bad.append({"at": at, "values": {f.short_name: _typed(f) for f in row}})
                else:
                    kept.append(values)
            data[section] = kept
            if bad:
                raw["rows"][section] = bad
        return data, raw

    def error_count(self) -> int:
        """How many inputs are marked (each bad cell of a row counts once)."""
        return len({input_id for input_id, _what, _message in self.marked()})

    def marked(self) -> list[tuple[str, str, str]]:
        """(input id, what it is, message) for every marked input, in page order (the list at the top)."""
        out = []
        for name in ProposalForm.SCALARS:
            for message in self[name].errors:
                out.append((self[name].id, str(self[name].label.text), str(message)))
        for section in ROW_SECTIONS:
            for n, entry in enumerate(self[section], start=1):
                for f in entry.form:
                    for message in f.errors:
                        out.append((f.id, str(_l("%(section)s, row %(n)d: %(field)s", section=SECTION_LABELS[section],
                                                 n=n, field=f.label.text)), str(message)))
        return out

    def field_errors(self) -> dict[str, list[str]]:
        """Input id -> its messages (rows by cell: "budget_lines-3-unit_price")."""
        out: dict[str, list[str]] = {}
        for name in ProposalForm.SCALARS:
            if self[name].errors:
                out[self[name].id] = [str(e) for e in self[name].errors]
        for section in ROW_SECTIONS:
            for entry in self[section]:
                for f in entry.form:
                    if f.errors:
                        out[f.id] = [str(e) for e in f.errors]
        return out

    SCALARS = ("title", "category", "summary", "need_analysis", "objectives", "beneficiaries", "beneficiary_count",
               "activities", "start_date", "end_date", "amount_requested", "matching_funds", "matching_source")


def draft_form(proposal, required=()) -> ProposalForm:
    """The edit form of a saved draft. Values that could not be saved (proposal.draft_raw) come
    back as typed, in their place among the rows, with their messages (checked again, in the
    reader's language)."""
    saved = ProposalForm(obj=proposal, call=proposal.call, required=required, formdata=None)
    saved.version.data = str(proposal.version)
    raw = proposal.draft_raw or {}
    if not (raw.get("fields") or raw.get("rows")):
        return saved
    posted = MultiDict({"csrf_token": generate_csrf(), "version": str(proposal.version)})
    for name in ProposalForm.SCALARS:
        posted[name] = raw["fields"][name] if name in raw.get("fields", {}) else _shown(saved[name])
    for section in ROW_SECTIONS:
        rows = [{f.short_name: _shown(f) for f in e.form} for e in saved[section] if not e.form.is_blank()]
        for bad in sorted((raw.get("rows") or {}).get(section, []), key=lambda r: r["at"]):
            rows.insert(min(bad["at"], len(rows)), dict(bad["values"]))
        for i, row in enumerate(rows):
            for key, value in row.items():
                posted[f"{section}-{i}-{key}"] = value
    form = ProposalForm(formdata=posted, call=proposal.call, required=required)
    form.validate()
    return form


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
