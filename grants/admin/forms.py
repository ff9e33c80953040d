from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional

from grants import labels
from grants.forms import MultiCheckboxField

REQUIRED = _l("This field is required.")


class UserEditForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(REQUIRED), Length(max=100)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=30)])
    affiliation = StringField(_l("Affiliation (organisation name or USCC, for reviewers)"),
                              validators=[Optional(), Length(max=200)])
    roles = MultiCheckboxField(_l("Roles"), choices=[])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.roles.choices = list(labels.ROLE_LABELS.items())


class UserCreateForm(UserEditForm):
    email = EmailField(_l("Email"), validators=[DataRequired(REQUIRED), Email(_l("Enter a valid email address.")),
                                                Length(max=254)])
    password = PasswordField(_l("Initial password"), validators=[
        DataRequired(REQUIRED), Length(min=10, max=200, message=_l("Use 10 to 200 characters."))])


class ConfirmForm(FlaskForm):
    pass
