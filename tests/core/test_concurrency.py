"""Many people pressing the same button at the same moment, on PostgreSQL (real row locks,
real concurrent connections). Exactly one succeeds; the others get a clear refusal; one audit
event and one mail are written. CI runs these on PostgreSQL; SQLite serialises writers per
database and has no row locks, so there the version-column tests in test_transactions.py
stand in for them."""
from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from grants.extensions import db
from grants.models import AuditEvent, Call, OutboxMessage, Proposal, Review, User
from grants.services import ServiceError, calls, proposals, reviews
from tests.factories import create_applicant, create_call, create_org, create_proposal, create_user
from tests.factories_reviews import cleared, create_review

THREADS = 20


@pytest.fixture(autouse=True)
def _postgresql_only(database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("row-lock races need PostgreSQL (CI runs them there); SQLite is covered by test_transactions")


def race(app, action, n=THREADS):
    """Run action() in n threads (each with its own app context, session and connection), all
    released at once. Returns (successes, refusal messages, unexpected exceptions)."""
    barrier = threading.Barrier(n)
    ok, refused, crashed = [], [], []
    lock = threading.Lock()

    def worker():
        with app.app_context():
            barrier.wait(timeout=30)
            try:
                action()
            except ServiceError as exc:
                with lock:
                    refused.append(exc.message)
            except Exception as exc:  # noqa: BLE001 - reported by the assertion below
                with lock:
                    crashed.append(repr(exc))
            else:
                with lock:
                    ok.append(1)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return ok, refused, crashed


def _count(model, *where):
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_twenty_staff_screen_the_same_proposal_at_once(app):
    staff_ids = [create_user("staff").id for _ in range(THREADS)]
    org = create_org()
    create_applicant(org)
    proposal_id = create_proposal(create_call(status="closed"), org, status="submitted").id
    turn = iter(range(THREADS))
    turn_lock = threading.Lock()

    def screen():
        with turn_lock:
            i = next(turn)
        actor = db.session.get(User, staff_ids[i])
        proposal = db.session.get(Proposal, proposal_id)
        proposals.screen(actor, proposal, i % 2 == 0, "" if i % 2 == 0 else "材料不全")

    ok, refused, crashed = race(app, screen)
    assert crashed == []
    assert len(ok) == 1 and len(refused) == THREADS - 1
    assert all(message for message in refused)
    status = db.session.get(Proposal, proposal_id).status
    assert status in ("screened_in", "screened_out")
    assert _count(AuditEvent, AuditEvent.object_type == "proposal", AuditEvent.object_id == proposal_id) == 1
    assert _count(OutboxMessage) == 1


def test_twenty_windows_submit_the_same_review_at_once(app):
    call = create_call(status="closed")
    proposal = create_proposal(call, status="screened_in")
    reviewer = cleared(proposal)
    create_review(proposal, reviewer, total=80, status="draft")
    proposal_id, reviewer_id = proposal.id, reviewer.id

    def submit():
        actor = db.session.get(User, reviewer_id)
        p = db.session.get(Proposal, proposal_id)
        inputs = {c.id: reviews.CriterionInput(Decimal(8), "较好") for c in p.call.criteria}
        reviews.save(actor, p, inputs, overall_comment="总体较好。", recommendation="fund", submit=True)

    ok, refused, crashed = race(app, submit)
    assert crashed == []
    assert len(ok) == 1 and len(refused) == THREADS - 1
    assert _count(Review, Review.proposal_id == proposal_id, Review.status == "submitted") == 1
    assert _count(AuditEvent, AuditEvent.action == "review.submit") == 1


def test_twenty_staff_close_the_same_call_at_once(app):
    staff_ids = [create_user("staff").id for _ in range(THREADS)]
    call_id = create_call(status="open").id
    turn = iter(range(THREADS))
    turn_lock = threading.Lock()

    def close():
        with turn_lock:
            i = next(turn)
        calls.close_call(db.session.get(User, staff_ids[i]), db.session.get(Call, call_id))

    ok, refused, crashed = race(app, close)
    assert crashed == []
    assert len(ok) == 1 and len(refused) == THREADS - 1
    assert db.session.get(Call, call_id).status == "closed"
    assert _count(AuditEvent, AuditEvent.object_type == "call", AuditEvent.action == "call.close") == 1


def test_twenty_staff_award_at_once_never_exceed_the_pool(app):
    from grants.models import Award
    from grants.services import awards

    call = create_call(status="closed", budget_pool="100000.00", per_project_cap="50000.00")
    proposal_ids = [create_proposal(call, status="screened_in", amount_requested="30000.00").id
                    for _ in range(THREADS)]
    staff_ids = [create_user("staff").id for _ in range(THREADS)]
    call_id = call.id
    turn = iter(range(THREADS))
    turn_lock = threading.Lock()

    def propose():
        with turn_lock:
            i = next(turn)
        awards.propose(db.session.get(User, staff_ids[i]), db.session.get(Call, call_id),
                       db.session.get(Proposal, proposal_ids[i]), Decimal("30000.00"))

    ok, refused, crashed = race(app, propose)
    assert crashed == []
    assert len(ok) == 3 and len(refused) == THREADS - 3  # 3 × 30,000 fit in 100,000; a 4th would not
    total = db.session.scalar(select(func.sum(Award.amount)).where(Award.call_id == call_id))
    assert total == Decimal("90000.00")
    assert all("资金总额" in m or "pool" in m for m in refused)


def test_twenty_staff_confirm_the_same_awards_at_once(app):
    from datetime import date, timedelta

    from grants.services import awards
    from grants.timeutil import end_of_local_day

    staff = create_user("staff")
    call = create_call(status="closed")
    proposal = create_proposal(call, status="screened_in")
    awards.propose(staff, call, proposal, Decimal("50000"))
    notice = awards.publish_notice(staff, call, today=date(2026, 1, 5))
    after = end_of_local_day(notice.ends_on) + timedelta(seconds=1)
    staff_ids = [create_user("staff").id for _ in range(THREADS)]
    call_id = call.id
    turn = iter(range(THREADS))
    turn_lock = threading.Lock()

    def confirm():
        with turn_lock:
            i = next(turn)
        awards.confirm(db.session.get(User, staff_ids[i]), db.session.get(Call, call_id), now=after)

    ok, refused, crashed = race(app, confirm)
    assert crashed == []
    assert len(ok) == 1 and len(refused) == THREADS - 1
    assert _count(AuditEvent, AuditEvent.action == "award.confirm") == 1
    assert _count(OutboxMessage, OutboxMessage.kind == "award.confirmed") <= 1


def test_two_outbox_runs_at_once_send_each_message_once(app, smtp_server):
    from grants.services import outbox

    user = create_user("applicant", email="many-mails@example.org")
    for _ in range(12):
        outbox.queue(user, "organisation_verified", organisation=create_org())
    db.session.commit()
    ok, refused, crashed = race(app, lambda: outbox.deliver(limit=50), n=2)
    assert crashed == [] and len(ok) == 2
    assert len(smtp_server.messages) == 12
    assert _count(OutboxMessage, OutboxMessage.status == "sent") == 12



def test_twenty_staff_generate_the_same_contract_at_once(app):
    from grants.models import Award, Contract
    from grants.services import contracts
    from tests.factories_awards import create_award

    award_id = create_award(amount="60000.00").id
    staff_ids = [create_user("staff").id for _ in range(THREADS)]
    turn = iter(range(THREADS))
    turn_lock = threading.Lock()

    def generate():
        with turn_lock:
            i = next(turn)
        contracts.generate(db.session.get(User, staff_ids[i]), db.session.get(Award, award_id))

    ok, refused, crashed = race(app, generate)
    assert crashed == []
    assert len(ok) == 1 and len(refused) == THREADS - 1
    assert _count(Contract, Contract.award_id == award_id) == 1
    assert _count(AuditEvent, AuditEvent.action == "contract.generate") == 1
