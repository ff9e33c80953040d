"""What the dashboard shows each user, loaded in a fixed number of queries. The view passes the
result to the template; templates receive data and never query."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import case, func, select
from sqlalchemy.orm import selectinload

from grants import permissions
from grants.extensions import db
from grants.models import Call, Organisation, Proposal, User
from grants.services.proposals import SCREENING_STATUSES, timelines

LIMIT = 10


@dataclass
class Dashboard:
    org: Organisation | None = None
    # (proposal, applicant-facing timeline), most recently changed first
    proposals: list[tuple[Proposal, list[dict]]] = field(default_factory=list)
    # (call, proposals waiting for screening), calls with submissions, latest closing first
    screening_calls: list[tuple[Call, int]] = field(default_factory=list)


def my_proposals(org: Organisation, limit: int = LIMIT) -> list[tuple[Proposal, list[dict]]]:
    props = list(db.session.scalars(
        select(Proposal).where(Proposal.organisation_id == org.id).options(selectinload(Proposal.call))
        .order_by(Proposal.updated_at.desc(), Proposal.id.desc()).limit(limit)
    ))
    tl = timelines([p.id for p in props])
    return [(p, tl[p.id]) for p in props]


def screening_calls(limit: int = LIMIT) -> list[tuple[Call, int]]:
    """Calls that have received proposals, latest closing first, with how many wait for screening."""
    waiting = func.sum(case((Proposal.status == "submitted", 1), else_=0))
    rows = db.session.execute(
        select(Call, waiting).join(Proposal, Proposal.call_id == Call.id)
        .where(Proposal.status.in_(SCREENING_STATUSES))
        .group_by(Call.id).order_by(Call.closes_at.desc()).limit(limit)
    ).all()
    return [(call, int(n or 0)) for call, n in rows]


def for_user(actor: User) -> Dashboard:
    """The sections `actor` may see: their organisation's proposals (applicants) and the
    screening lists (staff who screen)."""
    board = Dashboard()
    if permissions.is_applicant(actor):
        board.org = actor.organisation
    if board.org is not None:
        board.proposals = my_proposals(board.org)
    if permissions.can_screen_proposals(actor):
        board.screening_calls = screening_calls()
    return board
