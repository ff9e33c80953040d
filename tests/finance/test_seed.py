"""The finance seed step: the active demo contract's first tranche requested, approved and paid."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select

from grants.extensions import db
from grants.models import Disbursement, Tranche
from grants.seed import core, finance
from tests.factories import create_call
from tests.factories_finance import create_active_contract


def test_finance_seed_pays_the_first_tranche_once():
    ctx = {"logins": []}
    core.run(ctx)
    call = create_call(status="decided", title="2026年度嘉兴市公益创投")
    contract = create_active_contract("96000.00", call=call, org=ctx["organisations"][0])
    db.session.query(Tranche).delete()  # activated before tranches existed: the step backfills
    db.session.commit()
    ctx["closed_call"] = call
    finance.run(ctx)
    finance.run(ctx)
    paid = list(db.session.scalars(select(Disbursement)))
    assert len(paid) == 1
    d = paid[0]
    assert (d.status, d.amount, d.contract_id) == ("paid", Decimal("48000.00"), contract.id)
    assert d.requested_by_id != d.first_approver_id and d.payment_reference.startswith("JXCZ")
    assert db.session.scalar(select(func.count()).select_from(Tranche)) == 3


def test_the_demo_has_a_paid_first_tranche(runner):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    statuses = list(db.session.scalars(select(Disbursement.status)))
    assert statuses == ["paid"]
