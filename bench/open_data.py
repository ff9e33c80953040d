"""Time the open-data files for 2,000 confirmed awards (issue 12; the goal is ≤ 2 s).

    .venv/bin/python bench/open_data.py            # SQLite file in a temporary directory
    TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/x .venv/bin/python bench/open_data.py
                                                   # also on PostgreSQL, in a throwaway database
                                                   # "bench_open_data" (created, then dropped)

Builds with bulk inserts 400 organisations and a decided call with 2,000 confirmed awards, each
with its proposal and a contract in force with 3 tranches (50/30/20), the first one paid. Then,
per backend:
- giving_ms / ocds_ms: median of RUNS builds of each package from the database (cache bypassed:
  queries, serialisation to JSON bytes), and the median CPU time of this process for them
  (giving_cpu_ms / ocds_cpu_ms: on a busy shared machine wall time is mostly waiting);
- http_ms: median of RUNS cold GETs of /open-data/360giving.json through the app (cache cleared);
- cached_ms: median of RUNS GETs answered from the cache (one fingerprint statement);
- statements: SQL statements of one cold build of each file (constant whatever the size);
- both files are checked once against the official schemas (../shared/tools/validate_open_data.py).
The last line is `awards=2000 giving_ms=… ocds_ms=… giving_cpu_ms=… ocds_cpu_ms=… http_ms=… cached_ms=…
statements=…` (with
PostgreSQL as well, the slower backend's figures).
"""
from __future__ import annotations

import os
import statistics
import subprocess
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

VALIDATOR = ROOT.parent / "shared" / "tools" / "validate_open_data.py"

RUNS = 7
N_AWARDS, N_ORGS = 2000, 400
DISTRICTS = ("南湖区", "秀洲区", "嘉善县", "平湖市", "海宁市", "桐乡市", "海盐县")
CATEGORIES = ("elderly", "disability", "youth", "community", "emergency")


def _fill(db) -> None:
    from sqlalchemy import insert, select

    from grants import uscc
    from grants.models import Award, Call, Contract, Disbursement, Organisation, Proposal, Tranche
    from grants.timeutil import now_utc

    now = now_utc()
    db.session.execute(insert(Organisation), [
        {"name": f"嘉兴市基准社会组织{i}", "uscc": uscc.make(f"52330400MJ{i:07d}"), "org_type": "social_service",
         "registration_date": date(2015, 1, 1), "address": f"嘉兴市测试路{i}号", "district": DISTRICTS[i % 7],
         "legal_representative": "张三", "contact_name": "李四", "contact_phone": "0573-88888888",
         "bank_name": "中国银行嘉兴分行", "bank_account": f"6217{i:012d}", "status": "verified"}
        for i in range(N_ORGS)])
    org_ids = list(db.session.scalars(select(Organisation.id).order_by(Organisation.id)))
    call = Call(title="基准：2,000个资助项目", description="开放数据基准测试", budget_pool=Decimal("99999999.00"),
                per_project_cap=Decimal("100000.00"), opens_at=now - timedelta(days=200),
                closes_at=now - timedelta(days=150), status="decided", categories=list(CATEGORIES))
    db.session.add(call)
    db.session.flush()
    amounts = [Decimal(30000 + (i * 7919) % 70000) for i in range(N_AWARDS)]
    db.session.execute(insert(Proposal), [
        {"call_id": call.id, "organisation_id": org_ids[i % N_ORGS], "status": "awarded",
         "title": f"社区服务项目{i}", "category": CATEGORIES[i % 5], "summary": "为社区居民提供公益服务。",
         "amount_requested": amounts[i], "matching_funds": Decimal("0"), "start_date": date(2027, 1, 1),
         "end_date": date(2027, 12, 31), "submitted_at": now - timedelta(days=160), "submission_count": 1}
        for i in range(N_AWARDS)])
    proposals = db.session.execute(select(Proposal.id, Proposal.organisation_id).where(Proposal.call_id == call.id)
                                   .order_by(Proposal.id)).all()
    db.session.execute(insert(Award), [
        {"call_id": call.id, "proposal_id": p, "organisation_id": o, "status": "confirmed", "amount": amounts[i],
         "basis": {"rank": i + 1}, "decided_at": now - timedelta(days=30), "confirmed_at": now - timedelta(days=20)}
        for i, (p, o) in enumerate(proposals)])
    awards = db.session.execute(select(Award.id, Award.organisation_id, Award.amount).order_by(Award.id)).all()
    db.session.execute(insert(Contract), [
        {"award_id": a, "call_id": call.id, "organisation_id": o, "number": f"JXGY-2026-{i + 1:04d}",
         "status": "active", "amount": amount, "starts_on": date(2027, 1, 1), "ends_on": date(2027, 12, 31),
         "signed_on": date(2026, 11, 20), "activated_at": now - timedelta(days=7), "announced_on": date(2026, 11, 21)}
        for i, (a, o, amount) in enumerate(awards)])
    contracts = db.session.execute(select(Contract.id, Contract.amount).order_by(Contract.id)).all()
    tranche_rows = []
    for c, amount in contracts:
        first, second = (amount * Decimal("0.5")).quantize(Decimal("0.01")), (amount * Decimal("0.3")).quantize(
            Decimal("0.01"))
        tranche_rows += [
            {"contract_id": c, "number": 1, "percentage": 50, "amount": first, "condition": "signing"},
            {"contract_id": c, "number": 2, "percentage": 30, "amount": second, "condition": "milestone",
             "milestone_number": 1},
            {"contract_id": c, "number": 3, "percentage": 20, "amount": amount - first - second, "condition": "final"}]
    db.session.execute(insert(Tranche), tranche_rows)
    firsts = db.session.execute(select(Tranche.id, Tranche.contract_id, Tranche.amount)
                                .where(Tranche.number == 1).order_by(Tranche.id)).all()
    db.session.execute(insert(Disbursement), [
        {"tranche_id": t, "contract_id": c, "status": "paid", "amount": amount, "paid_on": date(2026, 11, 25),
         "payment_reference": f"BANK-{t}", "paid_at": now - timedelta(days=3)} for t, c, amount in firsts])
    db.session.commit()


def run_backend(url: str, tmp: str) -> dict:
    from grants import create_app
    from grants.extensions import db
    from grants.services import opendata
    from grants.sqlcount import recorded_statements

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
    out: dict = {}
    with app.app_context():
        db.drop_all()
        db.create_all()
        t0 = time.perf_counter()
        _fill(db)
        build_s = time.perf_counter() - t0
        backend = db.engine.dialect.name
        if backend == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("ANALYZE")
        statements = {}
        with app.test_request_context():
            for kind in opendata.KINDS:
                with recorded_statements(db.engine) as seen:
                    export = opendata.build(kind, cached=False)
                statements[kind] = len(seen)
                assert export is not None and export.records == N_AWARDS
                path = Path(tmp) / f"{kind}.json"
                path.write_bytes(export.body)
                result = subprocess.run([sys.executable, str(VALIDATOR), kind, str(path)], capture_output=True,
                                        text=True)
                print(f"{backend}: {result.stdout.strip().splitlines()[-1]} ({len(export.body) / 1e6:.1f} MB)")
                timings, cpu = [], []
                for _ in range(RUNS):
                    db.session.expire_all()
                    t, c = time.perf_counter(), time.process_time()
                    opendata.build(kind, cached=False)
                    timings.append((time.perf_counter() - t) * 1000)
                    cpu.append((time.process_time() - c) * 1000)
                out[kind] = statistics.median(timings)
                out[f"{kind}_cpu"] = statistics.median(cpu)
                print(f"{backend}: {kind} builds (ms): {', '.join(f'{x:.0f}' for x in timings)} (CPU time of this "
                      f"process, median {statistics.median(cpu):.0f} ms; the rest is waiting for the database or "
                      f"for a busy machine)")
        client = app.test_client()
        cold, warm = [], []
        for _ in range(RUNS):
            app.extensions.pop("grants_open_data", None)
            t = time.perf_counter()
            response = client.get("/open-data/360giving.json")
            cold.append((time.perf_counter() - t) * 1000)
            assert response.status_code == 200
            t = time.perf_counter()
            response = client.get("/open-data/360giving.json")
            warm.append((time.perf_counter() - t) * 1000)
            assert response.status_code == 200
        out["http"], out["cached"] = statistics.median(cold), statistics.median(warm)
        out["statements"] = max(statements.values())
        print(f"{backend}: built {N_AWARDS} awards and contracts in {build_s:.1f} s; cold GET (ms): "
              f"{', '.join(f'{x:.0f}' for x in cold)}; cached GET (ms): {', '.join(f'{x:.0f}' for x in warm)}; "
              f"statements per build: {statements}")
        db.session.remove()
        db.drop_all()
        db.engine.dispose()
    return out


def main() -> None:
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        results.append(run_backend(f"sqlite:///{tmp}/bench.sqlite3", tmp))
        pg = os.environ.get("TEST_DATABASE_URL")
        if pg:
            url, drop = throwaway.postgres(pg, "bench_open_data")
            try:
                results.append(run_backend(url, tmp))
            finally:
                drop()
    worst = {k: max(r[k] for r in results) for k in results[0]}
    print(f"against the goal: the slower file is {max(worst['360giving'], worst['ocds']) / 2000:.2f} × the 2 s budget")
    print(f"awards={N_AWARDS} giving_ms={worst['360giving']:.0f} ocds_ms={worst['ocds']:.0f} "
          f"giving_cpu_ms={worst['360giving_cpu']:.0f} ocds_cpu_ms={worst['ocds_cpu']:.0f} "
          f"http_ms={worst['http']:.0f} cached_ms={worst['cached']:.1f} statements={worst['statements']}")


if __name__ == "__main__":
    main()
