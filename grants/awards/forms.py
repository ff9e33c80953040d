from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Length, Optional

from grants.forms import MoneyField


class ProposeForm(FlaskForm):
    proposal_id = HiddenField(validators=[DataRequired()])
    amount = MoneyField(_l("Amount to award"), validators=[DataRequired(_l("Enter the amount to award."))])
    note = TextAreaField(_l("Decision note"), validators=[Optional(), Length(max=2000)])


class AmountForm(FlaskForm):
    amount = MoneyField(_l("Amount to award"), validators=[DataRequired(_l("Enter the amount to award."))])
    note = TextAreaField(_l("Decision note"), validators=[Optional(), Length(max=2000)])


class NoteForm(FlaskForm):
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)])


class ResolveForm(FlaskForm):
    # Radio buttons in the template: "dismiss" or "uphold".
    decision = StringField(_l("Decision"), validators=[DataRequired(_l("Choose a decision.")),
                                                       AnyOf(("dismiss", "uphold"), message=_l("Choose a decision."))])
    resolution = TextAreaField(_l("Reasons (published with the outcome)"), validators=[
        DataRequired(_l("Give the reasons for the decision; they are published with the outcome.")),
        Length(max=5000)])


class ObjectionForm(FlaskForm):
    award_id = StringField(_l("Which award"), validators=[Optional()])
    name = StringField(_l("Your name"), validators=[DataRequired(_l("Give your name.")), Length(max=100)])
    contact = StringField(_l("Phone or e-mail"), validators=[
        DataRequired(_l("Give a phone number or e-mail address so the bureau can reply.")), Length(max=200)])
    text = TextAreaField(_l("Your objection and the facts behind it"), validators=[
        DataRequired(_l("Describe the objection and the facts behind it.")), Length(max=5000)])
