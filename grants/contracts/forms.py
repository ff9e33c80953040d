from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import FileField, TextAreaField
from wtforms.validators import Length, Optional

from grants.forms import DateField


class SignedForm(FlaskForm):
    file = FileField(_l("Signed and sealed contract (PDF, JPEG or PNG, at most 10 MB)"))
    signed_on = DateField(_l("Date of signing"), validators=[Optional()])


class ReturnForm(FlaskForm):
    reason = TextAreaField(_l("What is wrong with the signed copy"), validators=[Optional(), Length(max=2000)])


class ConfirmForm(FlaskForm):
    pass
