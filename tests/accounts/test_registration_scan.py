"""Registration takes the 登记证书 scan (the one upload rule, PDF/JPEG/PNG) and the privacy
notice; staff and the organisation's own members download the scan, nobody else."""
from __future__ import annotations

import io

import pytest

from grants.extensions import db
from grants.models import Membership, Organisation, StoredFile, User
from grants.services import accounts
from tests.core.test_registration import CERTIFICATE_PNG, form
from tests.factories import create_applicant, create_org, create_user
from tests.factories_proposals import JPEG_BYTES, PDF_BYTES, office_bytes

DOCX = b"PK\x03\x04" + b"\x00" * 30  # not even a real zip: refused by content


def _kept_fields(page: str) -> None:
    assert 'value="嘉兴市新青年社工服务中心"' in page and 'value="lina@example.org"' in page
    assert 'value="0573-82000000"' in page


def test_a_registration_stores_the_scan_the_privacy_acceptance_and_makes_the_admin(client):
    create_user("staff")
    assert client.post("/organisations/register", data=form()).status_code == 302
    org = db.session.query(Organisation).one()
    stored = db.session.get(StoredFile, org.certificate_file_id)
    assert stored.content_type == "image/png" and stored.size == len(CERTIFICATE_PNG)
    assert org.certificate_name == "登记证书.png"
    user = db.session.query(User).filter_by(email="lina@example.org").one()
    assert user.privacy_version == accounts.PRIVACY_VERSION and user.privacy_accepted_at is not None
    assert db.session.query(Membership).filter_by(user_id=user.id).one().is_admin


@pytest.mark.parametrize("data, name, content_type", [
    (PDF_BYTES, "证书.pdf", "application/pdf"), (JPEG_BYTES, "证书.jpg", "image/jpeg")])
def test_pdf_and_jpeg_scans_are_accepted(client, data, name, content_type):
    assert client.post("/organisations/register", data=form(certificate=(io.BytesIO(data), name))).status_code == 302
    org = db.session.query(Organisation).one()
    assert org.certificate_file.content_type == content_type and org.certificate_name == name


def test_without_a_scan_the_form_says_so_and_keeps_the_other_fields(client):
    response = client.post("/organisations/register", data=form(certificate=None))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="certificate-error"' in page and "请上传登记证书扫描件" in page
    _kept_fields(page)
    assert db.session.query(Organisation).count() == 0


@pytest.mark.parametrize("data, name", [
    (DOCX, "登记证书.docx"),
    (b"just some text, not a scan", "登记证书.png"),
    (b"%PDX-1.4 not a pdf", "登记证书.pdf"),
])
def test_a_wrong_file_type_is_refused_beside_the_field(client, data, name):
    response = client.post("/organisations/register", data=form(certificate=(io.BytesIO(data), name)))
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="certificate-error"' in page and "不接受此文件类型" in page
    _kept_fields(page)
    assert db.session.query(Organisation).count() == 0 and db.session.query(StoredFile).count() == 0


def test_a_word_document_is_not_a_certificate_even_though_attachments_take_it(client):
    response = client.post("/organisations/register",
                           data=form(certificate=(io.BytesIO(office_bytes("word")), "登记证书.docx")))
    assert "请以 PDF、JPEG 或 PNG 格式上传登记证书" in response.get_data(as_text=True)


def test_an_oversized_scan_is_refused(client, app):
    from werkzeug.datastructures import FileStorage
    from werkzeug.test import encode_multipart

    big = CERTIFICATE_PNG + b"\x00" * (10 * 1024 * 1024)
    fields = {k: v for k, v in form().items() if k != "certificate"}
    # Encoded in memory (the test client would spool a large body to an unclosed temporary file).
    boundary, body = encode_multipart({**fields, "certificate": FileStorage(io.BytesIO(big), "big.png")})
    response = client.post("/organisations/register", data=body,
                           content_type=f"multipart/form-data; boundary={boundary}")
    assert "10 MB" in response.get_data(as_text=True)
    assert db.session.query(Organisation).count() == 0


def test_the_privacy_box_must_be_ticked(client):
    data = form()
    del data["privacy"]
    response = client.post("/organisations/register", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="privacy-error"' in page and "请阅读隐私声明，并勾选同意" in page
    _kept_fields(page)
    assert db.session.query(Organisation).count() == 0


def test_the_registration_form_links_the_privacy_notice_and_takes_files(client):
    page = client.get("/organisations/register").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in page and 'href="/auth/privacy"' in page
    assert 'type="file"' in page and 'name="privacy"' in page


def test_the_privacy_notice_is_public_in_chinese_and_english(client):
    page = client.get("/auth/privacy").get_data(as_text=True)
    assert "<h1>隐私声明</h1>" in page and accounts.PRIVACY_VERSION in page and "嘉兴市民政局" in page
    client.post("/lang/en", data={"next": "/"})
    page = client.get("/auth/privacy").get_data(as_text=True)
    assert "<h1>Privacy notice</h1>" in page and "Who sees it" in page


@pytest.fixture
def registered(client):
    create_user("staff")
    client.post("/organisations/register", data=form())
    org = db.session.query(Organisation).one()
    member = db.session.query(User).filter_by(email="lina@example.org").one()
    client.post("/auth/logout")
    return org, member


def test_staff_see_and_download_the_scan_on_the_verification_page(client, login, registered):
    org, _member = registered
    c = login(create_user("staff"))
    page = c.get(f"/organisations/{org.id}").get_data(as_text=True)
    assert f'href="/organisations/{org.id}/certificate"' in page and "登记证书.png" in page
    response = c.get(f"/organisations/{org.id}/certificate")
    assert response.status_code == 200 and response.data == CERTIFICATE_PNG
    assert response.headers["Content-Type"] == "image/png"
    assert "attachment" in response.headers["Content-Disposition"]
    response.close()


def test_members_download_their_own_scan_and_never_another_organisations(client, login, registered):
    org, member = registered
    c = login(member)
    response = c.get(f"/organisations/{org.id}/certificate")
    assert response.status_code == 200 and response.data == CERTIFICATE_PNG
    response.close()
    c.post("/auth/logout")
    outsider = create_applicant(create_org(name="乙组织"))
    c = login(outsider)
    assert c.get(f"/organisations/{org.id}/certificate").status_code == 404
    c.post("/auth/logout")
    assert login(create_user("reviewer")).get(f"/organisations/{org.id}/certificate").status_code == 404
    client.post("/auth/logout")
    anonymous = client.get(f"/organisations/{org.id}/certificate")
    assert anonymous.status_code == 302 and "/auth/login" in anonymous.headers["Location"]


def test_an_organisation_without_a_scan_says_so(client, login):
    org = create_org()
    c = login(create_user("staff"))
    assert "未上传" in c.get(f"/organisations/{org.id}").get_data(as_text=True)
    assert c.get(f"/organisations/{org.id}/certificate").status_code == 404


def test_a_rejected_organisation_uploads_a_clearer_scan(client, login, registered):
    from grants.services import organisations as service
    from tests.core.test_registration import form as registration_form

    org, member = registered
    service.reject(create_user("staff"), org, "登记证书扫描件不清晰")
    old_file_id = org.certificate_file_id
    c = login(member)
    assert 'enctype="multipart/form-data"' in c.get(f"/organisations/{org.id}/edit").get_data(as_text=True)
    data = {k: v for k, v in registration_form().items()
            if k not in ("uscc", "user_name", "email", "password", "confirm", "privacy", "certificate")}
    bad = c.post(f"/organisations/{org.id}/edit", data={**data, "certificate": (io.BytesIO(b"text"), "x.png")})
    assert "不接受此文件类型" in bad.get_data(as_text=True)
    response = c.post(f"/organisations/{org.id}/edit",
                      data={**data, "certificate": (io.BytesIO(PDF_BYTES), "清晰版登记证书.pdf")})
    assert response.status_code == 302
    org = db.session.get(Organisation, org.id)
    assert org.status == "pending" and org.certificate_name == "清晰版登记证书.pdf"
    assert org.certificate_file.content_type == "application/pdf"
    assert db.session.get(StoredFile, old_file_id) is None  # the unclear scan is gone
    download = c.get(f"/organisations/{org.id}/certificate")
    assert download.data == PDF_BYTES
    download.close()
    # saving without a file keeps the scan
    assert c.post(f"/organisations/{org.id}/edit", data=data).status_code == 302
    assert db.session.get(Organisation, org.id).certificate_name == "清晰版登记证书.pdf"


def test_admins_see_when_a_user_accepted_the_privacy_notice(client, login, registered):
    _org, member = registered
    page = login(create_user("admin")).get(f"/admin/users/{member.id}").get_data(as_text=True)
    assert f"（版本 {accounts.PRIVACY_VERSION}）" in page and "已于" in page
