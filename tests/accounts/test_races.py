"""One link, pressed many times at once, on PostgreSQL (real row locks): a password-reset link
sets the password once; an invitation makes one account. SQLite has no row locks."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from grants.extensions import db
from grants.models import AuditEvent, Membership, Organisation, User
from grants.services import accounts, tokens
from grants.services import organisations as org_service
from tests.core.test_concurrency import race
from tests.factories import create_applicant, create_org, create_user

THREADS = 10
NEW = "a-brand-new-password-2026"


@pytest.fixture(autouse=True)
def _postgresql_only(database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("row-lock races need PostgreSQL (CI runs them there)")


def _counting(action):
    """action() in a race, with a used link (TokenError) counted as the refusal it is."""
    used, guard = [], threading.Lock()

    def run():
        try:
            action()
        except tokens.TokenError as exc:
            with guard:
                used.append(exc)
    return run, used


def _events(action: str) -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action))


def test_ten_uses_of_one_reset_link_at_once_set_the_password_once(app):
    user = create_user("staff")
    token = accounts.reset_token(user)
    run, used = _counting(lambda: accounts.reset_password(token, NEW))

    ok, refused, crashed = race(app, run, THREADS)
    assert not crashed and not refused, (crashed, refused)
    assert len(ok) - len(used) == 1 and len(used) == THREADS - 1
    assert all(exc.reason == tokens.USED for exc in used)
    assert _events("user.password_reset") == 1
    db.session.expire_all()
    assert accounts.authenticate(user.email, NEW) is not None


def test_ten_acceptances_of_one_invitation_at_once_make_one_account(app):
    org = create_org()
    admin = create_applicant(org)
    db.session.query(Membership).filter_by(user_id=admin.id).one().is_admin = True
    db.session.commit()
    invitation = org_service.invite(admin, db.session.get(Organisation, org.id), name="王同事",
                                    email="colleague.race@example.org")
    token = org_service.invitation_token(invitation)
    run, used = _counting(lambda: org_service.accept_invitation(token, name="王同事", password=NEW,
                                                                 privacy_accepted=True))

    ok, refused, crashed = race(app, run, THREADS)
    assert not crashed, crashed
    assert len(ok) - len(used) == 1 and len(used) + len(refused) == THREADS - 1
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(User)
                             .where(User.email == "colleague.race@example.org")) == 1
    assert db.session.scalar(select(func.count()).select_from(Membership)
                             .where(Membership.organisation_id == org.id)) == 2
    assert _events("organisation.invitation_accept") == 1
