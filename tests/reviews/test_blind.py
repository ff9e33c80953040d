"""Blind review: nothing identifying the organisation reaches a reviewer — page text, file
names, PDF/Office/image metadata — searched over every reviewer-facing response."""
from __future__ import annotations

import io
import re
import struct
import zipfile

import pytest

from grants.extensions import db
from grants.reviews.blind import MetadataError, Redactor, strip_metadata
from grants.services import files
from tests.factories import create_call, create_org, create_proposal, create_user
from tests.factories_proposals import JPEG_BYTES, create_attachment
from tests.factories_reviews import cleared, create_review

ORG_NAME = "嘉兴市阳光社会工作服务中心"
LEGAL_REP = "欧阳明辉"
CONTACT = "司马晓兰"
PHONE = "0573-82345678"


def make_pdf(author: str, title: str) -> bytes:
    """A small PDF with a correct xref table: Info in a literal (UTF-16BE) and a hex string, an
    indirect Producer string and an uncompressed XMP stream naming the organisation."""
    def utf16(text):
        return b"\xfe\xff" + text.encode("utf-16-be")

    def literal(raw):
        return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"

    xmp = (f'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><rdf:Description><dc:creator>{author}</dc:creator>'
           f"<pdf:Producer>{author} WPS</pdf:Producer></rdf:Description></rdf:RDF></x:xmpmeta>").encode()
    objects = [
        b"<</Type/Catalog/Pages 2 0 R/Metadata 4 0 R>>",
        b"<</Type/Pages/Kids[]/Count 0>>",
        b"<</Author " + literal(utf16(author)) + b" /Title <" + utf16(title).hex().upper().encode() + b">"
        b" /Creator (Microsoft Word - " + author.encode("ascii", "replace") + b") /Producer 5 0 R>>",
        b"<</Type /Metadata /Subtype /XML /Length " + str(len(xmp)).encode() + b">>\nstream\n" + xmp + b"\nendstream",
        literal(utf16(author + " 财务部")),
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{i} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for off in offsets:
        out.write(f"{off:010d} 00000 n \n".encode())
    out.write(f"trailer\n<</Size {len(objects) + 1}/Root 1 0 R/Info 3 0 R>>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def identifying_forms(*values):
    """Every byte form a value may take in a file or page: UTF-8, UTF-16BE (raw and hex)."""
    forms = []
    for v in values:
        forms += [v.encode(), v.encode("utf-16-be"), v.encode("utf-16-be").hex().upper().encode(),
                  v.encode("utf-16-be").hex().encode()]
    return forms


def docx_with_properties(author):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
        z.writestr("docProps/core.xml", f'<cp:coreProperties><dc:creator>{author}</dc:creator>'
                                        f'<cp:lastModifiedBy>{author}</cp:lastModifiedBy><dc:title>x</dc:title></cp:coreProperties>')
        z.writestr("docProps/app.xml", f"<Properties><Company>{author}</Company></Properties>")
    return out.getvalue()


def jpeg_with_exif(author):
    exif = b"Exif\x00\x00" + author.encode()
    app1 = b"\xff\xe1" + struct.pack(">H", len(exif) + 2) + exif
    return JPEG_BYTES[:2] + app1 + JPEG_BYTES[2:]


@pytest.fixture
def blind(app):
    org = create_org(name=ORG_NAME)
    org.legal_representative, org.contact_name, org.contact_phone = LEGAL_REP, CONTACT, PHONE
    db.session.commit()
    call = create_call(status="closed", blind_review=True)
    proposal = create_proposal(call, org, status="screened_in", title=f"{ORG_NAME}“银龄互助”项目")
    proposal.summary = f"本项目由{ORG_NAME}实施，负责人{LEGAL_REP}，联系电话{PHONE}。"
    proposal.budget_lines[0].description = f"{CONTACT}的社工补贴"
    db.session.commit()
    pdf = create_attachment(proposal, data=make_pdf(ORG_NAME, f"{ORG_NAME}申报书"), name=f"{ORG_NAME}申报书.pdf")
    docx = create_attachment(proposal, data=docx_with_properties(ORG_NAME), name=f"{CONTACT}预算.docx")
    jpg = create_attachment(proposal, data=jpeg_with_exif(ORG_NAME), name="现场照片.jpg")
    reviewer = cleared(proposal, name="匿名评审专家")
    other = cleared(proposal, name="另一位专家")
    create_review(proposal, other, total=82)
    return org, call, proposal, reviewer, (pdf, docx, jpg)


def _assert_clean(body: bytes, org, where):
    for needle in identifying_forms(org.name, org.uscc, LEGAL_REP, CONTACT, PHONE, org.contact_email,
                                    org.bank_account):
        assert needle not in body, f"{where}: leaks {needle!r}"


def test_every_reviewer_facing_response_is_free_of_identity(login, blind):
    org, call, proposal, reviewer, attachments = blind
    client = login(reviewer)
    responses = {
        "review page": client.get(f"/reviews/proposals/{proposal.id}"),
        "bad post": client.post(f"/reviews/proposals/{proposal.id}", data={"action": "submit"}),
    }
    for a in attachments:
        responses[f"attachment {a.id}"] = client.get(f"/reviews/proposals/{proposal.id}/attachments/{a.id}")
    assert responses["bad post"].status_code == 400
    data = {"action": "submit", "overall_comment": "好", "recommendation": "fund"}
    data.update({f"score_{c.id}": "8" for c in call.criteria})
    responses["submitted"] = client.post(f"/reviews/proposals/{proposal.id}", data=data, follow_redirects=True)
    assert "其他专家1" in responses["submitted"].get_data(as_text=True)   # others' scores, no names
    for where, response in responses.items():
        assert response.status_code in (200, 400), where
        _assert_clean(response.data, org, where)
        for header, value in response.headers.items():
            _assert_clean(value.encode(), org, f"{where} header {header}")
    page = responses["review page"].get_data(as_text=True)
    assert "“银龄互助”项目" in page and "▇▇▇" in page
    assert "另一位专家" not in responses["submitted"].get_data(as_text=True)
    assert "附件1.pdf" in page and "附件2.docx" in page and "附件3.jpg" in page


def test_queue_shows_no_organisation_in_a_blind_call(login):
    """The queue (area "panel") shows the proposal's title as the applicant wrote it; with a
    neutral title nothing else identifies the organisation."""
    org = create_org(name=ORG_NAME)
    call = create_call(status="closed", blind_review=True)
    proposal = create_proposal(call, org, status="screened_in", title="“银龄互助”项目")
    reviewer = cleared(proposal)
    response = login(reviewer).get("/panel/queue")
    assert "“银龄互助”项目" in response.get_data(as_text=True)
    _assert_clean(response.data, org, "queue")


def test_downloaded_pdf_keeps_its_structure(login, blind):
    org, call, proposal, reviewer, (pdf, _docx, _jpg) = blind
    response = login(reviewer).get(f"/reviews/proposals/{proposal.id}/attachments/{pdf.id}")
    data = response.data
    original = files.path_for(pdf.sha256).read_bytes()
    assert len(data) == len(original)                     # blanked in place: xref offsets stay valid
    xref = int(re.search(rb"startxref\n(\d+)", data).group(1))
    assert data[xref:xref + 4] == b"xref"
    for off in re.findall(rb"(\d{10}) 00000 n", data):
        assert re.match(rb"\d+ 0 obj", data[int(off):])
    assert b"/Author (" in data and b"/Type/Catalog" in data
    assert "filename*=UTF-8''%E9%99%84%E4%BB%B61.pdf" in response.headers["Content-Disposition"]


def test_office_and_jpeg_metadata_removed():
    docx = strip_metadata(docx_with_properties(ORG_NAME), files.DOCX)
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        assert ORG_NAME not in z.read("docProps/core.xml").decode()
        assert ORG_NAME not in z.read("docProps/app.xml").decode()
        assert z.read("word/document.xml") == b"<w:document/>"
    jpg = strip_metadata(jpeg_with_exif(ORG_NAME), files.JPEG)
    assert ORG_NAME.encode() not in jpg and jpg.startswith(b"\xff\xd8\xff\xe0") and jpg.endswith(b"\xff\xd9")


def test_pdf_with_info_in_an_object_stream_is_refused(login, blind):
    org, call, proposal, reviewer, _ = blind
    data = (b"%PDF-1.5\n1 0 obj<</Type/Catalog>>endobj\n2 0 obj<</Type/ObjStm/N 1/First 4/Filter/FlateDecode"
            b"/Length 3>>stream\nxyz\nendstream endobj\ntrailer<</Root 1 0 R/Info 7 0 R>>\n%%EOF\n")
    with pytest.raises(MetadataError):
        strip_metadata(data, files.PDF)
    att = create_attachment(proposal, data=data, name="压缩.pdf")
    response = login(reviewer).get(f"/reviews/proposals/{proposal.id}/attachments/{att.id}", follow_redirects=True)
    assert "无法去除" in response.get_data(as_text=True)


def test_not_blind_shows_the_organisation_and_file_names(login):
    org = create_org(name="嘉兴市公开评审协会")
    call = create_call(status="closed", blind_review=False)
    proposal = create_proposal(call, org, status="screened_in")
    create_attachment(proposal, name="预算明细.pdf")
    reviewer = cleared(proposal)
    page = login(reviewer).get(f"/reviews/proposals/{proposal.id}").get_data(as_text=True)
    assert "嘉兴市公开评审协会" in page and "预算明细.pdf" in page


def test_redactor_masks_longest_first():
    org = create_org(name="嘉兴市阳光社会工作服务中心")
    text = Redactor(org).text(f"由嘉兴市阳光社会工作服务中心（代码 {org.uscc}）实施")
    assert org.name not in text and org.uscc not in text and text.count("▇▇▇") == 2


def test_queue_and_declaration_mask_an_identifying_title(login):
    """Even a title that names the organisation reaches the reviewer masked in a blind call."""
    from grants.models import ReviewAssignment

    org = create_org(name=ORG_NAME)
    call = create_call(status="closed", blind_review=True)
    proposal = create_proposal(call, org, status="screened_in", title=f"{ORG_NAME}“银龄互助”项目")
    reviewer = create_user("reviewer")
    assignment = ReviewAssignment(proposal_id=proposal.id, reviewer_id=reviewer.id, status="assigned")
    db.session.add(assignment)
    db.session.commit()
    client = login(reviewer)
    for where, url in (("queue", "/panel/queue"), ("declare", f"/panel/assignments/{assignment.id}/declare")):
        response = client.get(url)
        assert response.status_code == 200, where
        assert "“银龄互助”项目" in response.get_data(as_text=True), where
        _assert_clean(response.data, org, where)
