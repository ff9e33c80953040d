"""Twenty people pressing the same money button at once, on PostgreSQL (real row locks): exactly one
request per tranche, one approval, one payment; the others get a clear refusal; the totals never
exceed the award. SQLite has no row locks (it serialises writers), so these run on PostgreSQL."""
from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from grants.extensions import db
from grants.models import AuditEvent, Disbursement, Tranche, User
from grants.services import disbursements
from grants.timeutil import local_today
from tests.core.test_concurrency import THREADS, race
from tests.factories import create_user
from tests.factories_finance import PNG, create_active_contract, request_first


@pytest.fixture(autouse=True)
def _postgresql_only(database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("row-lock races need PostgreSQL (CI runs them there)")


def _people(*roles, n=THREADS):
    return [create_user(*roles).id for _ in range(n)]


def _taker(ids):
    turn, lock = iter(ids), threading.Lock()

    def next_user():
        with lock:
            return db.session.get(User, next(turn))
    return next_user


def _committed(contract_id) -> Decimal:
    db.session.expire_all()
    return disbursements.committed_total(contract_id)


def _count(*where) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(Disbursement).where(*where))


def test_twenty_staff_request_the_same_tranche_at_once(app):
    contract = create_active_contract("80000.00")
    tranche_id = disbursements.tranches_of(contract)[0].id
    actor = _taker(_people("staff"))

    def request():
        tranche = db.session.get(Tranche, tranche_id)
        disbursements.request(actor(), tranche, tranche.amount, "发票.png", PNG)

    ok, refused, crashed = race(app, request)
    assert not crashed, crashed
    assert len(ok) == 1 and len(refused) == THREADS - 1
    assert set(refused) == {"该期资金已有一笔未完成的拨付申请。"}
    assert _count(Disbursement.tranche_id == tranche_id) == 1
    assert _committed(contract.id) <= contract.amount


def test_twenty_requests_for_every_tranche_never_exceed_the_award(app):
    contract = create_active_contract("100000.01", tranches=((30, "signing", None), (40, "signing", None),
                                                             (30, "signing", None)))
    tranche_ids = [t.id for t in disbursements.tranches_of(contract)]
    actor = _taker(_people("staff"))
    which = iter(range(THREADS))
    which_lock = threading.Lock()

    def request():
        with which_lock:
            i = next(which)
        tranche = db.session.get(Tranche, tranche_ids[i % 3])
        disbursements.request(actor(), tranche, tranche.amount, "发票.png", PNG)

    ok, refused, crashed = race(app, request)
    assert not crashed, crashed
    assert len(ok) == 3 and len(refused) == THREADS - 3
    assert _committed(contract.id) == Decimal("100000.01")


def test_twenty_finance_approve_the_same_request_at_once(app):
    d_id = request_first(create_active_contract("80000.00"), create_user("staff")).id
    actor = _taker(_people("finance"))

    def approve():
        disbursements.approve(actor(), db.session.get(Disbursement, d_id))

    ok, refused, crashed = race(app, approve)
    assert not crashed, crashed
    assert len(ok) == 1 and len(refused) == THREADS - 1
    assert all("当前不能进行此操作" in m or "该申请当前不需要审批" in m for m in refused), set(refused)
    db.session.expire_all()
    assert db.session.get(Disbursement, d_id).status == "approved"
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.object_type == "disbursement", AuditEvent.object_id == d_id,
        AuditEvent.action == "disbursement.approve")) == 1


def test_twenty_finance_record_the_same_payment_at_once(app):
    contract = create_active_contract("80000.00")
    d = request_first(contract, create_user("staff"))
    disbursements.approve(create_user("finance"), d)
    d_id = d.id
    actor = _taker(_people("finance"))
    counter = iter(range(THREADS))
    counter_lock = threading.Lock()

    def pay():
        with counter_lock:
            i = next(counter)
        disbursements.record_payment(actor(), db.session.get(Disbursement, d_id), local_today(), f"BANK-{i}")

    ok, refused, crashed = race(app, pay)
    assert not crashed, crashed
    assert len(ok) == 1 and len(refused) == THREADS - 1
    assert set(refused) == {"该期资金已拨付。"}
    assert _count(Disbursement.status == "paid") == 1
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "disbursement.pay")) == 1
    assert _committed(contract.id) <= contract.amount
