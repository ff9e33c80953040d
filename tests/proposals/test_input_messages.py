"""Bad input answered in the UI language: WTForms' own messages in row forms, undecodable form
text refused, an empty upload named as empty."""
from __future__ import annotations

import io

import pytest
from flask import request
from wtforms import Form as PlainForm

import grants.calls.forms
import grants.proposals.forms
from grants.extensions import db
from grants.forms import RowForm
from grants.models import Attachment, Organisation, Proposal
from tests.core.test_registration import form as registration_form
from tests.proposals.conftest import full_form
from tests.proposals.test_editing import errors_of


def test_an_over_long_budget_line_is_refused_in_chinese(setup, login):
    client = login(setup.user)
    response = client.post(f"/proposals/{setup.draft.id}/edit",
                           data=full_form(**{"budget_lines-0-description": "长" * 301}), follow_redirects=True)
    html = response.get_data(as_text=True)
    assert errors_of(html, "budget_lines-0-description") == ["字段长度不能超过 300 个字符。"]
    assert "Field cannot be longer" not in html


def test_the_same_row_message_in_english_for_english_users(setup, login):
    client = login(setup.user)
    client.post("/lang/en", data={"next": "/"})
    response = client.post(f"/proposals/{setup.draft.id}/edit",
                           data=full_form(**{"budget_lines-0-description": "长" * 301}), follow_redirects=True)
    assert errors_of(response.get_data(as_text=True), "budget_lines-0-description") == [
        "Field cannot be longer than 300 characters."]


def _row_forms():
    found = []
    for module in (grants.calls.forms, grants.proposals.forms):
        for value in vars(module).values():
            if (isinstance(value, type) and issubclass(value, PlainForm) and value.__module__ == module.__name__
                    and not hasattr(value, "validate_on_submit")):  # not a FlaskForm
                found.append(value)
    return found


@pytest.mark.parametrize("form_class", _row_forms(), ids=lambda c: c.__name__)
def test_every_row_form_speaks_the_ui_language(app, form_class):
    assert issubclass(form_class, RowForm), f"{form_class.__name__} gives WTForms messages in English only"
    with app.test_request_context("/", method="POST", data={}):
        form = form_class(formdata=request.form)
        translations = form.meta.get_translations(form)
        assert translations.gettext("Not a valid choice.") == "不是有效的选择。"


def test_invalid_utf8_in_a_form_is_refused_with_a_message_and_nothing_stored(client):
    body = "&".join(f"{k}={v}" for k, v in registration_form(email="utf8@example.org").items()
                    if k not in ("name",)) + "&name=%E5%98%89%E5%85"  # 嘉 then half a character
    response = client.post("/organisations/register", data=body.encode(),
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert "不是有效的 UTF-8 编码" in response.get_data(as_text=True)
    assert db.session.query(Organisation).count() == 0


def test_valid_percent_encoded_chinese_is_accepted(client):
    from urllib.parse import urlencode

    fields = {k: v for k, v in registration_form(email="ok@example.org").items() if k != "certificate"}
    response = client.post("/organisations/register", data=urlencode(fields),
                           content_type="application/x-www-form-urlencoded")
    # An urlencoded body cannot carry the certificate scan: the form comes back with the decoded
    # Chinese kept in its fields and only the scan asked for.
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'value="嘉兴市新青年社工服务中心"' in page
    assert "登记证书" in page and 'id="certificate-error"' in page and "UTF-8" not in page


def test_invalid_utf8_in_a_multipart_field_is_refused_too(setup, login):
    client = login(setup.user)
    boundary = "xYzZY"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\n".encode()
            + "标题".encode() + b"\xe5\x98\r\n" + f"--{boundary}--\r\n".encode())
    response = client.post(f"/proposals/{setup.draft.id}/edit", data=body,
                           content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 400
    assert "\ufffd" not in (db.session.get(Proposal, setup.draft.id).title or "")


def test_a_zero_byte_upload_says_the_file_is_empty(setup, login):
    client = login(setup.user)
    response = client.post(f"/proposals/{setup.draft.id}/attachments",
                           data={"file": (io.BytesIO(b""), "申报书.pdf")}, content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert "文件为空" in html and "请选择文件" not in html
    assert db.session.query(Attachment).count() == 0


def test_no_file_chosen_still_asks_for_one(setup, login):
    client = login(setup.user)
    response = client.post(f"/proposals/{setup.draft.id}/attachments",
                           data={"file": (io.BytesIO(b""), "")}, content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert "文件为空" not in html
    assert "请选择" in html


@pytest.mark.parametrize("raw", [b"q=%E5%98", b"q=%FF", b"q=\xe5\x98", b"%E5%98=x"], ids=("half", "ff", "raw", "key"))
def test_any_undecodable_url_encoded_body_is_a_clear_400(client, raw):
    response = client.post("/auth/login", data=b"email=a%40b.c&password=x&" + raw,
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert "不是有效的 UTF-8 编码" in response.get_data(as_text=True)
