from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, Optional
from wtforms.widgets import DateInput

from grants.forms import ChoiceField, DateField, PercentField, WholeNumberField, at_most
from grants.services.spotchecks import DEFAULT_INSPECTORS_PER_ITEM, MAX_INSPECTORS_PER_ITEM

POPULATION_LABELS = {
    "awards": _l("Funded projects with a contract in force"),
    "organisations": _l("Verified organisations"),
}
RATING_LABELS = {
    "qualified": _l("Satisfactory (合格)"),
    "basically_qualified": _l("Basically satisfactory (基本合格)"),
    "unqualified": _l("Unsatisfactory (不合格)"),
}


class InspectorForm(FlaskForm):
    name = StringField(_l("Inspector's name"),
                       validators=[DataRequired(_l("Give the inspector's name.")), at_most(100)])
    affiliation = StringField(_l("Affiliation (work unit)"), validators=[Optional(), at_most(200)])
    user_email = StringField(_l("E-mail of the inspector's account, if any"), validators=[Optional(), at_most(254)])


class ActiveForm(FlaskForm):
    active = HiddenField(validators=[AnyOf(("0", "1"), message=_l("Choose from the list."))])


class DrawForm(FlaskForm):
    population = ChoiceField(_l("Draw from"), choices=[SelectChoice(k, v) for k, v in POPULATION_LABELS.items()],
                             default="awards")
    period = StringField(_l("Period"), validators=[DataRequired(_l("Name the period.")), at_most(40)])
    nonce = StringField(_l("Nonce (published; leave empty to generate one)"), validators=[Optional(), at_most(64)])
    document_rate = PercentField(_l("Document checks (书面检查), percentage of the population"),
                                 validators=[DataRequired(_l("Enter a percentage, e.g. 5 or 0.5."))])
    onsite_rate = PercentField(_l("On-site checks (实地检查), percentage of the population"),
                               validators=[DataRequired(_l("Enter a percentage, e.g. 5 or 0.5."))])
    inspectors_per_item = WholeNumberField(_l("Inspectors per item"), low=1, high=MAX_INSPECTORS_PER_ITEM,
                                           validators=[DataRequired(_l("Enter a whole number."))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_submitted():
            self.document_rate.data = self.document_rate.data or Decimal("5")
            self.onsite_rate.data = self.onsite_rate.data or Decimal("0.5")
            self.inspectors_per_item.data = self.inspectors_per_item.data or DEFAULT_INSPECTORS_PER_ITEM


class ResultForm(FlaskForm):
    findings = TextAreaField(_l("Findings"), validators=[DataRequired(_l("Describe what the check found.")),
                                                         at_most(5000)])
    rating = ChoiceField(_l("Rating"), choices=[SelectChoice("", _l("Choose…"))]
                         + [SelectChoice(k, v) for k, v in RATING_LABELS.items()],
                         validators=[DataRequired(_l("Choose a rating."))])
    rectification_required = BooleanField(_l("Rectification required (责令整改)"))
    rectification_due_on = DateField(_l("Rectification deadline"), years=(2000, 2100), widget=DateInput(),
                                     validators=[Optional()])


class CloseForm(FlaskForm):
    closed_on = DateField(_l("Closed on"), years=(2000, 2100), widget=DateInput(),
                          validators=[DataRequired(_l("Give the date the check was closed."))])


class RerunForm(FlaskForm):
    """The public re-run: a GET form (nothing is stored), so no CSRF token."""

    class Meta:
        csrf = False

    draw_date = DateField(_l("Draw date"), years=(2000, 2100), widget=DateInput(),
                          validators=[DataRequired(_l("Enter a date such as 2027-03-31."))])
    candidate_ids = TextAreaField(_l("Candidate ids (separated by commas or spaces)"),
                                  validators=[DataRequired(_l("Enter the candidate ids."))])
    nonce = StringField(_l("Nonce"), validators=[DataRequired(_l("Enter the nonce.")), at_most(64)])
    document_rate = PercentField(_l("Document checks (书面检查), percentage of the population"),
                                 validators=[DataRequired(_l("Enter a percentage, e.g. 5 or 0.5."))])
    onsite_rate = PercentField(_l("On-site checks (实地检查), percentage of the population"),
                               validators=[DataRequired(_l("Enter a percentage, e.g. 5 or 0.5."))])
