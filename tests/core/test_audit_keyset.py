"""The audit log at scale (issue 14): pages by keyset (?before=<id>), no COUNT, no OFFSET; the
"Who" filter lists staff-side accounts, not every applicant."""
from __future__ import annotations

import re

from grants.models import AuditEvent
from grants.services import audit as audit_service
from grants.services import proposals
from tests.factories import create_call, create_org, create_proposal, create_user


def test_older_links_walk_the_whole_log_once(login, monkeypatch):
    monkeypatch.setattr(audit_service, "AUDIT_PAGE_SIZE", 4)
    staff = create_user("staff")
    call = create_call(status="closed")
    for i in range(9):
        proposals.screen(staff, create_proposal(call, create_org(), status="submitted", title=f"键集项目{i}"), True)
    client = login(create_user("admin"))
    total = AuditEvent.query.count()
    seen, url, pages = [], "/admin/audit", 0
    while url:
        html = client.get(url).get_data(as_text=True)
        table = html[html.index('id="audit-log"'):]
        seen += re.findall(r"键集项目\d", table)
        pages += 1
        assert (pages > 1) == ("rel=\"first\"" in html)
        match = re.search(r'href="([^"]*before=\d+[^"]*)" rel="next"', html)
        url = match.group(1).replace("&amp;", "&") if match else None
    assert pages == -(-total // 4)                       # every event on exactly one page
    assert sorted(seen) == sorted(f"键集项目{i}" for i in range(9))


def test_who_filter_lists_staff_side_accounts_and_the_selected_one(login):
    admin = create_user("admin", name="系统管理员甲")
    create_user("staff", name="审核员乙")
    applicant = create_user("applicant", name="申报人丙")
    client = login(admin)
    html = client.get("/admin/audit").get_data(as_text=True)
    assert "审核员乙" in html and "申报人丙" not in html
    html = client.get(f"/admin/audit?actor_id={applicant.id}").get_data(as_text=True)
    assert f'<option value="{applicant.id}" selected>申报人丙</option>' in html
