"""The members page loads members and pending invitations in a constant number of statements."""
from __future__ import annotations

from grants.extensions import db
from grants.models import Membership
from grants.services import organisations
from grants.sqlcount import recorded_statements
from tests.factories import create_applicant, create_org


def _count(client, path) -> int:
    db.session.expire_all()
    with recorded_statements(db.engine) as seen:
        assert client.get(path).status_code == 200
    return len(list(seen))


def test_members_page_statements_do_not_grow_with_members_or_invitations(login):
    org = create_org()
    admin = create_applicant(org)
    db.session.query(Membership).filter_by(user_id=admin.id).one().is_admin = True
    db.session.commit()
    client = login(admin)
    path = f"/organisations/{org.id}/members"
    client.get(path)

    def grow(n):
        for _ in range(n):
            create_applicant(org)
            organisations.invite(admin, org, name="同事", email=f"c{db.session.query(Membership).count()}@example.org")

    grow(2)
    small = _count(client, path)
    grow(20)
    large = _count(client, path)
    assert small == large
