"""The public side of a call (issue 9.12): countdown to the deadline, contact person, guide and
template files staff attach; the site footer and the favicon."""
from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from urllib.parse import quote

import pytest
from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from grants.extensions import db
from grants.models import AuditEvent, Call, CallAttachment
from grants.services import call_site
from grants.sqlcount import recorded_statements
from grants.timeutil import end_of_local_day, start_of_local_day
from tests.factories import create_call, create_user
from tests.factories_calls import call_form
from tests.factories_proposals import EXE_BYTES, PDF_BYTES, office_bytes

NOW = datetime(2026, 11, 28, 2, 0, tzinfo=UTC)


@pytest.fixture
def clock(monkeypatch):
    """Freeze the time the countdown is computed at."""
    monkeypatch.setattr(call_site, "now_utc", lambda: NOW)
    return NOW


@pytest.fixture
def staff_client(login):
    return login(create_user("staff", name="王晓燕"))


# -- countdown -----------------------------------------------------------------------------
def test_time_left_counts_whole_days_and_hours():
    assert call_site.time_left(NOW + timedelta(days=3, hours=5, minutes=59), NOW) == call_site.TimeLeft(3, 5, False)
    assert call_site.time_left(NOW + timedelta(minutes=30), NOW) == call_site.TimeLeft(0, 0, False)
    assert call_site.time_left(NOW, NOW).closed
    assert call_site.time_left(NOW - timedelta(seconds=1), NOW).closed


def test_public_page_shows_days_and_hours_left(client, clock):
    call = create_call(status="open", opens_at=NOW - timedelta(days=5), closes_at=NOW + timedelta(days=12, hours=7))
    html = client.get(f"/public/calls/{call.id}").get_data(as_text=True)
    assert "还剩 12 天 7 小时" in html
    assert 'id="call-countdown"' in html and f'data-deadline="{call.closes_at.isoformat()}"' in html
    assert "countdown.js" in html


def test_countdown_in_english_uses_plurals(client, clock):
    call = create_call(status="open", opens_at=NOW - timedelta(days=5), closes_at=NOW + timedelta(days=1, hours=2))
    client.post("/lang/en", data={"next": "/"})
    html = client.get(f"/public/calls/{call.id}").get_data(as_text=True)
    assert "1 day 2 hours left" in html


@pytest.mark.parametrize("status, closes_in", [("open", -timedelta(minutes=1)), ("closed", timedelta(days=3))])
def test_countdown_says_closed(client, clock, status, closes_in):
    call = create_call(status=status, opens_at=NOW - timedelta(days=30), closes_at=NOW + closes_in)
    html = client.get(f"/public/calls/{call.id}").get_data(as_text=True)
    assert '<strong class="countdown-text" id="call-countdown-text">已截止</strong>' in html


# -- contact person ------------------------------------------------------------------------
def test_contact_person_entered_on_the_form_is_shown_publicly(staff_client, client):
    data = call_form(contact_name="李晓燕", contact_phone="0573-82071234", contact_email="lixy@jxmz.gov.cn")
    response = staff_client.post("/calls/new", data=data)
    assert response.status_code == 302
    call_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    staff_client.post(f"/calls/{call_id}/step/open")
    html = client.get(f"/public/calls/{call_id}").get_data(as_text=True)
    assert "李晓燕" in html and 'href="tel:0573-82071234"' in html and "mailto:lixy@jxmz.gov.cn" in html


def test_contact_can_change_after_the_call_opens(staff_client, client):
    # whole minutes, as the form shows them (the factory's default times carry seconds)
    call = create_call(status="open", contact_name="李晓燕", opens_at=start_of_local_day(date(2026, 11, 1)),
                       closes_at=end_of_local_day(date(2027, 1, 31)))
    edit = staff_client.get(f"/calls/{call.id}/edit").get_data(as_text=True)
    assert 'value="李晓燕"' in edit
    response = staff_client.post(f"/calls/{call.id}/edit", data={
        "title": call.title, "description": call.description, "review_settings": "1",
        "show_scores_after_submit": "y", "contact_name": "张敏", "contact_phone": "0573-82079999",
        "contact_email": ""})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    db.session.expire_all()
    assert (call.contact_name, call.contact_phone) == ("张敏", "0573-82079999")
    assert "张敏" in client.get(f"/public/calls/{call.id}").get_data(as_text=True)


def test_bad_contact_email_is_refused_beside_the_field(staff_client):
    response = staff_client.post("/calls/new", data=call_form(contact_email="不是邮箱"))
    assert response.status_code == 200  # the call form answers its errors with 200 (tests/calls/test_call_forms.py)
    html = response.get_data(as_text=True)
    assert "请填写电子邮箱地址，例如 name@example.org。" in html
    assert db.session.scalar(select(Call.id)) is None


# -- guide and template files --------------------------------------------------------------
def _upload(client, call, data, name, title=""):
    # Encoded in memory (the test client would spool a large body to an unclosed temporary file).
    boundary, body = encode_multipart({"title": title, "file": FileStorage(io.BytesIO(data), name)})
    return client.post(f"/calls/{call.id}/files", data=body, content_type=f"multipart/form-data; boundary={boundary}")


def test_staff_attach_a_guide_and_anyone_downloads_it_under_its_chinese_name(staff_client, app):
    call = create_call(status="open")
    response = _upload(staff_client, call, PDF_BYTES, "2027年申报指南.pdf", title="申报指南")
    assert response.status_code == 302 and response.headers["Location"].endswith("#call-files")
    docx = office_bytes("word")
    assert _upload(staff_client, call, docx, "申报书模板.docx").status_code == 302
    staff_page = staff_client.get(f"/calls/{call.id}").get_data(as_text=True)
    assert "申报指南" in staff_page and "2027年申报指南.pdf" in staff_page
    staff_client.post("/auth/logout")

    public = app.test_client()
    html = public.get(f"/public/calls/{call.id}").get_data(as_text=True)
    files = db.session.scalars(select(CallAttachment).order_by(CallAttachment.id)).all()
    assert [f.title for f in files] == ["申报指南", "申报书模板"]  # the file name when no title
    assert f'/public/calls/{call.id}/files/{files[0].id}' in html and "申报书模板" in html
    response = public.get(f"/public/calls/{call.id}/files/{files[0].id}")
    body = response.get_data()
    response.close()
    assert response.status_code == 200 and body == PDF_BYTES
    assert response.headers["Content-Type"] == "application/pdf"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and f"filename*=UTF-8''{quote('2027年申报指南.pdf')}" in disposition
    word = public.get(f"/public/calls/{call.id}/files/{files[1].id}")
    word_body = word.get_data()
    word.close()
    assert word_body == docx and quote("申报书模板.docx") in word.headers["Content-Disposition"]
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("call.%"))).all()
    assert actions.count("call.attach") == 2


@pytest.mark.parametrize("data, name, message", [
    (EXE_BYTES, "指南.pdf", "不接受此文件类型"),
    (b"", "指南.pdf", "文件为空"),
    (b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024), "大文件.pdf", "10 MB"),
])
def test_refused_uploads_say_why(staff_client, data, name, message):
    call = create_call(status="open")
    response = _upload(staff_client, call, data, name)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(CallAttachment.id)) is None


def test_staff_remove_a_file(staff_client, client):
    call = create_call(status="open")
    _upload(staff_client, call, PDF_BYTES, "申报指南.pdf")
    attachment = db.session.scalar(select(CallAttachment))
    response = staff_client.post(f"/calls/{call.id}/files/{attachment.id}/delete")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(CallAttachment.id)) is None
    assert "已从征集中移除" in staff_client.get(f"/calls/{call.id}").get_data(as_text=True)
    staff_client.post("/auth/logout")
    assert client.get(f"/public/calls/{call.id}/files/{attachment.id}").status_code == 404
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "call.detach"))
    assert event.data["name"] == "申报指南.pdf"


def test_files_of_a_draft_call_are_not_public(staff_client, app):
    call = create_call(status="draft")
    _upload(staff_client, call, PDF_BYTES, "申报指南.pdf")
    attachment = db.session.scalar(select(CallAttachment))
    assert app.test_client().get(f"/public/calls/{call.id}/files/{attachment.id}").status_code == 404


def test_a_file_of_another_call_is_not_found(staff_client, client):
    call, other = create_call(status="open"), create_call(status="open")
    _upload(staff_client, call, PDF_BYTES, "申报指南.pdf")
    attachment = db.session.scalar(select(CallAttachment))
    assert client.get(f"/public/calls/{other.id}/files/{attachment.id}").status_code == 404


def test_public_call_page_statements_do_not_grow_with_files(staff_client, app):
    call = create_call(status="open")
    _upload(staff_client, call, PDF_BYTES, "指南1.pdf")
    public = app.test_client()

    def count():
        with recorded_statements(db.engine) as statements:
            assert public.get(f"/public/calls/{call.id}").status_code == 200
        return len(statements)

    few = count()
    for i in range(5):
        _upload(staff_client, call, PDF_BYTES + str(i).encode(), f"指南{i + 2}.pdf")
    assert count() == few


# -- footer and favicon --------------------------------------------------------------------
def test_footer_lines_come_from_the_settings(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "SITE_ICP", "浙ICP备12345678号-1")
    monkeypatch.setitem(app.config, "SITE_PSB", "浙公网安备33040202000123号")
    monkeypatch.setitem(app.config, "SITE_CODE", "3304000012")
    monkeypatch.setitem(app.config, "SITE_PHONE", "0573-82070000")
    monkeypatch.setitem(app.config, "SITE_EMAIL", "")
    html = client.get("/").get_data(as_text=True)
    footer = html[html.index('id="site-footer"'):]
    for text in ("主办单位：" + app.config["SITE_SPONSOR"], "地址：" + app.config["SITE_ADDRESS"],
                 '联系电话：<a href="tel:0573-82070000">0573-82070000</a>', "浙ICP备12345678号-1",
                 "浙公网安备33040202000123号", "网站标识码：3304000012"):
        assert text in footer, text
    assert 'id="footer-email"' not in footer  # an empty setting leaves its line out


def test_favicon_answers_and_is_linked(client):
    response = client.get("/favicon.ico")
    icon = response.get_data()
    response.close()
    assert response.status_code == 200 and icon[:4] == b"\x00\x00\x01\x00"
    assert response.mimetype == "image/vnd.microsoft.icon"
    html = client.get("/").get_data(as_text=True)
    assert 'rel="icon" href="/static/favicon.svg"' in html
    svg = client.get("/static/favicon.svg")
    svg_body = svg.get_data()
    svg.close()
    assert svg.status_code == 200 and b"<svg" in svg_body
