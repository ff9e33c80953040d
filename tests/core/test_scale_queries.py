"""Issue 14: every page the scale bench drives (bench/load.py) sends the same number of SQL
statements with 10 and with 200 rows in its tables, and at most 12."""
from __future__ import annotations

import pytest

from grants.extensions import db
from grants.sqlcount import recorded_statements
from tests.factories import PASSWORD, create_applicant, create_call, create_org, create_proposal, create_user
from tests.factories_panel import add_to_panel, create_reviewer
from tests.factories_reviews import cleared, create_review

LIMIT = 12


def build(n: int, staff: dict) -> dict:
    """A closed call of n proposals under review (n organisations), a panel of n/5 reviewers, one
    submitted review per proposal, a reviewer with n assignments, and an applicant organisation
    with proposals in n/10 calls."""
    call = create_call(status="closed", reviewers_per_proposal=1, title=f"规模测试征集{n}")
    panel = [create_reviewer(name=f"规模专家{n}-{i}") for i in range(max(2, n // 5))]
    add_to_panel(call, *panel)
    busy = create_reviewer(name=f"忙碌专家{n}")
    add_to_panel(call, busy)
    proposals = []
    for i in range(n):
        p = create_proposal(call, create_org(name=f"规模机构{n}-{i}"), status="screened_in", title=f"规模项目{n}-{i}")
        create_review(p, cleared(p, panel[i % len(panel)]), total=60 + i % 40)
        cleared(p, busy)
        proposals.append(p)
    org = create_org(name=f"申报人所在机构{n}")
    people = dict(staff, reviewer=busy, applicant=create_applicant(org))
    for k in range(max(1, n // 10)):
        create_proposal(create_call(status="open", title=f"申报人征集{n}-{k}"), org, status="submitted",
                        title=f"本机构项目{n}-{k}")
    db.session.commit()
    return {"call": call.id, "proposal": proposals[0].id, "people": people}


def pages(w):
    c, p = w["call"], w["proposal"]
    return [
        ("staff", "/organisations/"), ("staff", f"/proposals/calls/{c}/screening"),
        ("staff", f"/proposals/calls/{c}/screening?q=规模项目"), ("staff", f"/panel/calls/{c}"),
        ("staff", f"/panel/calls/{c}/assignments"), ("staff", f"/reviews/calls/{c}/ranking"),
        ("staff", f"/reviews/proposals/{p}/scores"), ("staff", "/reviews/"), ("staff", f"/proposals/{p}"),
        ("admin", "/admin/audit"), ("reviewer", "/panel/queue"), ("applicant", "/proposals/"),
        ("applicant", "/dashboard"), ("staff", "/dashboard"),
    ]


@pytest.fixture
def staff():
    return {"staff": create_user("staff"), "admin": create_user("admin")}


def _count(app, people, role, path):
    client = app.test_client()
    response = client.post("/auth/login", data={"email": people[role].email, "password": PASSWORD})
    assert response.status_code == 302
    client.get(path)
    db.session.expire_all()
    with recorded_statements(db.engine) as seen:
        response = client.get(path)
    assert response.status_code == 200, path
    return seen


def test_scale_pages_send_a_constant_number_of_statements(app, staff):
    small, big = build(10, staff), build(200, staff)
    report = []
    for (role, small_path), (_role, big_path) in zip(pages(small), pages(big), strict=True):
        few = _count(app, small["people"], role, small_path)
        many = _count(app, big["people"], role, big_path)
        report.append((small_path, len(few), len(many)))
        assert len(few) == len(many), f"{small_path}: {len(few)} vs {len(many)}\n" + "\n".join(many)
    too_many = [r for r in report if r[2] > LIMIT]
    assert not too_many, report
