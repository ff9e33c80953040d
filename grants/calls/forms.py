"""Call forms: every field validated on the server with a message beside it."""
from __future__ import annotations

import re
import unicodedata
from datetime import datetime, time
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict
from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateField, FieldList, FormField, SelectField, SelectMultipleField,
                     StringField, TextAreaField, TimeField)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from grants import labels
from grants.forms import MoneyField, RowForm
from grants.models.call import CATEGORIES, TRANCHE_CONDITIONS
from grants.services.calls import CriterionRow, TrancheRow
from grants.timeutil import end_of_local_day, local_to_utc, to_local

REQUIRED = _l("This field is required.")
MAX_ROWS = 20
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(value):
    """Drop invisible control characters (PostgreSQL refuses NUL in text); keep tabs and newlines."""
    return _CONTROL.sub("", value) if isinstance(value, str) else value


TEXT = {"filters": [clean_text]}


def _fold(text: str | None) -> str:
    """Full-width digits and signs folded to ASCII (１２３ → 123), spaces trimmed."""
    return unicodedata.normalize("NFKC", text or "").strip().replace(",", "")


class WholeNumberField(StringField):
    """A whole number between `low` and `high`; full-width digits accepted."""

    def __init__(self, label=None, validators=None, low=0, high=100, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.low, self.high = low, high

    def process_formdata(self, valuelist):
        self.raw = valuelist[0] if valuelist else ""
        self.data = None
        self._problem = None
        text = _fold(self.raw)
        if not text:
            return
        try:
            value = int(text) if text.lstrip("-").isdigit() else None
        except ValueError:
            value = None
        if value is None:
            self._problem = _l("Enter a whole number.")
        elif not self.low <= value <= self.high:
            self._problem = _l("Enter a whole number from %(low)d to %(high)d.", low=self.low, high=self.high)
        else:
            self.data = value

    def pre_validate(self, form):
        if getattr(self, "_problem", None):
            raise ValidationError(str(self._problem))

    def _value(self):
        if getattr(self, "raw", None):
            return self.raw
        return "" if self.data is None else str(self.data)


class PercentField(StringField):
    """A percentage from 0 to 100 with at most two decimals; full-width digits accepted."""

    def process_formdata(self, valuelist):
        self.raw = valuelist[0] if valuelist else ""
        self.data = None
        self._problem = None
        text = _fold(self.raw).rstrip("%％").strip()
        if not text:
            return
        try:
            value = Decimal(text)
        except InvalidOperation:
            value = None
        if value is None or not value.is_finite():
            self._problem = _l("Enter a percentage such as 20 or 12.5.")
        elif value < 0 or value > 100:
            self._problem = _l("Enter a percentage from 0 to 100.")
        elif value != value.quantize(Decimal("0.01")):
            self._problem = _l("A percentage has at most two decimal places.")
        else:
            self.data = value.quantize(Decimal("0.01"))

    def pre_validate(self, form):
        if getattr(self, "_problem", None):
            raise ValidationError(str(self._problem))

    def _value(self):
        if getattr(self, "raw", None):
            return self.raw
        return "" if self.data is None else f"{self.data.normalize():f}"


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
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form):
        if self.data:
            allowed = {str(v) for v, _label in self.choices}
            if any(d not in allowed for d in self.data):
                raise ValidationError(_l("Choose from the list."))


class CriterionForm(RowForm):
    name = StringField(**TEXT, label=_l("Criterion"), validators=[Optional(), Length(max=100, message=_l("At most %(max)d characters."))])
    description = StringField(**TEXT, label=_l("What the experts look at"),
                              validators=[Optional(), Length(max=500, message=_l("At most %(max)d characters."))])
    weight = WholeNumberField(_l("Weight"), low=1, high=100)
    max_score = WholeNumberField(_l("Maximum score"), low=1, high=100)

    def is_blank(self) -> bool:
        return not ((self.name.data or "").strip() or (self.description.data or "").strip()
                    or getattr(self.weight, "raw", "") or getattr(self.max_score, "raw", ""))

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if self.is_blank():
            return ok
        if not (self.name.data or "").strip():
            self.name.errors = list(self.name.errors) + [str(_l("Name the criterion."))]
            ok = False
        if self.weight.data is None and not self.weight.errors:
            self.weight.errors = list(self.weight.errors) + [str(_l("Give the weight."))]
            ok = False
        if self.max_score.data is None and not self.max_score.errors:
            self.max_score.errors = list(self.max_score.errors) + [str(_l("Give the maximum score."))]
            ok = False
        return ok


class TrancheForm(RowForm):
    percentage = WholeNumberField(_l("Percentage"), low=1, high=100)
    condition = ChoiceField(_l("Released"), choices=[], validators=[Optional()])
    milestone_number = WholeNumberField(_l("Milestone no."), low=1, high=20)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.condition.choices = [("", "—")] + [(k, labels.TRANCHE_CONDITION_LABELS[k]) for k in TRANCHE_CONDITIONS]

    def is_blank(self) -> bool:
        return not (getattr(self.percentage, "raw", "") or self.condition.data)

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if self.is_blank():
            return ok
        if self.percentage.data is None and not self.percentage.errors:
            self.percentage.errors = list(self.percentage.errors) + [str(_l("Give the percentage."))]
            ok = False
        if not self.condition.data:
            self.condition.errors = list(self.condition.errors) + [str(_l("Choose when it is released."))]
            ok = False
        elif self.condition.data == "milestone" and self.milestone_number.data is None and not self.milestone_number.errors:
            self.milestone_number.errors = list(self.milestone_number.errors) + [str(_l("Give the milestone number."))]
            ok = False
        return ok


class DayField(DateField):
    """A date (YYYY-MM-DD); full-width digits accepted; a clear message otherwise."""

    def process_formdata(self, valuelist):
        valuelist = [unicodedata.normalize("NFKC", v or "").strip() for v in valuelist]
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(str(_l("Enter a date such as 2027-03-31."))) from None


class ClockField(TimeField):
    def process_formdata(self, valuelist):
        valuelist = [unicodedata.normalize("NFKC", v or "").strip() for v in valuelist]
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(str(_l("Enter a time such as 17:00."))) from None


def _date_required():
    return [InputRequired(_l("Enter a date such as 2027-03-31."))]


class CallForm(FlaskForm):
    title = StringField(**TEXT, label=_l("Title"), validators=[DataRequired(REQUIRED), Length(max=200, message=_l("At most %(max)d characters."))])
    description = TextAreaField(**TEXT, label=_l("Description"), validators=[Optional(), Length(max=20000, message=_l("At most %(max)d characters."))])
    categories = MultiCheckboxField(_l("Categories"), choices=[])
    budget_pool = MoneyField(_l("Budget pool (yuan)"), validators=[InputRequired(_l("Enter an amount."))])
    per_project_cap = MoneyField(_l("Maximum grant per project (yuan)"), validators=[InputRequired(_l("Enter an amount."))])
    min_matching_share = PercentField(_l("Minimum matching funds (percent of the project budget)"), default=Decimal("0"))
    max_personnel_share = PercentField(_l("Maximum personnel costs (percent of the grant)"), default=Decimal("30"))
    max_proposals_per_org = WholeNumberField(_l("Proposals per organisation (at most)"), low=1, high=20, default=1)
    term_min_months = WholeNumberField(_l("Shortest project term (months)"), low=1, high=36, default=1)
    term_max_months = WholeNumberField(_l("Longest project term (months)"), low=1, high=36, default=12)
    opens_on = DayField(_l("Opens on"), validators=_date_required())
    opens_time = ClockField(_l("at (time, optional)"), validators=[Optional()], format="%H:%M")
    closes_on = DayField(_l("Closes on"), validators=_date_required())
    closes_time = ClockField(_l("at (time, optional; empty = 23:59:59)"), validators=[Optional()], format="%H:%M")
    reviewers_per_proposal = WholeNumberField(_l("Reviewers per proposal"), low=1, high=15, default=3)
    blind_review = BooleanField(_l("Blind review (experts do not see the organisation)"))
    notice_working_days = WholeNumberField(_l("Public notice (working days)"), low=0, high=30, default=5)
    allow_resubmit = BooleanField(_l("Allow resubmission after withdrawal"), default=True)

    min_grade = ChoiceField(_l("Minimum grade"), choices=[], coerce=int, default=0)
    min_years_registered = WholeNumberField(_l("Minimum years since registration"), low=0, high=50)
    require_verified = BooleanField(_l("Organisation verified by the bureau"), default=True)
    require_inspection_passed = BooleanField(_l("Annual inspection passed last year"))
    exclude_blacklisted = BooleanField(_l("Not on the list of seriously illegal and dishonest organisations"), default=True)
    districts = MultiCheckboxField(_l("Districts (none ticked = all)"), choices=[])

    criteria = FieldList(FormField(CriterionForm), max_entries=MAX_ROWS)
    tranches = FieldList(FormField(TrancheForm), max_entries=MAX_ROWS)
    tranche_preset = ChoiceField(_l("Use a preset tranche plan"), choices=[], validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.categories.choices = [(k, labels.CATEGORY_LABELS[k]) for k in CATEGORIES]
        self.districts.choices = [(d, d) for d in labels.DISTRICTS]
        self.min_grade.choices = [(0, _l("No minimum"))] + [(g, labels.GRADE_LABELS[g]) for g in range(1, 6)]
        self.tranche_preset.choices = [("", _l("No: use the rows below")), ("50_30_20", "50% / 30% / 20%"),
                                       ("30_40_30", "30% / 40% / 30%")]

    def pad_rows(self, extra: int = 2) -> None:
        """Blank rows to fill in (no JavaScript needed)."""
        for fl, minimum in ((self.criteria, 6), (self.tranches, 3)):
            while fl.entries and fl.entries[-1].form.is_blank() and not fl.entries[-1].errors:
                fl.pop_entry()
            target = min(MAX_ROWS, max(minimum, len(fl.entries) + extra))
            while len(fl.entries) < target:
                fl.append_entry()

    # -- conversion --------------------------------------------------------------------
    def criterion_rows(self) -> list[CriterionRow]:
        rows = []
        for entry in self.criteria.entries:
            f = entry.form
            if f.is_blank():
                continue
            rows.append(CriterionRow(f.name.data.strip(), (f.description.data or "").strip(), f.weight.data,
                                     f.max_score.data))
        return rows

    def tranche_rows(self) -> list[TrancheRow]:
        rows = []
        for entry in self.tranches.entries:
            f = entry.form
            if f.is_blank():
                continue
            rows.append(TrancheRow(f.percentage.data, f.condition.data,
                                   f.milestone_number.data if f.condition.data == "milestone" else None))
        return rows

    def opens_at(self) -> datetime:
        return local_to_utc(datetime.combine(self.opens_on.data, self.opens_time.data or time(0, 0)))

    def closes_at(self) -> datetime:
        if self.closes_time.data is None:
            return end_of_local_day(self.closes_on.data)
        return local_to_utc(datetime.combine(self.closes_on.data, self.closes_time.data))

    def call_data(self) -> dict:
        return {
            "title": self.title.data.strip(),
            "description": (self.description.data or "").strip(),
            "categories": list(self.categories.data or []),
            "budget_pool": self.budget_pool.data,
            "per_project_cap": self.per_project_cap.data,
            "min_matching_share": self.min_matching_share.data if self.min_matching_share.data is not None else Decimal("0"),
            "max_personnel_share": self.max_personnel_share.data if self.max_personnel_share.data is not None else Decimal("100"),
            "max_proposals_per_org": self.max_proposals_per_org.data or 1,
            "term_min_months": self.term_min_months.data or 1,
            "term_max_months": self.term_max_months.data or 12,
            "opens_at": self.opens_at(),
            "closes_at": self.closes_at(),
            "allow_resubmit": bool(self.allow_resubmit.data),
            "min_grade": self.min_grade.data or None,
            "min_years_registered": self.min_years_registered.data or None,
            "require_verified": bool(self.require_verified.data),
            "require_inspection_passed": bool(self.require_inspection_passed.data),
            "exclude_blacklisted": bool(self.exclude_blacklisted.data),
            "districts": list(self.districts.data or []) or None,
            "reviewers_per_proposal": self.reviewers_per_proposal.data or 3,
            "blind_review": bool(self.blind_review.data),
            "notice_working_days": self.notice_working_days.data if self.notice_working_days.data is not None else 5,
        }


def initial_from_call(call) -> dict:
    """Form data for editing an existing call."""
    opens, closes = to_local(call.opens_at), to_local(call.closes_at)
    closes_default = closes.time() == time(23, 59, 59)
    return {
        "title": call.title, "description": call.description, "categories": list(call.categories or []),
        "budget_pool": call.budget_pool, "per_project_cap": call.per_project_cap,
        "min_matching_share": call.min_matching_share, "max_personnel_share": call.max_personnel_share,
        "max_proposals_per_org": call.max_proposals_per_org, "term_min_months": call.term_min_months,
        "term_max_months": call.term_max_months, "opens_on": opens.date(),
        "opens_time": opens.time().replace(second=0, microsecond=0),
        "closes_on": closes.date(), "closes_time": None if closes_default else closes.time().replace(second=0, microsecond=0),
        "reviewers_per_proposal": call.reviewers_per_proposal, "blind_review": call.blind_review,
        "notice_working_days": call.notice_working_days, "allow_resubmit": call.allow_resubmit,
        "min_grade": call.min_grade or 0, "min_years_registered": call.min_years_registered,
        "require_verified": call.require_verified, "require_inspection_passed": call.require_inspection_passed,
        "exclude_blacklisted": call.exclude_blacklisted, "districts": list(call.districts or []),
        "criteria": [{"name": c.name, "description": c.description, "weight": c.weight, "max_score": c.max_score}
                     for c in call.criteria],
        "tranches": [{"percentage": t.percentage, "condition": t.condition, "milestone_number": t.milestone_number}
                     for t in call.tranches],
    }


def initial_for_new(criteria, tranches) -> dict:
    return {
        "criteria": [{"name": c.name, "description": c.description, "weight": c.weight, "max_score": c.max_score}
                     for c in criteria],
        "tranches": [{"percentage": t.percentage, "condition": t.condition, "milestone_number": t.milestone_number}
                     for t in tranches],
    }


# -- organisation records (staff) -----------------------------------------------------------
class GradeForm(FlaskForm):
    grade = ChoiceField(_l("Grade (等级评估)"), choices=[], coerce=int)
    assessed_on = DayField(_l("Assessment date"), validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.grade.choices = [(g, labels.GRADE_LABELS[g]) for g in range(0, 6)]


class InspectionForm(FlaskForm):
    year = WholeNumberField(_l("Year"), validators=[InputRequired(_l("Give the year."))], low=1990, high=2100)
    result = ChoiceField(_l("Result"), choices=[], validators=[DataRequired(_l("Choose a result from the list."))])
    note = StringField(**TEXT, label=_l("Note"), validators=[Optional(), Length(max=500, message=_l("At most %(max)d characters."))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.result.choices = [("", "—")] + list(labels.INSPECTION_LABELS.items())


class BlacklistForm(FlaskForm):
    flagged = BooleanField(_l("On the list of seriously illegal and dishonest organisations (严重违法失信名单)"))
    on = DayField(_l("Listed on"), validators=[Optional()])
    note = TextAreaField(**TEXT, label=_l("Note (reason, decision reference)"),
                         validators=[Optional(), Length(max=2000, message=_l("At most %(max)d characters."))])


def as_formdata(form) -> MultiDict:
    """What a browser sends for `form` as rendered from its data. Used for an open call, whose
    frozen fields are shown disabled (so the browser does not send them): they are filled in from
    the call, and whatever was sent still takes precedence — a crafted change is refused as usual."""
    sent = MultiDict()

    def walk(field):
        if isinstance(field, (FieldList, FormField)):
            for sub in field:
                walk(sub)
        elif field.type == "CSRFTokenField":
            return
        elif isinstance(field, BooleanField):
            if field.data:
                sent.add(field.name, "y")
        elif isinstance(field, SelectMultipleField):
            for value in field.data or []:
                sent.add(field.name, value)
        elif isinstance(field, SelectField):
            sent.add(field.name, "" if field.data is None else str(field.data))
        else:
            sent.add(field.name, field._value())

    for field in form:
        walk(field)
    return sent
