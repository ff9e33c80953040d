"""Organisations: self-registration, verification by staff."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from grants.extensions import db
from grants.models import Membership, Organisation, User
from grants.services import ServiceError, atomic, lock
from grants.services.accounts import find_by_email, normalise_email
from grants.services.audit import record
from grants.services.notify import notify
from grants.services.people import members_of, staff_users
from grants.services.workflow import transition
from grants.workflows import ORGANISATION

PROFILE_FIELDS = (
    "name", "short_name", "org_type", "registration_date", "address", "district", "legal_representative",
    "contact_name", "contact_phone", "contact_email", "bank_name", "bank_account", "service_areas",
)


def find_by_uscc(code: str) -> Organisation | None:
    return db.session.scalar(select(Organisation).where(Organisation.uscc == code))




def register(*, organisation: dict, user: dict) -> tuple[Organisation, User]:
    """Create an organisation (pending verification) and its first applicant user."""
    errors = {}
    if find_by_uscc(organisation["uscc"]) is not None:
        errors["uscc"] = [_("An organisation with this unified social credit code is already registered. "
                            "Ask its users to add you, or contact the bureau.")]
    if find_by_email(user["email"]) is not None:
        errors["email"] = [_("A user with this email address already exists.")]
    if errors:
        raise ServiceError(_("Please correct the marked fields."), errors)
    with atomic():
        org = Organisation(uscc=organisation["uscc"], status="pending",
                           **{k: organisation.get(k) for k in PROFILE_FIELDS})
        db.session.add(org)
        account = User(email=normalise_email(user["email"]), name=user["name"].strip(), phone=user.get("phone"))
        account.set_password(user["password"])
        account.set_roles(["applicant"])
        db.session.add(account)
        db.session.flush()
        db.session.add(Membership(user_id=account.id, organisation_id=org.id))
        record(account, account, "user.create", data={"roles": ["applicant"], "self_registered": True})
        notify(account, org, "organisation.register", to_status="pending", to=staff_users(),
               template="organisation_registered", context={"organisation": org})
    return org, account




def verify(actor, org: Organisation, note: str | None = None) -> None:
    with atomic():
        lock(org)
        org.status_note = None
        transition(ORGANISATION, org, "verified", actor, note=note, to=members_of(org.id),
                   template="organisation_verified", context={"organisation": org})


def reject(actor, org: Organisation, reason: str) -> None:
    if not (reason or "").strip():
        raise ServiceError(_("Give the reason, so the organisation knows what to correct."),
                           {"reason": [_("Give the reason, so the organisation knows what to correct.")]})
    with atomic():
        lock(org)
        org.status_note = reason.strip()
        transition(ORGANISATION, org, "rejected", actor, note=reason, to=members_of(org.id),
                   template="organisation_rejected", context={"organisation": org, "reason": reason.strip()})


def update_profile(actor, org: Organisation, data: dict) -> None:
    """An applicant edits the profile; a rejected organisation goes back to pending."""
    with atomic():
        lock(org)
        changed = {}
        for key in PROFILE_FIELDS:
            if key in data and getattr(org, key) != data[key]:
                changed[key] = [str(getattr(org, key)), str(data[key])]
                setattr(org, key, data[key])
        record(actor, org, "organisation.profile_update", data={"changed": changed})
        if org.status == "rejected":
            transition(ORGANISATION, org, "pending", actor, note=None, to=staff_users(),
                       template="organisation_registered", context={"organisation": org})
