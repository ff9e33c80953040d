"""One place answering "may this user do this to this object".

Views call these to decide 404/403; templates call the same functions (exposed as `can`)
to hide what the user cannot press. Objects of another organisation are *not visible*
(the view answers 404), never merely forbidden.
"""
from __future__ import annotations

STAFF_ROLES = ("staff", "admin")


def _authed(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


def is_staff(user) -> bool:
    return _authed(user) and user.has_role(*STAFF_ROLES)


def is_admin(user) -> bool:
    return _authed(user) and user.has_role("admin")


def is_applicant(user) -> bool:
    return _authed(user) and user.has_role("applicant")


def is_reviewer(user) -> bool:
    return _authed(user) and user.has_role("reviewer")


def is_finance(user) -> bool:
    return _authed(user) and user.has_role("finance", "finance_senior")


def is_member(user, organisation_id: int | None) -> bool:
    return _authed(user) and organisation_id is not None and organisation_id in user.organisation_ids


# -- organisations -------------------------------------------------------------
def can_view_organisation(user, org) -> bool:
    return is_staff(user) or is_member(user, org.id)


def can_edit_organisation_profile(user, org) -> bool:
    return is_member(user, org.id) and user.has_role("applicant")


def can_verify_organisation(user, org) -> bool:
    return is_staff(user) and org.status == "pending"


def can_manage_organisation_records(user, org) -> bool:
    """Grade, annual inspection, 失信 flag: staff only."""
    return is_staff(user)


# -- users ---------------------------------------------------------------------
def can_manage_users(user) -> bool:
    return is_admin(user)


def can_view_outbox(user, config) -> bool:
    return is_admin(user) and bool(config.get("OUTBOX_PAGE"))


class _Can:
    """`can.view_organisation(user, org)` in templates."""

    def __getattr__(self, name):
        fn = globals().get(f"can_{name}") or globals().get(name)
        if fn is None:
            raise AttributeError(name)
        return fn


can = _Can()
