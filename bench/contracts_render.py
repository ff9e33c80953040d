"""Render the contracts of a 200-award call with `flask contracts render` and report its peak
memory (issue 10: flat memory, peak RSS ≤ 400 MB for 200 contracts).

    .venv/bin/python bench/contracts_render.py            # 200 awards
    .venv/bin/python bench/contracts_render.py --awards 50

A fresh SQLite database under a temporary directory is filled with one decided call and N
confirmed awards (the project's own models), then the command runs in a child process exactly
as an operator would run it; its peak RSS comes from the kernel (getrusage of the child). Peak
RSS is also sampled after every 25 contracts, to show that it stays flat rather than growing.
The last line is `contracts=<n> seconds=<s> per_contract_s=<s> peak_rss_mb=<mb>`.
"""
from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def fill(db_url: str, upload_root: str, n: int) -> int:
    from datetime import date
    from decimal import Decimal

    from grants import create_app
    from grants.extensions import db
    from grants.models import Award, Call, Organisation, Proposal, RubricCriterion, TrancheRule, User
    from grants.services import calls as calls_service
    from grants.timeutil import now_utc
    from grants.uscc import make

    app = create_app({"SQLALCHEMY_DATABASE_URI": db_url, "UPLOAD_ROOT": upload_root})
    with app.app_context():
        db.create_all()
        now = now_utc()
        call = Call(title="2026年度政府购买社会组织服务项目（基准）", status="decided",
                    budget_pool=Decimal("50000000.00"), per_project_cap=Decimal("100000.00"),
                    opens_at=now.replace(year=now.year - 1), closes_at=now,
                    categories=["elderly"])
        call.criteria = [RubricCriterion(position=i, name=c.name, description=c.description or "",
                                         weight=int(c.weight), max_score=int(c.max_score))
                         for i, c in enumerate(calls_service.default_rubric())]
        call.tranches = [TrancheRule(position=i, percentage=int(t.percentage), condition=t.condition,
                                     milestone_number=t.milestone_number)
                         for i, t in enumerate(calls_service.preset_tranches("30_40_30"))]
        db.session.add(call)
        db.session.flush()
        for i in range(n):
            org = Organisation(name=f"嘉兴市第{i + 1}社会工作服务中心", uscc=make(f"52330400MJ{i:07d}"),
                               org_type="social_service", status="verified", district="南湖区",
                               registration_date=date(2015, 1, 1),
                               address=f"嘉兴市南湖区测试路{i + 1}号", legal_representative="张三",
                               contact_name="李四", contact_phone="0573-88888888", bank_name="中国银行嘉兴分行",
                               bank_account=f"6217{i:012d}")
            db.session.add(org)
            db.session.flush()
            amount = Decimal(60000 + i)
            proposal = Proposal(call_id=call.id, organisation_id=org.id, status="awarded",
                                title=f"社区关爱服务项目{i + 1}", category="elderly",
                                summary="为社区独居老人提供上门探访与健康管理服务。",
                                activities="上门探访、健康讲座、志愿者培训", beneficiaries="社区独居老人",
                                start_date=date(2027, 1, 1), end_date=date(2027, 12, 31), amount_requested=amount)
            db.session.add(proposal)
            db.session.flush()
            db.session.add(Award(call_id=call.id, proposal_id=proposal.id, organisation_id=org.id,
                                 status="confirmed", amount=amount, basis={"rank": i + 1}))
        user = User(email="bench@example.org", name="基准")
        user.set_password("bench-password")
        db.session.add(user)
        db.session.commit()
        return call.id


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--awards", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db_url = f"sqlite:///{tmp}/bench.sqlite3"
        uploads = os.path.join(tmp, "uploads")
        call_id = fill(db_url, uploads, args.awards)
        env = dict(os.environ, DATABASE_URL=db_url, UPLOAD_ROOT=uploads, FLASK_APP="wsgi.py")
        started = time.perf_counter()
        proc = subprocess.run([str(ROOT / ".venv/bin/flask"), "contracts", "render", "--call", str(call_id)],
                              cwd=ROOT, env=env, capture_output=True, text=True)
        seconds = time.perf_counter() - started
        child_peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else proc.stderr[-2000:])
        if proc.returncode != 0:
            sys.exit(proc.returncode)
        print(f"contracts={args.awards} seconds={seconds:.1f} per_contract_s={seconds / max(args.awards, 1):.3f} "
              f"peak_rss_mb={child_peak_mb:.0f}")


if __name__ == "__main__":
    main()
