"""Time the ranking of a call of 2,000 proposals × 5 reviews × 8 criteria (issue 4).

    .venv/bin/python bench/ranking.py            # SQLite file in a temporary directory
    TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/x .venv/bin/python bench/ranking.py
                                                 # also on PostgreSQL, in a throwaway database
                                                 # "bench_ranking" (created, then dropped)

Builds the data with bulk inserts (400 organisations, 60 reviewers, a call of 2,000 proposals
and a call of 200, 5 cleared assignments and 5 submitted reviews per proposal, 8 scored
criteria per review — a harsh and a lenient group of reviewers included), then:
- ranking_ms: median of RUNS computations of grants.services.ranking.compute() on the big call;
- statements: SQL statements of one computation, for 200 and for 2,000 proposals (printed
  both; they must be equal);
- baseline: the same call ranked the obvious way (reviews and scores loaded per proposal through
  the ORM, statistics in Python), median of BASELINE_RUNS, and the ratio baseline / ranking_ms;
- assign_ms: median of 5 runs of the conflict-aware assignment of 2,000 proposals × 60
  reviewers, k = 5, ~2% conflicting pairs (bench/assign.py, the panel helper's timing of
  grants.services.assignment.assign()).
The last line is `ranking_ms=<median> assign_ms=<median> statements=<n>`; with PostgreSQL as
well, ranking_ms there is the slower of the two backends (each is printed on an earlier line).
"""
from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
import throwaway  # noqa: E402  (bench/throwaway.py)

RUNS = 7
BASELINE_RUNS = 3
N_BIG, N_SMALL, N_REVIEWERS, N_ORGS, K = 2000, 200, 60, 400, 5
WEIGHTS = (15, 15, 15, 15, 10, 10, 10, 10)


def _build(db, n_proposals: int, title: str, org_ids: list[int], reviewer_ids: list[int]) -> int:
    from sqlalchemy import insert, select

    from grants.models import Call, CriterionScore, Proposal, Review, ReviewAssignment, RubricCriterion
    from grants.services.reviews import weighted_total
    from grants.timeutil import now_utc

    now = now_utc()
    call = Call(title=title, budget_pool=Decimal("20000000.00"), per_project_cap=Decimal("100000.00"),
                opens_at=now - timedelta(days=60), closes_at=now - timedelta(days=20), status="closed",
                reviewers_per_proposal=K, ranking_method="calibrated")
    for i, w in enumerate(WEIGHTS):
        call.criteria.append(RubricCriterion(position=i, name=f"评分项{i + 1}", weight=w, max_score=10))
    db.session.add(call)
    db.session.flush()
    criteria = list(call.criteria)
    db.session.execute(insert(Proposal), [
        {"call_id": call.id, "organisation_id": org_ids[i % len(org_ids)], "status": "screened_in",
         "title": f"项目{i}", "amount_requested": Decimal(30000 + (i * 7919) % 70000),
         "submitted_at": now - timedelta(days=30, minutes=i), "submission_count": 1} for i in range(n_proposals)])
    proposal_ids = list(db.session.scalars(
        select(Proposal.id).where(Proposal.call_id == call.id).order_by(Proposal.id)))
    pairs = [(p, reviewer_ids[(i * K + j) % len(reviewer_ids)]) for i, p in enumerate(proposal_ids) for j in range(K)]
    db.session.execute(insert(ReviewAssignment), [
        {"proposal_id": p, "reviewer_id": r, "status": "cleared", "assigned_at": now, "declared_at": now}
        for p, r in pairs])
    reviews, scores = [], {}
    for n, (p, r) in enumerate(pairs):
        bias = -2 if r % 7 == 0 else (2 if r % 7 == 1 else 0)  # harsh and lenient reviewers
        values = {c.id: Decimal(max(0, min(20, 12 + bias + (p * 31 + r * 17 + c.position * 5) % 9 - 4))) / 2
                  for c in criteria}
        scores[(p, r)] = values
        reviews.append({"proposal_id": p, "reviewer_id": r, "status": "submitted", "overall_comment": "",
                        "recommendation": "fund", "weighted_total": weighted_total(criteria, values),
                        "submitted_at": now - timedelta(days=5, minutes=n), "created_at": now, "updated_at": now})
    db.session.execute(insert(Review), reviews)
    ids = {(p, r): i for i, p, r in db.session.execute(
        select(Review.id, Review.proposal_id, Review.reviewer_id)
        .where(Review.proposal_id.in_(select(Proposal.id).where(Proposal.call_id == call.id))))}
    db.session.execute(insert(CriterionScore), [
        {"review_id": ids[key], "criterion_id": cid, "score": s, "comment": ""}
        for key, values in scores.items() for cid, s in values.items()])
    db.session.commit()
    return call.id


def naive_ranking(db, call):
    """The baseline: the obvious per-object computation (one query for the proposals, then each
    proposal's reviews and each review's scores loaded through the ORM, statistics in Python) —
    the shape of a plain-mean ranking over ORM objects. Same inputs, fewer outputs."""
    from sqlalchemy import select

    from grants.models import Proposal, Review

    weights = {c.id: (Decimal(c.weight), Decimal(c.max_score)) for c in call.criteria}
    rows = []
    for proposal in db.session.scalars(select(Proposal).where(Proposal.call_id == call.id,
                                                              Proposal.status == "screened_in")):
        totals = []
        for review in db.session.scalars(select(Review).where(Review.proposal_id == proposal.id,
                                                              Review.status == "submitted")):
            totals.append(sum(weights[s.criterion_id][0] * s.score / weights[s.criterion_id][1]
                              for s in review.scores))
        if totals:
            ordered = sorted(totals)
            trimmed = ordered[1:-1] if len(ordered) >= 5 else ordered
            rows.append((sum(trimmed) / len(trimmed), statistics.median(ordered), statistics.pstdev(ordered),
                         proposal.id))
    rows.sort(key=lambda r: (-r[0], -r[1], r[3]))
    return rows


def run_backend(url: str) -> tuple[float, int, int]:
    from sqlalchemy import insert, select

    from grants import create_app, uscc
    from grants.extensions import db
    from grants.models import Call, Organisation, User, UserRole
    from grants.services import ranking
    from grants.sqlcount import recorded_statements

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
    with app.app_context():
        db.drop_all()
        db.create_all()
        start = time.perf_counter()
        db.session.execute(insert(Organisation), [
            {"name": f"机构{i}", "uscc": uscc.make(f"52330400MJ{i:07d}"), "org_type": "social_service",
             "registration_date": date(2015, 1, 1), "address": "嘉兴", "legal_representative": "张",
             "contact_name": "李", "contact_phone": "0573", "status": "verified"} for i in range(N_ORGS)])
        org_ids = list(db.session.scalars(select(Organisation.id).order_by(Organisation.id)))
        db.session.execute(insert(User), [{"email": f"r{i}@example.org", "name": f"专家{i}", "password_hash": "x"}
                                          for i in range(N_REVIEWERS)])
        reviewer_ids = list(db.session.scalars(select(User.id).order_by(User.id)))
        db.session.execute(insert(UserRole), [{"user_id": r, "role": "reviewer"} for r in reviewer_ids])
        big = _build(db, N_BIG, "基准：2000个项目", org_ids, reviewer_ids)
        small = _build(db, N_SMALL, "基准：200个项目", org_ids, reviewer_ids)
        build_s = time.perf_counter() - start
        if db.engine.dialect.name == "postgresql":
            # planner statistics, as autovacuum would gather them after a bulk load
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("ANALYZE")

        def statements_for(call_id: int) -> int:
            db.session.expire_all()
            call = db.session.get(Call, call_id)
            with recorded_statements(db.engine) as seen:
                ranking.compute(call)
            return len(seen)

        s_small, s_big = statements_for(small), statements_for(big)
        call = db.session.get(Call, big)
        timings, cpu = [], []
        for _ in range(RUNS):
            t0, c0 = time.perf_counter(), time.process_time()
            result = ranking.compute(call)
            timings.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.process_time() - c0) * 1000)
        assert len(result.rows) == N_BIG and all(r.n == K for r in result.rows)
        backend = db.engine.dialect.name
        baseline = []
        for _ in range(BASELINE_RUNS):
            db.session.expire_all()
            call = db.session.get(Call, big)
            t0 = time.perf_counter()
            naive = naive_ranking(db, call)
            baseline.append((time.perf_counter() - t0) * 1000)
        assert len(naive) == N_BIG
        print(f"{backend}: baseline (per-proposal ORM loading, plain statistics) runs (ms): "
              f"{', '.join(f'{t:.0f}' for t in baseline)}; median {statistics.median(baseline):.0f} ms; "
              f"ranking service is {statistics.median(baseline) / statistics.median(timings):.1f}× faster")
        print(f"{backend}: built {N_BIG + N_SMALL} proposals, {(N_BIG + N_SMALL) * K} reviews, "
              f"{(N_BIG + N_SMALL) * K * len(WEIGHTS)} criterion scores in {build_s:.1f} s; "
              f"ranking runs (ms): {', '.join(f'{t:.0f}' for t in timings)} "
              f"(CPU time of this process, median {statistics.median(cpu):.0f} ms; the rest is waiting for the "
              f"database or for a busy machine); "
              f"recommended {len(result.recommended)}, calibrated reviewers {result.calibrated_reviewers}")
        print(f"{backend}: statements for {N_SMALL} proposals = {s_small}, for {N_BIG} proposals = {s_big}")
        db.session.remove()
        db.drop_all()
        db.engine.dispose()
    return statistics.median(timings), s_small, s_big


def main() -> None:
    from assign import time_assign  # bench/assign.py

    results = []
    with tempfile.TemporaryDirectory() as tmp:
        results.append(run_backend(f"sqlite:///{tmp}/bench.sqlite3"))
    pg = os.environ.get("TEST_DATABASE_URL")
    if pg:
        url, drop = throwaway.postgres(pg, "bench_ranking")
        try:
            results.append(run_backend(url))
        finally:
            drop()
    assign_ms = statistics.median(time_assign(runs=5))
    ranking_ms = max(r[0] for r in results)
    counts = {c for r in results for c in r[1:]}
    statements = results[0][2]
    print(f"statements equal for {N_SMALL} and {N_BIG} proposals: {'yes' if len(counts) == 1 else 'NO'}")
    print(f"against the goals: ranking {ranking_ms / 200:.2f} × the 200 ms budget, "
          f"assignment {assign_ms / 2000:.3f} × the 2,000 ms budget")
    print(f"ranking_ms={ranking_ms:.1f} assign_ms={assign_ms:.1f} statements={statements}")


if __name__ == "__main__":
    main()
