"""Forms of the emergency capability registry."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _lp
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField

from grants.forms import TEXT, MultiCheckboxField, WholeNumberField, at_most
from grants.labels import CAPABILITY_LABELS, DISTRICTS
from grants.services.registry import MAX_COUNT, TEXT_LIMIT


def _count(label):
    return WholeNumberField(label, low=0, high=MAX_COUNT)


class DeclarationForm(FlaskForm):
    capabilities = MultiCheckboxField(_l("What your organisation can do in an emergency"), choices=[])
    districts = MultiCheckboxField(_l("Districts you can serve"), choices=[])
    people_available = _count(_l("Own people available"))
    volunteers_available = _count(_l("Volunteers you can mobilise"))
    counsellors = _count(_l("Certified psychological counsellors"))
    social_workers = _count(_l("Certified social workers"))
    medical_staff = _count(_l("Medical staff"))
    other_certified = _count(_l("Other certified staff"))
    certified_note = TextAreaField(_l("Certificates held (note)"), validators=[at_most(TEXT_LIMIT)], **TEXT)
    equipment = TextAreaField(_l("Equipment"), validators=[at_most(TEXT_LIMIT)], **TEXT)
    contact_name = StringField(_lp("24-hour contact", "Contact person"), validators=[at_most(100)], **TEXT)
    contact_phone = StringField(_lp("24-hour contact", "Phone (day and night)"), validators=[at_most(30)], **TEXT)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.capabilities.choices = [(code, str(label)) for code, label in CAPABILITY_LABELS.items()]
        self.districts.choices = [(d, d) for d in DISTRICTS]

    def values(self) -> dict:
        return {name: getattr(self, name).data for name in (
            "capabilities", "districts", "people_available", "volunteers_available", "counsellors", "social_workers",
            "medical_staff", "other_certified", "certified_note", "equipment", "contact_name", "contact_phone")}

    def fill(self, declaration) -> None:
        """Show a saved declaration (GET)."""
        for name in ("people_available", "volunteers_available", "counsellors", "social_workers", "medical_staff",
                     "other_certified", "certified_note", "equipment", "contact_name", "contact_phone"):
            getattr(self, name).data = getattr(declaration, name)
        self.capabilities.data = declaration.capabilities
        self.districts.data = declaration.districts


class CsrfForm(FlaskForm):
    """Buttons that post nothing but the CSRF token (confirm still current)."""
