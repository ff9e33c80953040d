"""Who gets told: the active members of an organisation, the active programme staff."""
from __future__ import annotations

from sqlalchemy import select

from grants.extensions import db
from grants.models import Membership, User, UserRole


def members_of(organisation_id: int) -> list[User]:
    """Active users of the organisation (its applicants), in a stable order."""
    return list(db.session.scalars(
        select(User).join(Membership, Membership.user_id == User.id)
        .where(Membership.organisation_id == organisation_id, User.active.is_(True)).order_by(User.id)))


def staff_users() -> list[User]:
    """Active programme staff (who are told of registrations, conflicts, objections, signed copies)."""
    return list(db.session.scalars(
        select(User).join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == "staff", User.active.is_(True)).order_by(User.id)))
