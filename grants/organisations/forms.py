from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, EqualTo, InputRequired, Length, Optional, ValidationError
from wtforms.widgets import DateInput

from grants import labels
from grants.auth.forms import confirm_password_field, new_password_field
from grants.forms import TEXT, ChoiceField, DateField, MoneyField, USCCField, WholeNumberField, at_most
from grants.services import ServiceError
from grants.services.organisations import checked_certificate, privacy_refusal
from grants.timeutil import local_today

REQUIRED = _l("This field is required.")


def _not_future(form, field):
    if field.data and field.data > local_today():
        raise ValidationError(_l("The registration date cannot be in the future."))


class OrganisationProfileForm(FlaskForm):
    name = StringField(_l("Organisation name"), validators=[DataRequired(REQUIRED), Length(max=200)])
    short_name = StringField(_l("Short name (if any)"), validators=[Optional(), Length(max=50)])
    org_type = SelectField(_l("Type"), choices=[], validators=[DataRequired(REQUIRED)])
    registration_date = DateField(
        _l("Registration date"), validators=[DataRequired(_l("Enter a date such as 2019-05-20.")), _not_future],
        widget=DateInput(),
    )
    address = StringField(_l("Address"), validators=[DataRequired(REQUIRED), Length(max=300)])
    district = SelectField(_l("District"), choices=[], validators=[Optional()])
    legal_representative = StringField(_l("Legal representative"), validators=[DataRequired(REQUIRED), Length(max=100)])
    contact_name = StringField(_l("Contact person"), validators=[DataRequired(REQUIRED), Length(max=100)])
    contact_phone = StringField(_l("Contact phone"), validators=[DataRequired(REQUIRED), Length(max=30)])
    contact_email = EmailField(_l("Contact email"), validators=[Optional(), Email(_l("Enter a valid email address.")),
                                                                Length(max=254)])
    bank_name = StringField(_l("Bank"), validators=[Optional(), Length(max=200)])
    bank_account = StringField(_l("Bank account number"), validators=[Optional(), Length(max=64)])
    service_areas = TextAreaField(_l("Service areas"), validators=[Optional(), Length(max=2000)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.org_type.choices = [("", _l("Choose…"))] + [(k, v) for k, v in labels.ORG_TYPE_LABELS.items()]
        self.district.choices = [("", _l("Choose…"))] + [(d, d) for d in labels.DISTRICTS]

    def profile_data(self) -> dict:
        return {
            "name": self.name.data.strip(),
            "short_name": (self.short_name.data or "").strip() or None,
            "org_type": self.org_type.data,
            "registration_date": self.registration_date.data,
            "address": self.address.data.strip(),
            "district": self.district.data or None,
            "legal_representative": self.legal_representative.data.strip(),
            "contact_name": self.contact_name.data.strip(),
            "contact_phone": self.contact_phone.data.strip(),
            "contact_email": (self.contact_email.data or "").strip() or None,
            "bank_name": (self.bank_name.data or "").strip() or None,
            "bank_account": (self.bank_account.data or "").strip() or None,
            "service_areas": (self.service_areas.data or "").strip() or None,
        }


class OrganisationEditForm(OrganisationProfileForm):
    """The profile, and optionally a new 登记证书 scan (when staff found the first one unclear)."""

    certificate = FileField(_l("New registration certificate (登记证书) scan (optional)"))

    def validate_certificate(self, field):
        storage = field.data
        self.certificate_filename = getattr(storage, "filename", None) or None
        self.certificate_bytes = storage.read() if self.certificate_filename and hasattr(storage, "read") else b""
        if not self.certificate_filename:
            return
        try:
            checked_certificate(self.certificate_filename, self.certificate_bytes)
        except ServiceError as exc:
            raise ValidationError(exc.field_errors["certificate"][0]) from None

    def new_certificate(self):
        return (self.certificate_filename, self.certificate_bytes) if self.certificate_filename else None


class RegistrationForm(OrganisationProfileForm):
    uscc = USCCField(_l("Unified social credit code"), validators=[DataRequired(REQUIRED), Length(max=40)])
    user_name = StringField(_l("Your name"), validators=[DataRequired(REQUIRED), Length(max=100)])
    email = EmailField(_l("Your email (used to log in)"),
                       validators=[DataRequired(REQUIRED), Email(_l("Enter a valid email address.")), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[
        DataRequired(REQUIRED), Length(min=10, max=200, message=_l("Use 10 to 200 characters."))])
    confirm = PasswordField(_l("Repeat the password"),
                            validators=[EqualTo("password", message=_l("The two passwords are not the same."))])
    certificate = FileField(_l("Registration certificate (登记证书) scan"),
                            validators=[FileRequired(_l("Upload a scan of the registration certificate (登记证书)."))])
    privacy = BooleanField(_l("I have read and accept the privacy notice."))

    def validate_certificate(self, field):
        """The upload rule beside the field, with every other field's errors on the same page."""
        storage = field.data
        filename = getattr(storage, "filename", None)
        self.certificate_bytes = storage.read() if hasattr(storage, "read") else b""
        self.certificate_filename = filename
        try:
            checked_certificate(filename, self.certificate_bytes)
        except ServiceError as exc:
            raise ValidationError(exc.field_errors["certificate"][0]) from None

    def validate_privacy(self, field):
        if not field.data:
            raise ValidationError(privacy_refusal())


class RejectForm(FlaskForm):
    reason = TextAreaField(_l("Reason"),
                           validators=[DataRequired(_l("Give the reason, so the organisation knows what to correct.")),
                                       Length(max=2000)])


class VerifyForm(FlaskForm):
    pass


# -- organisation records kept by staff (grants/organisations/records.py) --------------------------
class GradeForm(FlaskForm):
    grade = ChoiceField(_l("Grade (等级评估)"), choices=[], coerce=int)
    assessed_on = DateField(_l("Assessment date"), validators=[Optional()], widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.grade.choices = [(g, labels.GRADE_LABELS[g]) for g in range(0, 6)]


class InspectionForm(FlaskForm):
    year = WholeNumberField(_l("Year"), validators=[InputRequired(_l("Give the year."))], low=1990, high=2100)
    result = ChoiceField(_l("Result"), choices=[], validators=[DataRequired(_l("Choose a result from the list."))])
    note = StringField(**TEXT, label=_l("Note"), validators=[Optional(), at_most(500)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.result.choices = [("", "—")] + list(labels.INSPECTION_LABELS.items())


class BlacklistForm(FlaskForm):
    flagged = BooleanField(_l("On the list of seriously illegal and dishonest organisations (严重违法失信名单)"))
    on = DateField(_l("Listed on"), validators=[Optional()], widget=DateInput())
    note = TextAreaField(**TEXT, label=_l("Note (reason, decision reference)"),
                         validators=[Optional(), at_most(2000)])


# -- enforcement records (staff) and the annual disclosure (members) --------------------------------
class EnforcementForm(FlaskForm):
    decided_on = DateField(_l("Date of the decision"), validators=[Optional()], widget=DateInput())
    kind = ChoiceField(_l("Kind"), choices=[], validators=[DataRequired(_l("Choose a kind from the list."))])
    authority = StringField(**TEXT, label=_l("Deciding authority"), validators=[Optional(), at_most(200)])
    summary = TextAreaField(**TEXT, label=_l("Facts and decision"), validators=[Optional(), at_most(2000)])
    ends_on = DateField(_l("In force until (if limited)"), validators=[Optional()], widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = [("", "—")] + list(labels.ENFORCEMENT_KIND_LABELS.items())


class WithdrawEnforcementForm(FlaskForm):
    reason = TextAreaField(**TEXT, label=_l("Reason for withdrawing"),
                           validators=[DataRequired(_l("Give the reason for withdrawing the record.")),
                                       at_most(1000)])


class SignedMoneyField(MoneyField):
    """An amount that may be negative (net assets): a leading minus sign, then an amount."""

    def parse(self, text):
        text = text.strip()
        if text[:1] in ("-", "－", "−"):
            return -super().parse(text[1:].strip())
        return super().parse(text)

    def show(self, value):
        return f"{value:.2f}"


class DisclosureStartForm(FlaskForm):
    year = ChoiceField(_l("Year"), choices=[], coerce=int)


class DisclosureForm(FlaskForm):
    activities = TextAreaField(**TEXT, label=_l("Major activities of the year"), validators=[Optional(), at_most(5000)])
    income = MoneyField(_l("Income of the year (yuan)"), validators=[Optional()])
    expenditure = MoneyField(_l("Expenditure of the year (yuan)"), validators=[Optional()])
    net_assets = SignedMoneyField(_l("Net assets at the end of the year (yuan)"), validators=[Optional()])
    donations_received = MoneyField(_l("Donations received (yuan)"), validators=[Optional()])
    donations_use = TextAreaField(**TEXT, label=_l("How the donations were used"),
                                  validators=[Optional(), at_most(3000)])

    def data_read(self) -> dict:
        """The fields that were read without error (a draft keeps what was typed correctly)."""
        return {name: getattr(self, name).data for name in ("activities", "income", "expenditure", "net_assets",
                                                            "donations_received", "donations_use")
                if not getattr(self, name).errors}


class DisclosureReturnForm(FlaskForm):
    reason = TextAreaField(**TEXT, label=_l("Reason"),
                           validators=[DataRequired(_l("Give the reason, so the organisation knows what to correct.")),
                                       at_most(2000)])


class InviteForm(FlaskForm):
    name = StringField(_l("Person's name"), validators=[DataRequired(REQUIRED), Length(max=100)])
    email = EmailField(_l("Email"), validators=[DataRequired(REQUIRED), Email(_l("Enter a valid email address.")),
                                                Length(max=254)])


class JoinForm(FlaskForm):
    name = StringField(_l("Your name"), validators=[DataRequired(REQUIRED), Length(max=100)])
    new = new_password_field()
    confirm = confirm_password_field()
    privacy = BooleanField(_l("I have read and accept the privacy notice."))

    def validate_privacy(self, field):
        if not field.data:
            raise ValidationError(privacy_refusal())
