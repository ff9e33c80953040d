from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import FileField, StringField, TextAreaField
from wtforms.validators import Optional
from wtforms.widgets import DateInput

from grants.forms import DateField, MoneyField


class RequestForm(FlaskForm):
    invoice_amount = MoneyField(_l("Amount on the invoice (yuan)"))
    invoice = FileField(_l("The organisation's invoice (PDF, JPEG or PNG, at most 10 MB)"))


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[Optional()])


class PaymentForm(FlaskForm):
    paid_on = DateField(_l("Date of payment"), years=(2000, 2100), widget=DateInput())
    reference = StringField(_l("Bank reference or voucher number"), validators=[Optional()])


class ConfirmForm(FlaskForm):
    pass
