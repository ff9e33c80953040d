"""The audit log page (issue 9.8): names and links instead of `user #1`, translated actions and
statuses, filters by who / object / action / dates, and an export of what is shown."""
from __future__ import annotations

import csv
import io
from datetime import date

from grants.extensions import db
from grants.services import proposals
from grants.sqlcount import recorded_statements
from tests.factories import create_call, create_org, create_proposal, create_user


def _screened(staff, n):
    call = create_call(status="closed")
    out = []
    for i in range(n):
        p = create_proposal(call, create_org(), status="submitted", title=f"审计日志项目{i}")
        proposals.screen(staff, p, True)
        out.append(p)
    return out


def test_names_links_and_translated_statuses(login):
    admin = create_user("admin", name="系统管理员")
    staff = create_user("staff", name="陈主任")
    (proposal,) = _screened(staff, 1)
    html = login(admin).get("/admin/audit").get_data(as_text=True)
    table = html[html.index('id="audit-log"'):]
    assert f'href="/proposals/{proposal.id}"' in table and "审计日志项目0" in table
    assert "陈主任" in table and "已提交 → 资格审核通过" in table
    assert "proposal #" not in table and "screened_in" not in table and "proposal.screen_pass" not in table


def test_filters_and_export(login):
    admin = create_user("admin")
    staff = create_user("staff", name="王审核")
    other = create_user("staff", name="李审核")
    _screened(staff, 2)
    _screened(other, 1)
    client = login(admin)
    html = client.get(f"/admin/audit?actor_id={other.id}&action=proposal.screen_pass").get_data(as_text=True)
    table = html[html.index('id="audit-log"'):]
    assert table.count("<tr>") - 1 == 1 and "李审核" in table
    today = date.today().isoformat()
    response = client.get(f"/admin/audit/export.csv?actor_id={staff.id}&object_type=proposal&since={today}")
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert len(rows) == 3 and {r[1] for r in rows[1:]} == {"王审核"}
    assert rows[1][2].startswith("审计日志项目") and (rows[1][4], rows[1][5]) == ("已提交", "资格审核通过")
    assert client.get("/admin/audit?since=2999-01-01").get_data(as_text=True).count("没有符合条件的记录") == 1


def test_audit_page_statements_do_not_grow_with_rows(login):
    admin = create_user("admin")
    staff = create_user("staff")
    client = login(admin)
    _screened(staff, 2)
    client.get("/admin/audit")
    counts = []
    for extra in (0, 8):
        _screened(staff, extra)
        db.session.expire_all()
        with recorded_statements(db.engine) as statements:
            client.get("/admin/audit")
        counts.append(len(statements))
    assert counts[0] == counts[1]
