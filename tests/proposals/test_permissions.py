"""Organisation B cannot list, view, edit or download organisation A's proposals or files (404);
reviewers get nothing through these routes."""
from __future__ import annotations

import io

import pytest

from grants.extensions import db
from grants.models import Attachment, Proposal
from tests.factories import create_proposal, create_user
from tests.factories_proposals import PDF_BYTES, create_attachment


@pytest.fixture
def a_things(setup):
    submitted = create_proposal(setup.call, setup.org, status="submitted", title="甲组织的秘密项目")
    att = create_attachment(setup.draft)
    return setup, submitted, att


def _urls(s, submitted, att):
    d = s.draft.id
    return [
        ("GET", f"/proposals/{d}"), ("GET", f"/proposals/{d}/edit"), ("POST", f"/proposals/{d}/edit"),
        ("POST", f"/proposals/{d}/submit"), ("POST", f"/proposals/{submitted.id}/withdraw"),
        ("POST", f"/proposals/{d}/attachments"), ("GET", f"/proposals/{d}/attachments/{att.id}"),
        ("POST", f"/proposals/{d}/attachments/{att.id}/delete"), ("POST", f"/proposals/{submitted.id}/screen"),
        ("GET", f"/proposals/{submitted.id}"),
    ]


def test_org_b_gets_404_everywhere(a_things, login):
    s, submitted, att = a_things
    client = login(s.user_b)
    for method, url in _urls(s, submitted, att):
        data = {"title": "乙改甲", "file": (io.BytesIO(PDF_BYTES), "x.pdf"),
                "decision": "pass"} if method == "POST" else None
        response = client.open(url, method=method, data=data)
        response.close()
        assert response.status_code == 404, (method, url, response.status_code)
    listing = client.get("/proposals/").get_data(as_text=True)
    assert "甲组织的秘密项目" not in listing and "长者食堂助餐服务" not in listing
    db.session.expire_all()
    assert db.session.get(Proposal, s.draft.id).title == "长者食堂助餐服务"
    assert db.session.scalar(db.select(db.func.count()).select_from(Attachment)) == 1


def test_reviewer_gets_404_on_proposals_and_on_screening(a_things, login):
    s, submitted, att = a_things
    client = login(create_user("reviewer"))
    for method, url in _urls(s, submitted, att):
        response = client.open(url, method=method, data={} if method == "POST" else None)
        response.close()
        assert response.status_code == 404, (method, url)
    # a call's screening page is staff work: to others it is not there, like a missing call's
    assert client.get(f"/proposals/calls/{s.call.id}/screening").status_code == 404
    assert client.get(f"/proposals/calls/{s.call.id + 1000}/screening").status_code == 404


def test_own_list_shows_own_proposals(a_things, login):
    s, submitted, att = a_things
    listing = login(s.user).get("/proposals/").get_data(as_text=True)
    assert "甲组织的秘密项目" in listing and "长者食堂助餐服务" in listing


def test_staff_sees_detail_and_downloads_but_cannot_edit(a_things, login):
    s, submitted, att = a_things
    client = login(s.staff)
    assert "甲组织的秘密项目" in client.get(f"/proposals/{submitted.id}").get_data(as_text=True)
    response = client.get(f"/proposals/{s.draft.id}/attachments/{att.id}")
    response.close()
    assert response.status_code == 200
    assert client.get(f"/proposals/{s.draft.id}/edit").status_code == 403
