"""Call forms: every field validated on the server with a message beside it."""
from __future__ import annotations

from datetime import datetime, time
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from werkzeug.datastructures import MultiDict
from wtforms import (
    BooleanField,
    FieldList,
    FormField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Optional, Regexp
from wtforms.widgets import DateInput

from grants import labels
from grants.forms import (
    TEXT,
    ChoiceField,
    ClockField,
    DateField,
    MoneyField,
    MultiCheckboxField,
    PercentField,
    RowForm,
    WholeNumberField,
    at_most,
)
from grants.models.call import CATEGORIES, TRANCHE_CONDITIONS
from grants.services.calls import CriterionRow, TrancheRow
from grants.timeutil import end_of_local_day, local_to_utc, to_local

REQUIRED = _l("This field is required.")
MAX_ROWS = 20


class CriterionForm(RowForm):
    name = StringField(**TEXT, label=_l("Criterion"), validators=[Optional(), at_most(100)])
    description = StringField(**TEXT, label=_l("What the experts look at"),
                              validators=[Optional(), at_most(500)])
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
        elif (self.condition.data == "milestone" and self.milestone_number.data is None
              and not self.milestone_number.errors):
            self.milestone_number.errors = list(self.milestone_number.errors) + [str(_l("Give the milestone number."))]
            ok = False
        return ok


def _or(value, default):
    """`value`, or `default` when the field was left empty (0 is a value)."""
    return default if value is None else value


def _date_required():
    return [InputRequired(_l("Enter a date such as 2027-03-31."))]


class CallForm(FlaskForm):
    title = StringField(**TEXT, label=_l("Title"), validators=[DataRequired(REQUIRED), at_most(200)])
    description = TextAreaField(**TEXT, label=_l("Description"), validators=[Optional(), at_most(20000)])
    categories = MultiCheckboxField(_l("Categories"), choices=[])
    budget_pool = MoneyField(_l("Budget pool (yuan)"), validators=[InputRequired(_l("Enter an amount."))])
    per_project_cap = MoneyField(_l("Maximum grant per project (yuan)"),
                                 validators=[InputRequired(_l("Enter an amount."))])
    min_matching_share = PercentField(_l("Minimum matching funds (percent of the project budget)"),
                                      default=Decimal("0"))
    max_personnel_share = PercentField(_l("Maximum personnel costs (percent of the grant)"), default=Decimal("30"))
    max_proposals_per_org = WholeNumberField(_l("Proposals per organisation (at most)"), low=1, high=20, default=1)
    term_min_months = WholeNumberField(_l("Shortest project term (months)"), low=1, high=36, default=1)
    term_max_months = WholeNumberField(_l("Longest project term (months)"), low=1, high=36, default=12)
    opens_on = DateField(_l("Opens on"), validators=_date_required(), widget=DateInput())
    opens_time = ClockField(_l("at (time, optional)"), validators=[Optional()])
    closes_on = DateField(_l("Closes on"), validators=_date_required(), widget=DateInput())
    closes_time = ClockField(_l("at (time, optional; empty = 23:59:59)"), validators=[Optional()])
    reviewers_per_proposal = WholeNumberField(_l("Reviewers per proposal"), low=1, high=15, default=3)
    blind_review = BooleanField(_l("Blind review (experts do not see the organisation)"))
    notice_working_days = WholeNumberField(_l("Public notice (working days)"), low=0, high=30, default=5)
    review_deadline_on = DateField(_l("Review deadline (scores lock after 23:59:59 Beijing time that day)"),
                                   validators=[Optional()], widget=DateInput())
    show_scores_after_submit = BooleanField(
        _l("Reviewers see the other reviews' scores (never names) after submitting their own"), default=True)
    allow_resubmit = BooleanField(_l("Allow resubmission after withdrawal"), default=True)
    contact_name = StringField(**TEXT, label=_l("Contact person"), validators=[Optional(), at_most(50)])
    contact_phone = StringField(**TEXT, label=_l("Contact telephone"), validators=[
        Optional(), at_most(30), Regexp(r"^[0-9+()\- 转]*$", message=_l("Enter a telephone number, for example "
                                                                        "0573-82071234."))])
    contact_email = StringField(**TEXT, label=_l("Contact e-mail"), validators=[
        Optional(), at_most(120), Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
                                         message=_l("Enter an e-mail address such as name@example.org."))])

    min_grade = ChoiceField(_l("Minimum grade"), choices=[], coerce=int, default=0)
    min_years_registered = WholeNumberField(_l("Minimum years since registration"), low=0, high=50)
    require_verified = BooleanField(_l("Organisation verified by the bureau"), default=True)
    require_inspection_passed = BooleanField(_l("Annual inspection passed last year"))
    exclude_blacklisted = BooleanField(_l("Not on the list of seriously illegal and dishonest organisations"),
                                       default=True)
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
            "min_matching_share": _or(self.min_matching_share.data, Decimal("0")),
            "max_personnel_share": _or(self.max_personnel_share.data, Decimal("100")),
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
            "review_deadline": end_of_local_day(self.review_deadline_on.data) if self.review_deadline_on.data else None,
            "show_scores_after_submit": bool(self.show_scores_after_submit.data),
            "contact_name": (self.contact_name.data or "").strip(),
            "contact_phone": (self.contact_phone.data or "").strip(),
            "contact_email": (self.contact_email.data or "").strip(),
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
        "closes_on": closes.date(),
        "closes_time": None if closes_default else closes.time().replace(second=0, microsecond=0),
        "reviewers_per_proposal": call.reviewers_per_proposal, "blind_review": call.blind_review,
        "notice_working_days": call.notice_working_days, "allow_resubmit": call.allow_resubmit,
        "review_deadline_on": to_local(call.review_deadline).date() if call.review_deadline else None,
        "show_scores_after_submit": call.show_scores_after_submit,
        "contact_name": call.contact_name, "contact_phone": call.contact_phone, "contact_email": call.contact_email,
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


class CallAttachmentForm(FlaskForm):
    """A guide or template file for the public call page (also the CSRF check of its removal)."""

    title = StringField(**TEXT, label=_l("Title shown to applicants (optional: the file name)"),
                        validators=[Optional(), at_most(200)])
    file = FileField(_l("File (PDF, Word, Excel, JPEG or PNG, at most 10 MB)"))
