"""Fill a database to a city's scale after a few years (issue 14), with the project's own models,
in bulk (Core inserts with lists of rows, one executemany per table and chunk).

    .venv/bin/python bench/seed_scale.py                 # PostgreSQL database "scale" on the server of
                                                         # DATABASE_URL (default postgres@127.0.0.1:5432)
    .venv/bin/python bench/seed_scale.py --sqlite        # SQLite file instance/scale.sqlite3
    .venv/bin/python bench/seed_scale.py --factor 0.1    # a tenth of the size (a quick try)

Re-runnable: the database is dropped and created again each time. What it holds (factor 1):
- 4,600 organisations, each with an applicant user (a membership); 1,200 reviewers, staff,
  finance, an admin and an evaluator — every account's password is PASSWORD below;
- 10 calls, 20,000 proposals (3,600 in the biggest — closed, being screened; 3,000 in the one
  being ranked; 26 in a small one), 6 budget lines each (120,000), a ~6.5 KB snapshot and long
  texts on every submitted proposal;
- panels, 25,000 cleared assignments and submitted reviews with 8 criterion scores each
  (200,000);
- in the six decided calls 10 % of the proposals funded: awards, active contracts, 3
  milestones, 3 tranches, 2 accepted reports and 2 paid disbursements per contract;
- 107,000 audit events (proposal, screening, review, assignment, award, contract, payment),
  including one large auto-assignment record on the ranked call.
Prints the logins the load bench uses (bench/load.py reads LOGINS from this module).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PASSWORD = "scale-password-2026"
SQLITE_PATH = ROOT / "instance" / "scale.sqlite3"
# SCALE_DB names another database (two people measuring on one server at once).
DB_NAME = os.environ.get("SCALE_DB", "scale")
NOW = datetime(2026, 11, 28, 2, 0, tzinfo=UTC)
# (title, size, status, reviewers per proposal (0: not reviewed), decided)
CALLS = [
    ("2026年度嘉兴市公益创投（第一批）", 3600, "closed", 0, False),
    ("2026年度为老服务项目", 3000, "closed", 5, False),
    ("2021年度公益创投", 2800, "archived", 0, True),
    ("2022年度公益创投", 2600, "archived", 0, True),
    ("2023年度公益创投", 2400, "decided", 0, True),
    ("2025年度社区治理项目", 2200, "decided", 4, True),
    ("2024年度公益创投", 1800, "decided", 0, True),
    ("2025年度助残服务项目", 1000, "decided", 1, True),
    ("2026年度青少年服务项目", 574, "closed", 0, False),
    ("2026年度应急救援小额项目", 26, "closed", 5, False),
]
N_ORGS, N_REVIEWERS, N_AUDIT = 4600, 1200, 107_000
PANEL_SIZE = 40
WEIGHTS = (15, 15, 15, 15, 10, 10, 10, 10)
CHUNK = 5000
LONG = ("本项目立足社区实际需求，整合专业社工、志愿者与社区资源，为辖区内有需要的居民提供持续、专业、可评估的服务。"
        "通过需求调研、个案跟进、小组活动和社区倡导等方式，建立长效服务机制，提升服务对象的生活质量与社会参与。")

# Logins the load bench uses: role -> e-mail (password PASSWORD).
LOGINS = {
    "staff": "staff@scale.example.org",
    "admin": "admin@scale.example.org",
    "finance": "finance@scale.example.org",
    "reviewer": "reviewer0@scale.example.org",
    "applicant": "applicant0@scale.example.org",
}


class Progress:
    """A plain progress bar on stderr: one line per step, rewritten as rows go in."""

    def __init__(self, total_rows: int):
        self.total, self.done, self.start = total_rows, 0, time.perf_counter()

    def add(self, n: int, label: str) -> None:
        self.done += n
        width = 40
        filled = int(width * min(1.0, self.done / self.total))
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {self.done:>9,} rows "
                         f"{time.perf_counter() - self.start:6.1f} s  {label:<28}")
        sys.stderr.flush()

    def finish(self) -> None:
        sys.stderr.write("\n")


def _chunks(rows: list, size: int = CHUNK):
    for i in range(0, len(rows), size):
        yield rows[i:i + size]


def bulk(db, model, rows: list[dict], progress: Progress, label: str | None = None) -> None:
    from sqlalchemy import insert

    for part in _chunks(rows):
        db.session.execute(insert(model), part)
        progress.add(len(part), label or model.__tablename__)


def _uscc(i: int) -> str:
    from grants import uscc

    return uscc.make(f"52330400MJ{i:07d}")


def _snapshot(i: int, title: str, call_row: dict, org: tuple[int, str, str], lines: list[dict]) -> dict:
    return {
        "submitted_at": NOW.isoformat(),
        "proposal": {"title": title, "category": "elderly", "summary": LONG * 2, "need_analysis": LONG * 3,
                     "objectives": LONG * 2, "beneficiaries": LONG, "beneficiary_count": 100 + i % 400,
                     "activities": LONG * 3, "start_date": "2027-01-01", "end_date": "2027-12-31",
                     "amount_requested": f"{30000 + (i * 7919) % 70000}.00", "matching_funds": "5000.00",
                     "matching_source": "自筹"},
        "organisation": {"id": org[0], "name": org[1], "uscc": org[2]},
        "budget_lines": [{"category": b["category"], "description": b["description"],
                          "unit_price": str(b["unit_price"]), "quantity": str(b["quantity"]),
                          "total": str(b["total"]), "funded_by": b["funded_by"]} for b in lines],
        "indicators": [{"name": "服务人次", "target": "1200", "unit": "人次"}],
        "milestones": [{"title": "中期", "due_date": "2027-06-30", "deliverable": "中期报告"}],
        "attachments": [],
        "call": {"id": call_row["id"], "title": call_row["title"], "per_project_cap": "100000.00",
                 "rubric": [{"name": f"评分项{k + 1}", "weight": w, "max_score": 10} for k, w in enumerate(WEIGHTS)]},
    }


def build(db, factor: float) -> dict:
    from sqlalchemy import select
    from werkzeug.security import generate_password_hash

    from grants.models import (
        AuditEvent,
        Award,
        BudgetLine,
        Call,
        Contract,
        CriterionScore,
        Disbursement,
        Membership,
        Milestone,
        Organisation,
        PanelMember,
        Proposal,
        Report,
        Review,
        ReviewAssignment,
        RubricCriterion,
        Tranche,
        User,
        UserRole,
    )
    from grants.services.reviews import weighted_total

    def n(x: int) -> int:
        return max(1, int(x * factor))

    calls_spec = [(t, (size if size < 100 else n(size)), st, k, dec) for t, size, st, k, dec in CALLS]
    total_rows = int(n(N_ORGS) * 3 + n(N_REVIEWERS) * 2 + sum(s for _, s, *_ in calls_spec) * 7
                     + 25_000 * factor * 9 + n(N_AUDIT) + 2000 * factor * 11)
    progress = Progress(total_rows)
    pw = generate_password_hash(PASSWORD, method="scrypt:1024:8:1")

    # -- people and organisations ------------------------------------------------------------
    n_orgs, n_rev = n(N_ORGS), n(N_REVIEWERS)
    districts = ("南湖区", "秀洲区", "嘉善县", "平湖市", "海盐县", "海宁市", "桐乡市")
    bulk(db, Organisation, [
        {"name": f"嘉兴市{districts[i % 7]}第{i + 1}社会服务中心", "short_name": f"服务中心{i + 1}",
         "uscc": _uscc(i), "org_type": ("social_group", "social_service", "foundation")[i % 3],
         "registration_date": date(2010 + i % 12, 1 + i % 12, 1 + i % 28),
         "address": f"嘉兴市{districts[i % 7]}某路{i}号",
         "district": districts[i % 7], "legal_representative": "张三", "contact_name": "李四",
         "contact_phone": f"0573-8{i:07d}", "contact_email": f"org{i}@scale.example.org",
         "status": "verified" if i % 20 else "pending", "grade": i % 6,
         "grade_assessed_on": date(2022, 1, 1) if i % 6 else None, "created_at": NOW - timedelta(days=2000 - i % 1500)}
        for i in range(n_orgs)], progress)
    orgs = [tuple(r) for r in db.session.execute(
        select(Organisation.id, Organisation.name, Organisation.uscc).order_by(Organisation.id))]
    staff_rows = [("staff@scale.example.org", "王晓燕（社会组织管理处）", ["staff"]),
                  ("staff2@scale.example.org", "陈建国（社会组织管理处）", ["staff"]),
                  ("admin@scale.example.org", "系统管理员", ["admin"]),
                  ("finance@scale.example.org", "李会计（计划财务处）", ["finance"]),
                  ("senior@scale.example.org", "周处长（计划财务处）", ["finance", "finance_senior"]),
                  ("evaluator@scale.example.org", "第三方评估机构", ["evaluator"])]
    users = [{"email": e, "name": nm, "password_hash": pw, "session_token": f"s{k:031d}"}
             for k, (e, nm, _r) in enumerate(staff_rows)]
    users += [{"email": f"reviewer{i}@scale.example.org", "name": f"评审专家{i}", "password_hash": pw,
               "affiliation": f"嘉兴学院{i % 30}系", "session_token": f"r{i:031d}"} for i in range(n_rev)]
    users += [{"email": f"applicant{i}@scale.example.org", "name": f"申报人{i}", "password_hash": pw,
               "session_token": f"a{i:031d}"} for i in range(n_orgs)]
    bulk(db, User, users, progress)
    ids = dict(db.session.execute(select(User.email, User.id)).tuples().all())
    roles = [{"user_id": ids[e], "role": r} for e, _nm, rs in staff_rows for r in rs]
    reviewer_ids = [ids[f"reviewer{i}@scale.example.org"] for i in range(n_rev)]
    applicant_ids = [ids[f"applicant{i}@scale.example.org"] for i in range(n_orgs)]
    roles += [{"user_id": u, "role": "reviewer"} for u in reviewer_ids]
    roles += [{"user_id": u, "role": "applicant"} for u in applicant_ids]
    bulk(db, UserRole, roles, progress)
    bulk(db, Membership, [{"user_id": applicant_ids[i], "organisation_id": orgs[i][0]} for i in range(n_orgs)],
         progress)
    staff_id = ids["staff@scale.example.org"]
    finance_id = ids["finance@scale.example.org"]

    # -- calls -------------------------------------------------------------------------------
    call_rows = []
    for c, (title, size, status, k, _decided) in enumerate(calls_spec):
        year_back = 365 * max(0, 5 - c // 2) if status != "closed" else 0
        opens = NOW - timedelta(days=120 + year_back)
        call_rows.append({"title": title, "description": LONG, "categories": ["elderly", "community"],
                          "status": status, "budget_pool": Decimal(size * 8000), "per_project_cap": Decimal(100000),
                          "opens_at": opens, "closes_at": opens + timedelta(days=60), "reviewers_per_proposal": k or 3,
                          "ranking_method": "trimmed", "created_by_id": staff_id, "max_proposals_per_org": 3,
                          "evaluation_criteria": [{"key": "execution", "name": "项目执行", "weight": 100}]})
    bulk(db, Call, call_rows, progress)
    call_ids = list(db.session.scalars(select(Call.id).order_by(Call.id)))
    for row, cid in zip(call_rows, call_ids, strict=True):
        row["id"] = cid
    bulk(db, RubricCriterion, [{"call_id": cid, "position": k, "name": f"评分项{k + 1}", "description": "",
                                "weight": w, "max_score": 10} for cid in call_ids for k, w in enumerate(WEIGHTS)],
         progress)
    criteria = {}
    for cid, crit_id, position in db.session.execute(
            select(RubricCriterion.call_id, RubricCriterion.id, RubricCriterion.position)):
        criteria.setdefault(cid, []).append((position, crit_id))
    for cid in criteria:
        criteria[cid].sort()

    # -- proposals with budget lines ----------------------------------------------------------
    seq = 0
    for c, (title, size, status, k, decided) in enumerate(calls_spec):
        cid = call_ids[c]
        rows, line_rows = [], []
        for i in range(size):
            org = orgs[(seq + i * 7) % len(orgs)]
            draft = status == "closed" and k == 0 and i % 18 == 17  # some drafts left in the open calls
            if draft:
                p_status = "draft"
            elif k:
                p_status = "screened_in"
            elif status == "closed":
                p_status = ("submitted", "submitted", "screened_in", "screened_out")[i % 4]
            else:
                p_status = "not_funded" if i % 10 else "awarded"
            amount = Decimal(30000 + ((seq + i) * 7919) % 70000)
            lines = [{"position": b, "category": ("personnel", "activities", "materials", "travel",
                                                  "administration", "other")[b],
                      "description": f"预算项目{b + 1}", "unit_price": Decimal(500 + b * 100), "quantity": Decimal(10),
                      "total": Decimal(5000 + b * 1000), "funded_by": "grant"} for b in range(6)]
            ptitle = f"{title}·项目{i + 1}"
            submitted = None if draft else NOW - timedelta(days=200 if decided else 30, minutes=i)
            rows.append({"call_id": cid, "organisation_id": org[0], "created_by_id": None, "status": p_status,
                         "title": ptitle, "category": "elderly", "summary": LONG * 2, "need_analysis": LONG * 3,
                         "objectives": LONG * 2, "beneficiaries": LONG, "beneficiary_count": 100 + i % 400,
                         "activities": LONG * 3, "start_date": date(2027, 1, 1), "end_date": date(2027, 12, 31),
                         "amount_requested": amount, "matching_funds": Decimal(5000), "matching_source": "自筹",
                         "submitted_at": submitted, "submission_count": 0 if draft else 1,
                         "snapshot": None if draft else _snapshot(i, ptitle, call_row=call_rows[c], org=org,
                                                                     lines=lines),
                         "created_at": NOW - timedelta(days=220), "updated_at": NOW - timedelta(days=30)})
            line_rows.append(lines)
        bulk(db, Proposal, rows, progress, f"proposals of call {c + 1}")
        pids = list(db.session.scalars(select(Proposal.id).where(Proposal.call_id == cid).order_by(Proposal.id)))
        bulk(db, BudgetLine, [dict(b, proposal_id=p) for p, lines in zip(pids, line_rows, strict=True) for b in lines],
             progress, f"budget lines of call {c + 1}")
        seq += size
    db.session.commit()

    # -- panels, assignments, reviews, scores -------------------------------------------------
    audit: list[dict] = []
    for c, (_title, _size, _status, k, _decided) in enumerate(calls_spec):
        if not k:
            continue
        cid = call_ids[c]
        panel = reviewer_ids[(c * 13) % 20:(c * 13) % 20 + PANEL_SIZE]
        if reviewer_ids[0] not in panel:
            panel = [reviewer_ids[0], *panel[:-1]]
        bulk(db, PanelMember, [{"call_id": cid, "reviewer_id": r, "affiliation": "嘉兴学院", "added_at": NOW}
                               for r in panel], progress)
        pids = list(db.session.scalars(select(Proposal.id).where(Proposal.call_id == cid).order_by(Proposal.id)))
        pairs = [(p, panel[(i * k + j) % len(panel)]) for i, p in enumerate(pids) for j in range(k)]
        at = NOW - timedelta(days=20)
        bulk(db, ReviewAssignment, [{"proposal_id": p, "reviewer_id": r, "status": "cleared", "assigned_at": at,
                                     "declared_at": at, "assigned_by_id": staff_id} for p, r in pairs], progress)
        crit = [cr for _pos, cr in criteria[cid]]
        crit_objs = [type("C", (), {"id": cr, "weight": w, "max_score": 10})() for cr, w in zip(crit, WEIGHTS,
                                                                                                  strict=True)]
        reviews, scores = [], {}
        for m, (p, r) in enumerate(pairs):
            bias = -2 if r % 7 == 0 else (2 if r % 7 == 1 else 0)
            values = {cr: Decimal(max(0, min(20, 12 + bias + (p * 31 + r * 17 + pos * 5) % 9 - 4))) / 2
                      for pos, cr in enumerate(crit)}
            scores[(p, r)] = values
            reviews.append({"proposal_id": p, "reviewer_id": r, "status": "submitted", "overall_comment": LONG,
                            "recommendation": "fund", "weighted_total": weighted_total(crit_objs, values),
                            "submitted_at": NOW - timedelta(days=5, minutes=m), "created_at": at, "updated_at": at})
        bulk(db, Review, reviews, progress)
        review_ids = {(p, r): i for i, p, r in db.session.execute(
            select(Review.id, Review.proposal_id, Review.reviewer_id)
            .where(Review.proposal_id.in_(select(Proposal.id).where(Proposal.call_id == cid))))}
        bulk(db, CriterionScore, [{"review_id": review_ids[key], "criterion_id": cr, "score": s, "comment": "合理"}
                                  for key, values in scores.items() for cr, s in values.items()], progress)
        audit += [{"at": at, "actor_id": r, "object_type": "review", "object_id": review_ids[(p, r)],
                   "action": "review.submit", "from_status": "draft", "to_status": "submitted"} for p, r in pairs]
        audit.append({"at": at, "actor_id": staff_id, "object_type": "call", "object_id": cid,
                      "action": "panel.auto_assign", "data": {"pairs": [[p, r] for p, r in pairs]}})
        db.session.commit()

    # -- awards, contracts, milestones, tranches, reports, payments --------------------------
    for c, (_title, _size, _status, _k, decided) in enumerate(calls_spec):
        if not decided:
            continue
        cid = call_ids[c]
        won = list(db.session.execute(
            select(Proposal.id, Proposal.organisation_id, Proposal.amount_requested)
            .where(Proposal.call_id == cid, Proposal.status == "awarded").order_by(Proposal.id)))
        decided_at = NOW - timedelta(days=150)
        bulk(db, Award, [{"call_id": cid, "proposal_id": p, "organisation_id": o, "status": "confirmed", "amount": a,
                          "decision_note": "", "basis": {"rank": i + 1, "method": "trimmed"},
                          "decided_by_id": staff_id, "decided_at": decided_at, "confirmed_at": decided_at}
                         for i, (p, o, a) in enumerate(won)], progress)
        awards = list(db.session.execute(select(Award.id, Award.organisation_id, Award.amount, Award.proposal_id)
                                         .where(Award.call_id == cid).order_by(Award.id)))
        bulk(db, Contract, [{"award_id": a, "call_id": cid, "organisation_id": o, "number": f"JXGY-S{cid:02d}-{i:05d}",
                             "status": "active", "amount": amt, "starts_on": date(2026, 1, 1),
                             "ends_on": date(2026, 12, 31), "created_by_id": staff_id, "signed_on": date(2025, 12, 20),
                             "activated_at": decided_at, "activated_by_id": staff_id,
                             "announced_on": date(2025, 12, 22)}
                            for i, (a, o, amt, _p) in enumerate(awards)], progress)
        contracts = list(db.session.execute(select(Contract.id, Contract.amount).where(Contract.call_id == cid)
                                            .order_by(Contract.id)))
        bulk(db, Milestone, [{"contract_id": ct, "number": m + 1, "title": ("启动", "中期", "结项")[m],
                              "due_date": date(2026, 3 + 4 * m, 28), "deliverable": "报告", "is_final": m == 2}
                             for ct, _a in contracts for m in range(3)], progress)
        bulk(db, Tranche, [{"contract_id": ct, "number": m + 1, "percentage": (40, 40, 20)[m],
                            "amount": (amt * (40, 40, 20)[m] / 100).quantize(Decimal("0.01")),
                            "condition": ("signing", "milestone", "final")[m],
                            "milestone_number": 2 if m == 1 else None} for ct, amt in contracts for m in range(3)],
             progress)
        milestones = list(db.session.execute(
            select(Milestone.id, Milestone.contract_id).where(Milestone.contract_id.in_([ct for ct, _ in contracts]),
                                                              Milestone.number < 3)))
        bulk(db, Report, [{"milestone_id": m, "contract_id": ct, "status": "accepted", "narrative": LONG,
                           "beneficiaries_served": 120, "submitted_at": decided_at, "reviewed_at": decided_at,
                           "reviewed_by_id": staff_id} for m, ct in milestones], progress)
        tranches = list(db.session.execute(
            select(Tranche.id, Tranche.contract_id, Tranche.amount)
            .where(Tranche.contract_id.in_([ct for ct, _ in contracts]), Tranche.number < 3)))
        bulk(db, Disbursement, [{"tranche_id": t, "contract_id": ct, "status": "paid", "amount": amt,
                                 "requested_by_id": staff_id, "requested_at": decided_at,
                                 "first_approver_id": finance_id, "first_approved_at": decided_at,
                                 "paid_on": date(2026, 2, 1), "payment_reference": f"PAY{t:08d}",
                                 "paid_by_id": finance_id, "paid_at": decided_at} for t, ct, amt in tranches],
             progress)
        audit += [{"at": decided_at, "actor_id": staff_id, "object_type": "award", "object_id": a,
                   "action": "award.confirm", "from_status": "in_notice", "to_status": "confirmed"}
                  for a, _o, _amt, _p in awards]
        audit += [{"at": decided_at, "actor_id": finance_id, "object_type": "disbursement", "object_id": ct,
                   "action": "disbursement.pay", "from_status": "approved", "to_status": "paid"}
                  for _t, ct, _amt in tranches]
        db.session.commit()

    # -- the rest of the audit trail: submissions and screening, up to N_AUDIT events ------------
    proposals = list(db.session.execute(
        select(Proposal.id, Proposal.organisation_id, Proposal.status).where(Proposal.status != "draft")
        .order_by(Proposal.id)))
    owner = {orgs[i][0]: applicant_ids[i] for i in range(n_orgs)}
    i = 0
    target = n(N_AUDIT)
    while len(audit) < target:
        p, o, st = proposals[i % len(proposals)]
        if i < len(proposals):
            audit.append({"at": NOW - timedelta(days=40, minutes=i), "actor_id": owner.get(o),
                          "object_type": "proposal", "object_id": p, "action": "proposal.submit",
                          "from_status": "draft",
                          "to_status": "submitted"})
        else:
            audit.append({"at": NOW - timedelta(days=35, minutes=i), "actor_id": staff_id, "object_type": "proposal",
                          "object_id": p, "action": "proposal.screen", "from_status": "submitted", "to_status": st,
                          "note": "材料齐全"})
        i += 1
    audit.sort(key=lambda e: e["at"])
    for e in audit:
        e.setdefault("data", None)
        e.setdefault("note", None)
        e.setdefault("from_status", None)
        e.setdefault("to_status", None)
    bulk(db, AuditEvent, audit, progress)
    db.session.commit()
    progress.finish()
    return {"calls": [(cid, row["title"], spec[1]) for cid, row, spec in zip(call_ids, call_rows, calls_spec,
                                                                               strict=True)]}


def database_url(sqlite: bool) -> tuple[str, object]:
    """The URL of the scale database, created empty (dropped first when it exists)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from config import _database_url

    if sqlite:
        SQLITE_PATH.parent.mkdir(exist_ok=True)
        SQLITE_PATH.unlink(missing_ok=True)
        return f"sqlite:///{SQLITE_PATH}"
    server = _database_url(os.environ.get("DATABASE_URL") or "postgresql://postgres@127.0.0.1:5432/postgres")
    parsed = make_url(server)
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{DB_NAME}"'))
    admin.dispose()
    return parsed.set(database=DB_NAME).render_as_string(hide_password=False)


def scale_url(sqlite: bool = False) -> str:
    """The URL of the (already filled) scale database, for the load bench."""
    from sqlalchemy.engine import make_url

    from config import _database_url

    if sqlite:
        return f"sqlite:///{SQLITE_PATH}"
    server = _database_url(os.environ.get("DATABASE_URL") or "postgresql://postgres@127.0.0.1:5432/postgres")
    return make_url(server).set(database=DB_NAME).render_as_string(hide_password=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sqlite", action="store_true", help=f"fill {SQLITE_PATH} instead of PostgreSQL")
    parser.add_argument("--factor", type=float, default=1.0, help="scale the sizes (1 = the city)")
    args = parser.parse_args()
    url = database_url(args.sqlite)

    from sqlalchemy import func, select

    from grants import create_app
    from grants.extensions import db
    from grants.models import AuditEvent, BudgetLine, CriterionScore, Organisation, Proposal, Review

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
    start = time.perf_counter()
    with app.app_context():
        db.create_all()
        info = build(db, args.factor)
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("VACUUM ANALYZE")
        else:
            with db.engine.connect() as conn:
                conn.exec_driver_sql("ANALYZE")
        counts = {m.__tablename__: db.session.scalar(select(func.count()).select_from(m))
                  for m in (Organisation, Proposal, BudgetLine, Review, CriterionScore, AuditEvent)}
    print(f"filled {url.split('@')[-1]} in {time.perf_counter() - start:.0f} s: "
          + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
    print("calls: " + "; ".join(f"#{cid} {size} proposals" for cid, _t, size in info["calls"]))
    print(f"logins (password {PASSWORD}): " + json.dumps(LOGINS))


if __name__ == "__main__":
    main()
