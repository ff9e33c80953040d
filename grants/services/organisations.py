"""Organisations: self-registration, verification by staff, members and invitations."""
from __future__ import annotations

from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from grants.extensions import db
from grants.models import Invitation, Membership, Organisation, User
from grants.services import ServiceError, atomic, files, lock, outbox, tokens
from grants.services.accounts import accept_privacy, find_by_email, normalise_email
from grants.services.audit import record
from grants.services.notify import notify
from grants.services.people import members_of, staff_users
from grants.services.workflow import transition
from grants.timeutil import now_utc
from grants.workflows import ORGANISATION

PROFILE_FIELDS = (
    "name", "short_name", "org_type", "registration_date", "address", "district", "legal_representative",
    "contact_name", "contact_phone", "contact_email", "bank_name", "bank_account", "service_areas",
)


def find_by_uscc(code: str) -> Organisation | None:
    return db.session.scalar(select(Organisation).where(Organisation.uscc == code))




CERTIFICATE_TYPES = (files.PDF, files.JPEG, files.PNG)


def checked_certificate(filename: str | None, data: bytes) -> str:
    """The content type of a 登记证书 scan, or ServiceError on the field "certificate": the one
    upload rule (size, type by content), narrowed to PDF, JPEG and PNG."""
    try:
        content_type = files.checked_upload(filename, data)
    except ServiceError as exc:
        msg = exc.message
        if not data and not (filename or "").strip():
            msg = _("Upload a scan of the registration certificate (登记证书).")
        raise ServiceError(msg, {"certificate": [msg]}) from None
    if content_type not in CERTIFICATE_TYPES:
        msg = _("This file type is not accepted. Upload the certificate as a PDF, JPEG or PNG file.")
        raise ServiceError(msg, {"certificate": [msg]})
    return content_type


def register(*, organisation: dict, user: dict, certificate: tuple[str, bytes] | None = None,
             privacy_accepted: bool = False) -> tuple[Organisation, User]:
    """Create an organisation (pending verification) with its 登记证书 scan, and its first user,
    who becomes the organisation's admin (may invite colleagues) and has accepted the privacy notice."""
    errors = {}
    if find_by_uscc(organisation["uscc"]) is not None:
        errors["uscc"] = [_("An organisation with this unified social credit code is already registered. "
                            "Ask its users to add you, or contact the bureau.")]
    if find_by_email(user["email"]) is not None:
        errors["email"] = [_("A user with this email address already exists.")]
    filename, data = certificate or (None, b"")
    try:
        content_type = checked_certificate(filename, data)
    except ServiceError as exc:
        errors.update(exc.field_errors)
    if not privacy_accepted:
        errors["privacy"] = [privacy_refusal()]
    if errors:
        raise ServiceError(_("Please correct the marked fields."), errors)
    with atomic():
        stored = files.store(data, content_type)
        org = Organisation(uscc=organisation["uscc"], status="pending",
                           certificate_file_id=stored.id,
                           certificate_name=files.sanitise_name(filename, content_type),
                           **{k: organisation.get(k) for k in PROFILE_FIELDS})
        db.session.add(org)
        account = User(email=normalise_email(user["email"]), name=user["name"].strip(), phone=user.get("phone"))
        account.set_password(user["password"])
        account.set_roles(["applicant"])
        accept_privacy(account)
        db.session.add(account)
        db.session.flush()
        db.session.add(Membership(user_id=account.id, organisation_id=org.id, is_admin=True))
        record(account, account, "user.create", data={"roles": ["applicant"], "self_registered": True,
                                                      "privacy_version": account.privacy_version})
        notify(account, org, "organisation.register", to_status="pending", to=staff_users(),
               template="organisation_registered", context={"organisation": org})
    return org, account


def privacy_refusal() -> str:
    return _("Read the privacy notice and tick the box to accept it.")


# -- members and invitations ------------------------------------------------------------------
INVITATION = "invitation"


def members(org: Organisation) -> list[Membership]:
    return list(db.session.scalars(select(Membership).where(Membership.organisation_id == org.id)
                                   .options(selectinload(Membership.user)).order_by(Membership.id)))


def pending_invitations(org: Organisation) -> list[Invitation]:
    return list(db.session.scalars(
        select(Invitation).where(Invitation.organisation_id == org.id, Invitation.accepted_at.is_(None),
                                 Invitation.cancelled_at.is_(None), Invitation.expires_at > now_utc())
        .options(selectinload(Invitation.invited_by)).order_by(Invitation.id)))


def invitation_token(invitation: Invitation) -> str:
    return tokens.make(INVITATION, {"i": invitation.id}, invitation.expires_at - now_utc())


def invite(actor, org: Organisation, *, name: str, email: str) -> Invitation:
    """The organisation's admin invites a colleague: a mail with a link that works once, for
    INVITATION_MAX_AGE_DAYS days. An address that already has an account is refused (an account
    belongs to one organisation; the bureau moves people between organisations)."""
    email = normalise_email(email)
    name = (name or "").strip()
    if find_by_email(email) is not None:
        msg = _("This address already has an account on this site, so it cannot be invited. "
                "Ask the bureau if this person should join your organisation.")
        raise ServiceError(msg, {"email": [msg]})
    duplicate = db.session.scalar(select(Invitation.id).where(
        Invitation.organisation_id == org.id, func.lower(Invitation.email) == email,
        Invitation.accepted_at.is_(None), Invitation.cancelled_at.is_(None), Invitation.expires_at > now_utc()))
    if duplicate is not None:
        msg = _("This address has a pending invitation already. Cancel it first to send a new one.")
        raise ServiceError(msg, {"email": [msg]})
    with atomic():
        days = current_app.config["INVITATION_MAX_AGE_DAYS"]
        invitation = Invitation(organisation_id=org.id, email=email, name=name, invited_by_id=actor.id,
                                expires_at=now_utc() + timedelta(days=days))
        db.session.add(invitation)
        db.session.flush()
        record(actor, org, "organisation.invite", data={"invitation_id": invitation.id, "email": email,
                                                        "name": name})
        outbox.queue_to_address(email, "invitation", kind="organisation.invite", name=name,
                                locale=actor.locale, organisation=org, inviter=actor,
                                token=invitation_token(invitation), days=days)
    return invitation


def cancel_invitation(actor, invitation: Invitation) -> None:
    with atomic():
        lock(invitation)
        if invitation.accepted_at is not None:
            raise ServiceError(_("This invitation has been accepted already."))
        if invitation.cancelled_at is not None:
            return
        invitation.cancelled_at = now_utc()
        record(actor, invitation.organisation, "organisation.invitation_cancel",
               data={"invitation_id": invitation.id, "email": invitation.email})


def invitation_for(token: str) -> Invitation:
    """The pending invitation a link is for, or TokenError: tampered (INVALID), past its time
    (EXPIRED), or accepted / cancelled already (USED)."""
    data = tokens.read(INVITATION, token)
    invitation_id = data.get("i")
    invitation = db.session.get(Invitation, invitation_id) if isinstance(invitation_id, int) else None
    if invitation is None:
        raise tokens.TokenError(tokens.INVALID)
    if invitation.accepted_at is not None or invitation.cancelled_at is not None:
        raise tokens.TokenError(tokens.USED)
    if now_utc() >= invitation.expires_at:
        raise tokens.TokenError(tokens.EXPIRED)
    return invitation


def accept_invitation(token: str, *, name: str, password: str, privacy_accepted: bool) -> User:
    """The invitee sets a password and joins the organisation as an applicant."""
    if not privacy_accepted:
        raise ServiceError(_("Please correct the marked fields."), {"privacy": [privacy_refusal()]})
    with atomic():
        invitation = invitation_for(token)
        lock(invitation)
        invitation = invitation_for(token)  # again under the row lock: one link, one account
        if find_by_email(invitation.email) is not None:
            msg = _("This address already has an account on this site. Log in with it, or ask the bureau "
                    "to add it to the organisation.")
            raise ServiceError(msg)
        account = User(email=invitation.email, name=(name or invitation.name).strip())
        account.set_password(password)
        account.set_roles(["applicant"])
        accept_privacy(account)
        db.session.add(account)
        db.session.flush()
        db.session.add(Membership(user_id=account.id, organisation_id=invitation.organisation_id))
        invitation.accepted_at = now_utc()
        invitation.user_id = account.id
        record(account, account, "user.create", data={"roles": ["applicant"], "invitation_id": invitation.id,
                                                      "privacy_version": account.privacy_version})
        record(account, invitation.organisation, "organisation.invitation_accept",
               data={"invitation_id": invitation.id, "email": invitation.email})
    return account


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


def update_profile(actor, org: Organisation, data: dict, certificate: tuple[str, bytes] | None = None) -> None:
    """An applicant edits the profile (and may replace the 登记证书 scan); a rejected
    organisation goes back to pending."""
    content_type = checked_certificate(*certificate) if certificate else None
    with atomic():
        lock(org)
        changed = {}
        for key in PROFILE_FIELDS:
            if key in data and getattr(org, key) != data[key]:
                changed[key] = [str(getattr(org, key)), str(data[key])]
                setattr(org, key, data[key])
        if certificate:
            old_file_id = org.certificate_file_id
            stored = files.store(certificate[1], content_type)
            name = files.sanitise_name(certificate[0], content_type)
            changed["certificate"] = [org.certificate_name, name]
            org.certificate_file_id, org.certificate_name = stored.id, name
            if old_file_id is not None and old_file_id != stored.id:
                files.remove_if_unused(old_file_id)
        record(actor, org, "organisation.profile_update", data={"changed": changed})
        if org.status == "rejected":
            transition(ORGANISATION, org, "pending", actor, note=None, to=staff_users(),
                       template="organisation_registered", context={"organisation": org})
