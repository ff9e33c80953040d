"""Attachments: type by content, size limits, safe names, storage by hash, permission-checked download."""
from __future__ import annotations

import io
from pathlib import Path

import pytest

from grants.extensions import db
from grants.models import Attachment
from grants.services import ServiceError, files
from grants.services import proposals as service
from tests.factories_proposals import EXE_BYTES, JPEG_BYTES, PDF_BYTES, PNG_BYTES, create_attachment, office_bytes


def _upload(client, proposal, data, name):
    return client.post(f"/proposals/{proposal.id}/attachments", data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


@pytest.mark.parametrize("data, expected", [
    (PDF_BYTES, files.PDF), (PNG_BYTES, files.PNG), (JPEG_BYTES, files.JPEG),
    (office_bytes("word"), files.DOCX), (office_bytes("xl"), files.XLSX),
    (office_bytes("plain"), None), (EXE_BYTES, None), (b"plain text", None), (b"", None),
])
def test_type_is_judged_by_content(data, expected):
    assert files.detect_type(data) == expected


@pytest.mark.parametrize("name, safe", [
    ("../../x.pdf", "x.pdf"), ("..\\..\\windows\\x.pdf", "x.pdf"), ("/etc/passwd", "passwd.pdf"),
    ("项目申报书（终稿）.pdf", "项目申报书（终稿）.pdf"), ("a\x00b<c>.pdf", "a_b_c_.pdf"), ("..", "attachment.pdf"),
    (".hidden.pdf", "hidden.pdf"), ("", "attachment.pdf"),
])
def test_names_are_sanitised(name, safe):
    assert files.sanitise_name(name, files.PDF) == safe


def test_upload_pdf_stored_by_hash_and_downloaded_with_its_name(setup, login, app):
    client = login(setup.user)
    response = _upload(client, setup.draft, PDF_BYTES, "../../x.pdf")
    assert response.status_code == 302
    att = db.session.scalars(db.select(Attachment)).one()
    assert att.original_name == "x.pdf" and att.content_type == files.PDF and att.size == len(PDF_BYTES)
    stored = files.path_for(att.sha256)
    assert stored.read_bytes() == PDF_BYTES
    root = Path(app.config["UPLOAD_ROOT"]).resolve()
    assert root in stored.resolve().parents and "static" not in stored.parts
    assert not (root.parent / "x.pdf").exists()
    download = client.get(f"/proposals/{setup.draft.id}/attachments/{att.id}")
    assert download.status_code == 200 and download.data == PDF_BYTES
    disposition = download.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and "x.pdf" in disposition
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    download.close()


def test_chinese_file_name_survives_download(setup, login):
    att = create_attachment(setup.draft, name="项目预算表.pdf")
    response = login(setup.user).get(f"/proposals/{setup.draft.id}/attachments/{att.id}")
    response.close()
    assert "filename*=UTF-8''%E9%A1%B9%E7%9B%AE" in response.headers["Content-Disposition"]


def test_exe_renamed_pdf_is_refused_beside_the_field(setup, login):
    response = _upload(login(setup.user), setup.draft, EXE_BYTES, "申报书.pdf")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "不接受此文件类型。请上传 PDF、JPEG、PNG、DOCX 或 XLSX 文件。" in html and 'id="file-error"' in html
    assert db.session.scalar(db.select(db.func.count()).select_from(Attachment)) == 0


def test_zip_that_is_not_office_is_refused(setup, login):
    response = _upload(login(setup.user), setup.draft, office_bytes("plain"), "表格.xlsx")
    assert response.status_code == 422


def test_eleven_megabytes_gets_the_friendly_413_page(setup, login):
    from werkzeug.datastructures import FileStorage
    from werkzeug.test import encode_multipart

    client = login(setup.user)
    big = PDF_BYTES + b"0" * (11 * 1024 * 1024)
    # Encoded in memory (the test client would spool a large body to an unclosed temporary file).
    boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(big), "big.pdf")})
    response = client.post(f"/proposals/{setup.draft.id}/attachments", data=body,
                           content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 413
    assert "文件过大" in response.get_data(as_text=True) or "10 MB" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(Attachment)) == 0


def test_just_over_ten_megabytes_is_a_field_error(setup, english):
    data = PDF_BYTES + b"0" * (files.MAX_FILE_BYTES + 1 - len(PDF_BYTES))
    with pytest.raises(ServiceError) as exc:
        service.add_attachment(setup.user, setup.draft, "a.pdf", data)
    assert exc.value.field_errors == {"file": ["The file is larger than 10 MB."]}


def test_at_most_ten_files(setup, english):
    for i in range(10):
        service.add_attachment(setup.user, setup.draft, f"{i}.pdf", PDF_BYTES + str(i).encode())
    with pytest.raises(ServiceError, match="at most 10 files"):
        service.add_attachment(setup.user, setup.draft, "11.pdf", PDF_BYTES)


def test_identical_files_share_storage_and_removal_keeps_the_other(setup, login):
    a = service.add_attachment(setup.user, setup.draft, "a.pdf", PDF_BYTES)
    b = service.add_attachment(setup.user, setup.draft, "b.pdf", PDF_BYTES)
    assert a.sha256 == b.sha256
    client = login(setup.user)
    assert client.post(f"/proposals/{setup.draft.id}/attachments/{a.id}/delete").status_code == 302
    assert files.path_for(b.sha256).exists()
    client.post(f"/proposals/{setup.draft.id}/attachments/{b.id}/delete")
    assert not files.path_for(b.sha256).exists()


def test_files_frozen_after_submission(setup, english):
    from tests.factories import create_proposal

    submitted = create_proposal(setup.call, setup.org, status="submitted")
    with pytest.raises(ServiceError, match="only be added to a draft"):
        service.add_attachment(setup.user, submitted, "a.pdf", PDF_BYTES)


def test_attachment_of_another_proposal_is_404_through_this_one(setup, login):
    from tests.factories import create_proposal

    other = create_proposal(setup.call, setup.org_b, status="submitted")
    att_b = create_attachment(other)
    client = login(setup.user)
    assert client.get(f"/proposals/{setup.draft.id}/attachments/{att_b.id}").status_code == 404
    assert client.get(f"/proposals/{other.id}/attachments/{att_b.id}").status_code == 404
