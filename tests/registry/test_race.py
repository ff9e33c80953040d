"""On PostgreSQL: many staff inviting the same organisations to the same call at once, and many
members of one organisation saving its first declaration at once. The call's (organisation's)
row lock queues them: one invitation per organisation and one mail per member; one declaration."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from grants.extensions import db
from grants.models import Call, CallInvitation, CapabilityDeclaration, Organisation, OutboxMessage, User
from grants.services import registry
from tests.core.test_concurrency import THREADS, race
from tests.factories import create_applicant, create_call, create_org, create_user
from tests.registry.factories import declaration_data


@pytest.fixture(autouse=True)
def _postgresql_only(database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("row-lock races need PostgreSQL (CI runs them there); SQLite serialises writers")


def _count(model, *where):
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_staff_inviting_at_once_invite_each_organisation_once(app):
    staff_id = create_user("staff").id
    orgs = [create_org(name=f"并发机构{i}") for i in range(3)]
    for org in orgs:
        create_applicant(org)
    call_id = create_call(kind="emergency").id
    org_ids = [o.id for o in orgs]

    def invite():
        registry.invite(db.session.get(User, staff_id), db.session.get(Call, call_id), org_ids)

    ok, refused, crashed = race(app, invite)
    assert not crashed, crashed
    assert len(ok) == THREADS and not refused  # the later ones are told "already invited"
    assert _count(CallInvitation) == 3
    assert _count(OutboxMessage, OutboxMessage.kind == "registry.invite") == 3


def test_members_declaring_at_once_make_one_declaration(app):
    org = create_org()
    member_ids = [create_applicant(org).id for _ in range(THREADS)]
    org_id = org.id
    turn = iter(member_ids)

    def declare():
        registry.save_declaration(db.session.get(User, next(turn)), db.session.get(Organisation, org_id),
                                  declaration_data())

    ok, refused, crashed = race(app, declare)
    assert not crashed, crashed
    assert _count(CapabilityDeclaration) == 1
    assert len(ok) + len(refused) == THREADS
