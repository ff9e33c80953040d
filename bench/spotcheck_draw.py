"""Time a spot-check draw over the city's ~4,600 organisations (issue 12).

    .venv/bin/python bench/spotcheck_draw.py

Prints the median of 5 runs of the pure sample (grants.services.spotchecks.draw_sample) and of the
public re-run's computation, then one full `create_draw` (230 items, 2 inspectors each, 8 in the
pool) on a temporary SQLite database with its SQL statement count.
"""
from __future__ import annotations

import statistics
import sys
import tempfile
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from grants.services.spotchecks import draw_sample  # noqa: E402

N = 4600
DAY = date(2026, 11, 28)


def _median_ms(fn, runs: int = 5) -> float:
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return statistics.median(out)


def main() -> None:
    ids = list(range(1, N + 1))
    sample_ms = _median_ms(lambda: draw_sample(DAY, ids, "bench", Decimal("5"), Decimal("0.5")))
    print(f"draw_sample over {N} candidates: {sample_ms:.1f} ms (median of 5)")
    with tempfile.TemporaryDirectory() as tmp:
        from grants import create_app
        from grants.extensions import db
        from grants.models import Inspector, Organisation, User
        from grants.services import spotchecks
        from grants.sqlcount import recorded_statements

        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.sqlite3", "TESTING": True})
        with app.app_context():
            db.create_all()
            from grants import uscc

            db.session.add_all(Organisation(
                name=f"社会组织{n}", uscc=uscc.make(f"52330400MJ{n:07d}"[:17]), org_type="social_service",
                registration_date=date(2015, 1, 1), address="嘉兴市", legal_representative="张三", contact_name="李四",
                contact_phone="0573-88888888", status="verified", grade=0) for n in range(N))
            staff = User(email="bench@example.org", name="bench", password_hash="x")
            staff.set_roles(["staff"])
            db.session.add(staff)
            db.session.add_all(Inspector(name=f"检查员{k}", affiliation=f"单位{k}") for k in range(8))
            db.session.commit()
            with recorded_statements(db.engine) as statements:
                start = time.perf_counter()
                draw = spotchecks.create_draw(staff, population="organisations", period="bench", nonce="bench",
                                              today=DAY)
                elapsed = (time.perf_counter() - start) * 1000
            print(f"create_draw over {N} organisations: {elapsed:.0f} ms, {len(statements)} SQL statements, "
                  f"{draw.document_count} document / {draw.onsite_count} on-site items")
            start = time.perf_counter()
            outcome = spotchecks.rerun(DAY, draw.candidate_ids, "bench", Decimal("5"), Decimal("0.5"))
            print(f"public re-run (with the comparison): {(time.perf_counter() - start) * 1000:.0f} ms, "
                  f"matches={outcome.matches}")


if __name__ == "__main__":
    main()
