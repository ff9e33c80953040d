from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, InputRequired, Length
from wtforms.widgets import DateInput

from grants.forms import DateField, MultiCheckboxField
from grants.services.api_tokens import SCOPES

REQUIRED = _l("This field is required.")


class TokenForm(FlaskForm):
    name = StringField(_l("Name of the token"), validators=[DataRequired(REQUIRED), Length(max=100)])
    department = StringField(_l("Department"), validators=[DataRequired(REQUIRED), Length(max=100)])
    scopes = MultiCheckboxField(_l("Scopes"), choices=[])
    expires_on = DateField(_l("Expires on"), validators=[InputRequired(_l("Enter a date such as 2027-03-31."))],
                           widget=DateInput(), years=(2000, 2100))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.scopes.choices = [(key, f"{key}: {label}") for key, label in SCOPES.items()]


class RevokeForm(FlaskForm):
    pass
