"""Time the staff search of the emergency capability registry over the city's ~4,600 organisations.

    TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/x .venv/bin/python bench/registry_search.py
                      # PostgreSQL, in a throwaway database "bench_registry" (created, then dropped)
    .venv/bin/python bench/registry_search.py      # without TEST_DATABASE_URL: SQLite in a temporary file

Fills the database with bulk inserts: 4,600 organisations (grades and assessment dates spread),
each with a declaration (1–4 capabilities, 1–3 districts, sizes spread, a seventh not confirmed for
over a year). Then, for each filter combination, the median of RUNS runs of what the staff page
asks (grants.services.registry: the count, one page of 50 with its capability and district rows,
and the counts per district and per capability) and the SQL statements of one run.
"""
from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
import throwaway  # noqa: E402  (bench/throwaway.py)

N = 4600
RUNS = 9
PER_PAGE = 50


def _fill(db) -> None:
    from sqlalchemy import insert, select

    from grants import uscc
    from grants.labels import CAPABILITY_TYPES, DISTRICTS
    from grants.models import CapabilityDeclaration, DeclaredCapability, DeclaredDistrict, Organisation
    from grants.timeutil import now_utc

    now = now_utc()
    db.session.execute(insert(Organisation), [
        {"name": f"嘉兴市应急服务机构{i:04d}", "uscc": uscc.make(f"52330400MJ{i:07d}"), "org_type": "social_service",
         "registration_date": date(2010, 1, 1) + timedelta(days=i), "address": f"嘉兴市测试路{i}号",
         "district": DISTRICTS[i % len(DISTRICTS)], "legal_representative": "张三", "contact_name": "李四",
         "contact_phone": "0573-88888888", "status": "verified", "grade": i % 6,
         "grade_assessed_on": date(2018, 1, 1) + timedelta(days=(i * 13) % 2500) if i % 6 else None}
        for i in range(N)])
    org_ids = list(db.session.scalars(select(Organisation.id).order_by(Organisation.id)))
    db.session.execute(insert(CapabilityDeclaration), [
        {"organisation_id": org_id, "people_available": 1 + (i * 7) % 120, "volunteers_available": (i * 37) % 900,
         "counsellors": i % 3, "social_workers": i % 2, "medical_staff": 0, "other_certified": 0,
         "certified_note": "", "equipment": "", "contact_name": "值班员", "contact_phone": f"139{i:08d}",
         "confirmed_at": now - timedelta(days=400 + i % 200 if i % 7 == 0 else i % 300),
         "created_at": now, "updated_at": now, "version": 1}
        for i, org_id in enumerate(org_ids)])
    decl_ids = list(db.session.scalars(select(CapabilityDeclaration.id).order_by(CapabilityDeclaration.id)))
    caps, districts = [], []
    for i, d in enumerate(decl_ids):
        for c in {CAPABILITY_TYPES[(i * k + k) % len(CAPABILITY_TYPES)] for k in range(1, 2 + i % 4)}:
            caps.append({"declaration_id": d, "capability": c})
        for x in {DISTRICTS[(i + k * 3) % len(DISTRICTS)] for k in range(1 + i % 3)}:
            districts.append({"declaration_id": d, "district": x})
    db.session.execute(insert(DeclaredCapability), caps)
    db.session.execute(insert(DeclaredDistrict), districts)
    db.session.commit()


COMBINATIONS = {
    "no filter": {},
    "capability any of 2": {"capabilities": ("rescue", "medical")},
    "capability + district": {"capabilities": ("counselling",), "district": "海宁市"},
    "district + people ≥ 50 + grade ≥ 3": {"district": "南湖区", "min_people": 50, "min_grade": 3},
    "all filters": {"capabilities": ("rescue", "logistics", "goods"), "district": "秀洲区", "min_people": 10,
                    "min_volunteers": 100, "min_grade": 2, "freshness": "current"},
    "stale only": {"freshness": "stale"},
}


def run_backend(url: str) -> dict[str, tuple[float, int, int]]:
    from grants import create_app
    from grants.extensions import db
    from grants.services import registry
    from grants.sqlcount import recorded_statements

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
    out = {}
    with app.app_context():
        db.drop_all()
        db.create_all()
        start = time.perf_counter()
        _fill(db)
        print(f"{url.split(':')[0]}: filled {N} organisations with declarations in {time.perf_counter() - start:.1f} s")
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect() as conn:
                conn.exec_driver_sql("ANALYZE")

        def page(filters):
            found = db.paginate(registry.search_statement(filters), page=2, per_page=PER_PAGE, error_out=False)
            rows = [(d.organisation.name, d.capabilities, d.districts) for d in found.items]
            registry.facets(filters)
            db.session.expunge_all()
            return found.total, rows

        for label, kwargs in COMBINATIONS.items():
            filters = registry.Filters(**kwargs)
            page(filters)  # warm
            times = []
            for _ in range(RUNS):
                t = time.perf_counter()
                total, _rows = page(filters)
                times.append((time.perf_counter() - t) * 1000)
            with recorded_statements(db.engine) as seen:
                page(filters)
            out[label] = (statistics.median(times), len(seen), total)
            print(f"  {label:<36} matches={total:>5}  median={statistics.median(times):6.1f} ms  "
                  f"statements={len(seen)}")
        db.session.remove()
        db.drop_all()
    return out


def main() -> None:
    results = []
    pg = os.environ.get("TEST_DATABASE_URL")
    if pg:
        url, drop = throwaway.postgres(pg, "bench_registry")
        try:
            results.append(run_backend(url))
        finally:
            drop()
    else:
        with tempfile.TemporaryDirectory() as tmp:
            results.append(run_backend(f"sqlite:///{tmp}/bench.sqlite3"))
    worst = max(ms for r in results for ms, _n, _t in r.values())
    statements = {n for r in results for _ms, n, _t in r.values()}
    print(f"registry_search_ms={worst:.1f} (worst median of {len(COMBINATIONS)} filter combinations, page of "
          f"{PER_PAGE} + counts) statements={','.join(map(str, sorted(statements)))}")


if __name__ == "__main__":
    main()
