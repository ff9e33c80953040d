"""The demo's public side: contacts on the demo calls and a budget template on the open call."""
from __future__ import annotations

from sqlalchemy import func, select

from grants.extensions import db
from grants.models import CallAttachment
from grants.seed import calls, core, site
from grants.services.files import XLSX, detect_type


def test_site_seed_adds_contacts_and_a_template_once(client):
    ctx = {"logins": []}
    core.run(ctx)
    calls.run(ctx)
    site.run(ctx)
    site.run(ctx)
    assert ctx["open_call"].contact_name == "李晓燕" and ctx["closed_call"].contact_phone == "0573-82071235"
    assert db.session.scalar(select(func.count()).select_from(CallAttachment)) == 1
    attachment = db.session.scalar(select(CallAttachment))
    assert attachment.original_name == "项目预算表模板.xlsx" and attachment.content_type == XLSX
    assert detect_type(site.budget_template()) == XLSX
    html = client.get(f"/public/calls/{ctx['open_call'].id}").get_data(as_text=True)
    assert "项目预算表模板" in html and "李晓燕" in html
