"""The access matrix's shared world: built once, and every case's changes (including the
commits services make inside requests) are rolled back before the next case."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from grants.extensions import db
from grants.models import AuditEvent
from tests.access import world as shared
from tests.factories import PASSWORD


def test_a_case_sees_none_of_the_previous_cases_changes(app):
    builds = shared._state["builds"]
    with shared.case(app) as w:
        audit_before = db.session.scalar(select(func.count()).select_from(AuditEvent))
        client = app.test_client()
        client.post("/auth/login", data={"email": w.users["staff"].email, "password": PASSWORD})
        response = client.post(f"/calls/{w.call_draft.id}/step/open")
        assert response.status_code == 302
        db.session.expire_all()
        assert w.call_draft.status == "open"  # the service committed (a savepoint release)
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)) > audit_before
        w.p_draft.title = "改过的标题"
        db.session.commit()
        stored = Path(app.config["UPLOAD_ROOT"])
        for path in stored.rglob("*"):
            if path.is_file():
                path.unlink()
    with shared.case(app) as w:
        assert w.call_draft.status == "draft"
        assert w.p_draft.title == "甲组织草稿"
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == audit_before
        client = app.test_client()
        client.post("/auth/login", data={"email": w.users["applicant"].email, "password": PASSWORD})
        download = client.get(f"/proposals/{w.p_draft.id}/attachments/{w.p_file.id}")
        body = download.get_data()
        download.close()
        assert download.status_code == 200 and body.startswith(b"%PDF")
    assert shared._state["builds"] == builds + 1  # built once for both cases
