"""Factories for awards and contracts."""
from __future__ import annotations

from decimal import Decimal

from grants.extensions import db
from grants.models import Award
from tests.factories import create_call, create_org, create_proposal


def create_award(call=None, org=None, *, amount="80000.00", status="confirmed", proposal=None, requested=None,
                 **org_kwargs):
    call = call or create_call(status="decided")
    org = org or (proposal.organisation if proposal else create_org(**org_kwargs))
    proposal = proposal or create_proposal(call, org, status="awarded" if status == "confirmed" else "recommended",
                                           amount_requested=requested or amount)
    award = Award(call_id=call.id, proposal_id=proposal.id, organisation_id=org.id, status=status,
                  amount=Decimal(amount), basis={"rank": 1, "method": call.ranking_method})
    db.session.add(award)
    db.session.commit()
    return award
