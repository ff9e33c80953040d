"""Report and evaluation forms, built from the field kit (grants.forms) and the proposal's rows."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import FieldList, FormField, HiddenField, SelectField, TextAreaField
from wtforms.validators import Optional

from grants.forms import TEXT, ChoiceField, MoneyField, QuantityField, RowForm, ScoreField, WholeNumberField, at_most

MAX_COUNT = 100_000_000


class KpiRowForm(RowForm):
    indicator_id = HiddenField()
    actual = QuantityField(_l("Actual"), allow_zero=True)


class SpendingRowForm(RowForm):
    category = HiddenField()
    spent = MoneyField(_l("Spent (yuan)"))


class ReportForm(FlaskForm):
    narrative = TextAreaField(_l("What was done"), validators=[at_most(10000)], **TEXT)
    beneficiaries_served = WholeNumberField(_l("Beneficiaries served"), low=0, high=MAX_COUNT)
    person_times = WholeNumberField(_l("Person-times served"), low=0, high=MAX_COUNT)
    service_hours = QuantityField(_l("Service hours"), allow_zero=True)
    volunteers = WholeNumberField(_l("Volunteers mobilised"), low=0, high=MAX_COUNT)
    kpi_actuals = FieldList(FormField(KpiRowForm), min_entries=0, max_entries=60)
    spending = FieldList(FormField(SpendingRowForm), min_entries=0, max_entries=20)

    SIMPLE = ("narrative", "beneficiaries_served", "person_times", "service_hours", "volunteers")

    def valid_data(self) -> dict:
        """The fields that were read without error (a draft keeps these; the rest stay as saved)."""
        data = {}
        for name in self.SIMPLE:
            field = getattr(self, name)
            if not field.errors:
                data[name] = (field.data or "").strip() if name == "narrative" else field.data
        data["kpi_actuals"] = {int(e.form.indicator_id.data): e.form.actual.data for e in self.kpi_actuals
                               if not e.form.actual.errors and (e.form.indicator_id.data or "").isdigit()}
        data["spending"] = {e.form.category.data: e.form.spent.data for e in self.spending
                            if not e.form.spent.errors and e.form.category.data}
        return data

    @property
    def row_errors(self) -> bool:
        return any(e.form.errors for e in list(self.kpi_actuals) + list(self.spending))


class EvidenceForm(FlaskForm):
    file = FileField(_l("File"))


class ConfirmForm(FlaskForm):
    """A POST with only the CSRF token."""


class ReviewForm(FlaskForm):
    decision = ChoiceField(_l("Decision"), choices=[])
    comment = TextAreaField(_l("Comment"), validators=[Optional(), at_most(2000)], **TEXT)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.decision.choices = [("accept", _l("Accept")), ("return", _l("Return for changes"))]


class AssignForm(FlaskForm):
    kind = ChoiceField(_l("Evaluation"), choices=[])
    evaluator = SelectField(_l("Evaluator"), choices=[], validate_choice=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = [("mid", _l("Mid-term")), ("final", _l("Final"))]


class EvaluationForm(FlaskForm):
    conclusion = ChoiceField(_l("Conclusion"), choices=[], validators=[Optional()])
    text = TextAreaField(_l("Evaluation text"), validators=[at_most(10000)], **TEXT)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.conclusion.choices = [("", _l("Choose…")), ("pass", _l("Pass")), ("fail", _l("Fail"))]


def evaluation_form(criteria: list[dict], formdata=None):
    """The evaluation form with one score field per criterion of the call."""

    class _Form(EvaluationForm):
        pass

    for c in criteria:
        setattr(_Form, f"score_{c['key']}", ScoreField(f"{c['name']}（{c['weight']}%）"))
    return _Form(formdata=formdata) if formdata is not None else _Form()
