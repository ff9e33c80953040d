"""Time the conflict-aware automatic assignment (issue 4: 2,000 proposals × 60 reviewers < 2 s).

    .venv/bin/python bench/assign.py        # prints the median of 5 runs
    .venv/bin/python bench/assign.py --db   # also times auto_assign end to end on a temporary
                                            # SQLite database (BENCH_DATABASE_URL: another one)

`bench/ranking.py` imports build_assignment_input() and time_assign() to report assign_ms.
The timing covers the pure algorithm (grants.services.assignment.assign) on plain ids, which is
what grants.services.panel.auto_assign runs between its few loading queries and one bulk insert.
"""
from __future__ import annotations

import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from grants.services.assignment import assign  # noqa: E402


def build_assignment_input(n_proposals: int = 2000, n_reviewers: int = 60, conflict_rate: float = 0.02,
                           seed: int = 1, k: int = 5) -> dict:
    """Plain-id input for assign(): each (proposal, reviewer) pair conflicts with probability
    `conflict_rate`."""
    rng = random.Random(seed)
    proposals = list(range(1, n_proposals + 1))
    reviewers = list(range(1, n_reviewers + 1))
    conflicts = {(p, r) for p in proposals for r in reviewers if rng.random() < conflict_rate}
    return {"proposals": proposals, "reviewers": reviewers, "k": k, "conflicts": conflicts, "seed": seed}


def time_assign(runs: int = 5, **kwargs) -> list[float]:
    """Milliseconds per run of assign() on build_assignment_input(**kwargs)."""
    data = build_assignment_input(**kwargs)
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        result = assign(data["proposals"], data["reviewers"], data["k"], data["conflicts"], seed=data["seed"])
        out.append((time.perf_counter() - start) * 1000)
        assert not result.shortfalls
    return out


def time_auto_assign_db(n_proposals: int = 2000, n_reviewers: int = 60, n_orgs: int = 400, k: int = 5,
                        runs: int = 3, database_url: str | None = None) -> list[float]:
    """Milliseconds per end-to-end grants.services.panel.auto_assign (load, assign, bulk insert,
    audit, mail) on a temporary database: SQLite unless `database_url` is given."""
    import tempfile
    from datetime import date, timedelta
    from decimal import Decimal

    from sqlalchemy import delete, insert

    from grants import create_app, uscc
    from grants.extensions import db
    from grants.models import Call, Organisation, OutboxMessage, PanelMember, Proposal, ReviewAssignment, User, UserRole
    from grants.services.panel import auto_assign
    from grants.timeutil import now_utc

    tmp = tempfile.TemporaryDirectory()
    url = database_url or f"sqlite:///{tmp.name}/bench.sqlite3"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True, "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1"})
    out = []
    with app.app_context():
        db.drop_all()
        db.create_all()
        now = now_utc()
        staff = User(email="bench-staff@example.org", name="staff", password_hash="x")
        db.session.add(staff)
        db.session.flush()
        db.session.add(UserRole(user_id=staff.id, role="staff"))
        call = Call(title="bench", budget_pool=Decimal("100000000"), per_project_cap=Decimal("100000"),
                    opens_at=now - timedelta(days=30), closes_at=now - timedelta(days=1), status="closed",
                    reviewers_per_proposal=k)
        db.session.add(call)
        db.session.flush()
        db.session.execute(insert(Organisation), [
            {"name": f"机构{i}", "uscc": uscc.make(f"52330400MJ{i:07d}"), "org_type": "social_service",
             "registration_date": date(2015, 1, 1), "address": "嘉兴", "legal_representative": "张",
             "contact_name": "李", "contact_phone": "0573", "status": "verified"} for i in range(n_orgs)])
        org_ids = [o for o in db.session.scalars(db.select(Organisation.id).order_by(Organisation.id))]
        db.session.execute(insert(Proposal), [
            {"call_id": call.id, "organisation_id": org_ids[i % n_orgs], "status": "screened_in",
             "title": f"项目{i}"} for i in range(n_proposals)])
        db.session.execute(insert(User), [
            {"email": f"r{i}@example.org", "name": f"专家{i}", "password_hash": "x",
             # every 10th reviewer belongs to an applicant organisation: a conflict by affiliation
             "affiliation": f"机构{i}" if i % 10 == 0 else None} for i in range(n_reviewers)])
        reviewer_ids = list(db.session.scalars(db.select(User.id).where(User.email.like("r%@example.org"))))
        db.session.execute(insert(UserRole), [{"user_id": r, "role": "reviewer"} for r in reviewer_ids])
        db.session.execute(insert(PanelMember), [{"call_id": call.id, "reviewer_id": r} for r in reviewer_ids])
        db.session.commit()
        for _ in range(runs):
            db.session.execute(delete(ReviewAssignment))
            db.session.execute(delete(OutboxMessage))
            db.session.commit()
            db.session.expire_all()
            start = time.perf_counter()
            outcome = auto_assign(staff, db.session.get(Call, call.id), seed=1)
            out.append((time.perf_counter() - start) * 1000)
            assert outcome.created == n_proposals * k and outcome.result.complete
        db.session.remove()
        db.drop_all()
        db.engine.dispose()
    tmp.cleanup()
    return out


def main() -> None:
    timings = time_assign(runs=5)
    data = build_assignment_input()
    result = assign(data["proposals"], data["reviewers"], data["k"], data["conflicts"], seed=data["seed"])
    loads = result.loads.values()
    print(f"proposals=2000 reviewers=60 k={data['k']} conflicts={len(data['conflicts'])} "
          f"pairs={len(result.pairs)} load_min={min(loads)} load_max={max(loads)}")
    if "--db" in sys.argv:
        import os

        db_timings = time_auto_assign_db(database_url=os.environ.get("BENCH_DATABASE_URL"))
        print(f"auto_assign_db_ms={statistics.median(db_timings):.1f} (load + assign + bulk insert + audit + mail)")
    print(f"assign_ms={statistics.median(timings):.1f}")


if __name__ == "__main__":
    main()
