"""Accounts: forgotten password, admin reset, privacy notice, certificate scans, invitations."""
from datetime import timedelta

from grants.extensions import db
from grants.models import Invitation, Membership
from grants.services import accounts, files
from grants.services.organisations import invitation_token
from grants.timeutil import now_utc
from tests.access import EVERYONE, LOGGED_IN, STAFF, Rule, only

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def extend_world(w):
    # The applicant of org_a registered it: its admin.
    membership = db.session.query(Membership).filter_by(user_id=w.users["applicant"].id).one()
    membership.is_admin = True
    stored = files.store(PNG, files.PNG)
    w.org_a.certificate_file_id = stored.id
    w.org_a.certificate_name = "登记证书.png"
    w.invitation = Invitation(organisation_id=w.org_a.id, email="invitee@example.org", name="受邀同事",
                              invited_by_id=w.users["applicant"].id, expires_at=now_utc() + timedelta(days=7))
    db.session.add(w.invitation)
    db.session.commit()


def _org_admin_acts():
    """Only the organisation's admin; staff see the organisation but may not act; others: no such thing."""
    return only(("applicant",), default=404, staff=403, admin=403)


RULES = [
    Rule("auth.forgot", "GET", lambda w: "/auth/forgot", only(EVERYONE)),
    Rule("auth.forgot", "POST", lambda w: "/auth/forgot", only(EVERYONE), data=lambda w: {"email": "x@y.z"}),
    Rule("auth.reset", "GET", lambda w: f"/auth/reset/{accounts.reset_token(w.target_user)}", only(EVERYONE)),
    # An empty form: whoever holds the link reaches the form and is told what is missing.
    Rule("auth.reset", "POST", lambda w: f"/auth/reset/{accounts.reset_token(w.target_user)}",
         {r: 422 for r in EVERYONE}, data=lambda w: {}),
    Rule("auth.privacy", "GET", lambda w: "/auth/privacy", only(EVERYONE)),
    Rule("admin.user_send_reset", "POST", lambda w: f"/admin/users/{w.target_user.id}/reset",
         only(("admin",), default=404), data=lambda w: {}),
    Rule("organisations.certificate", "GET", lambda w: f"/organisations/{w.org_a.id}/certificate",
         only(STAFF + ("applicant",), default=404)),
    Rule("organisations.members", "GET", lambda w: f"/organisations/{w.org_a.id}/members",
         only(STAFF + ("applicant",), default=404)),
    Rule("organisations.invite", "POST", lambda w: f"/organisations/{w.org_a.id}/invitations", _org_admin_acts(),
         data=lambda w: {"name": "新同事", "email": "new-colleague@example.org"}, visible=("staff", "admin")),
    Rule("organisations.cancel_invitation", "POST",
         lambda w: f"/organisations/{w.org_a.id}/invitations/{w.invitation.id}/cancel", _org_admin_acts(),
         data=lambda w: {}, visible=("staff", "admin")),
    # Logged-in people are sent to their dashboard (log out to accept); an empty form is 422.
    Rule("organisations.join", "GET", lambda w: f"/organisations/join/{invitation_token(w.invitation)}",
         only(EVERYONE)),
    Rule("organisations.join", "POST", lambda w: f"/organisations/join/{invitation_token(w.invitation)}",
         only(LOGGED_IN, anonymous=422), data=lambda w: {}),
]
