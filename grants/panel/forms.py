from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from grants import labels
from grants.forms import WholeNumberField

REQUIRED = _l("This field is required.")


def _clean(value):
    """Surrounding blanks removed (NUL characters are dropped for every form by grants.request)."""
    return value.strip() if isinstance(value, str) else value


def _conflict_choices():
    return [("", _l("Choose…"))] + list(labels.CONFLICT_TYPE_LABELS.items())


class AddMemberForm(FlaskForm):
    reviewer_id = SelectField(_l("Reviewer"), coerce=str, choices=[], validators=[DataRequired(REQUIRED)])
    affiliation = StringField(
        _l("Affiliation (organisation name or USCC)"), validators=[Optional(), Length(max=200)], filters=[_clean]
    )


class AutoAssignForm(FlaskForm):
    seed = WholeNumberField(_l("Random seed"), validators=[Optional()], low=0, high=2**31 - 1)


class AddAssignmentForm(FlaskForm):
    proposal_id = SelectField(_l("Proposal"), coerce=str, choices=[], validators=[DataRequired(REQUIRED)])
    reviewer_id = SelectField(_l("Reviewer"), coerce=str, choices=[], validators=[DataRequired(REQUIRED)])


class RemoveForm(FlaskForm):
    note = StringField(_l("Reason"), filters=[_clean], validators=[
        Optional(), Length(max=500, message=_l("Keep the reason under 500 characters."))])


class RecordConflictForm(FlaskForm):
    reviewer_id = SelectField(_l("Reviewer"), coerce=str, choices=[], validators=[DataRequired(REQUIRED)])
    target = SelectField(_l("Conflict with"), coerce=str, choices=[], validators=[DataRequired(REQUIRED)])
    conflict_type = SelectField(_l("Kind of conflict"), choices=[], validators=[DataRequired(REQUIRED)])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)], filters=[_clean])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.conflict_type.choices = _conflict_choices()


class DeclareForm(FlaskForm):
    decision = RadioField(
        _l("Your declaration"),
        choices=[SelectChoice("none", _l("I have no conflict of interest with this proposal")),
                 SelectChoice("conflict", _l("I have a conflict of interest with this proposal"))],
        validators=[InputRequired(_l("Choose one of the two declarations."))],
    )
    conflict_type = SelectField(_l("Kind of conflict"), choices=[], validators=[Optional()])
    note = TextAreaField(_l("Describe the conflict"), validators=[Optional(), Length(max=2000)], filters=[_clean])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.conflict_type.choices = _conflict_choices()


class ReminderForm(FlaskForm):
    pass
