"""Attachment names: no invisible or direction-changing characters, and the extension follows
the type the bytes were judged to be, wherever a name is shown or served."""
from __future__ import annotations

import io
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grants.extensions import db
from grants.models import Attachment
from grants.services import files
from tests.factories_proposals import (
    JPEG_BYTES,
    PDF_BYTES,
    create_attachment,
    office_bytes,
)
from tests.factories_reviews import cleared

INVISIBLE = ["\u202e", "\u202d", "\u2066", "\u2067", "\u2068", "\u2069", "\u200e", "\u200f", "\u061c",
             "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u2028", "\u2029", "\x85", "\x9b"]


@pytest.mark.parametrize("char", INVISIBLE, ids=lambda c: f"U+{ord(c):04X}")
def test_format_and_control_characters_are_removed(char):
    assert files.sanitise_name(f"项目{char}申报书.pdf", files.PDF) == "项目申报书.pdf"


def test_a_right_to_left_override_cannot_disguise_the_extension():
    # shown as "report…exe.pdf" in a right-to-left-aware viewer before
    assert files.sanitise_name("report\u202efdp.exe", files.PDF) == "reportfdp.pdf"


@pytest.mark.parametrize("name, content_type, served", [
    ("polyglot.html", files.PDF, "polyglot.pdf"),
    ("照片.PNG", files.JPEG, "照片.jpg"),
    ("照片.JPEG", files.JPEG, "照片.jpeg"),
    ("预算表.XLSX", files.XLSX, "预算表.xlsx"),
    ("方案 v1.2", files.PDF, "方案 v1.2.pdf"),
    ("说明", files.DOCX, "说明.docx"),
    ("invoice.pdf.exe", files.PDF, "invoice.pdf.pdf"),
])
def test_the_extension_follows_the_detected_type(name, content_type, served):
    assert files.sanitise_name(name, content_type) == served


@given(st.text(max_size=300), st.sampled_from(sorted(files.EXTENSIONS)))
def test_any_name_comes_out_visible_flat_and_typed(name, content_type):
    safe = files.sanitise_name(name, content_type)
    assert safe and len(safe) <= 200
    assert not any(unicodedata.category(ch) in {"Cc", "Cf", "Cs", "Zl", "Zp"} for ch in safe)
    assert not any(ch in safe for ch in '/\\<>:"|?*')
    assert safe.rpartition(".")[2] in files.EXTENSIONS[content_type]
    assert files.sanitise_name(safe, content_type) == safe  # stable: showing it again changes nothing


def test_pdf_bytes_uploaded_as_html_are_listed_and_downloaded_as_pdf(setup, login):
    client = login(setup.user)
    response = client.post(f"/proposals/{setup.draft.id}/attachments",
                           data={"file": (io.BytesIO(PDF_BYTES), "polyglot\u200b.html")},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    att = db.session.scalars(db.select(Attachment)).one()
    assert att.original_name == "polyglot.pdf"
    assert ">polyglot.pdf</a>" in client.get(f"/proposals/{setup.draft.id}").get_data(as_text=True)
    download = client.get(f"/proposals/{setup.draft.id}/attachments/{att.id}")
    download.close()
    assert download.mimetype == files.PDF
    assert download.headers["Content-Disposition"] == "attachment; filename=polyglot.pdf"


def test_a_name_stored_before_the_rule_is_shown_and_served_clean(setup, login):
    att = create_attachment(setup.draft, name="报告\u202efdp.exe")
    client = login(setup.user)
    page = client.get(f"/proposals/{setup.draft.id}").get_data(as_text=True)
    assert "\u202e" not in page and "报告fdp.pdf</a>" in page
    download = client.get(f"/proposals/{setup.draft.id}/attachments/{att.id}")
    download.close()
    assert "\u202e" not in download.headers["Content-Disposition"]
    assert download.headers["Content-Disposition"].endswith("fdp.pdf")


def test_reviewers_get_the_clean_name_too(setup, login):
    from tests.factories import create_call, create_proposal

    call = create_call(title="公开评审征集", status="closed", blind_review=False)
    proposal = create_proposal(call, setup.org, status="screened_in", title="公开评审项目")
    reviewer = cleared(proposal, name="评审专家")
    att = create_attachment(proposal, data=JPEG_BYTES, name="现场\u200d照片.png")
    client = login(reviewer)
    page = client.get(f"/reviews/proposals/{proposal.id}").get_data(as_text=True)
    assert "现场照片.jpg" in page and "\u200d" not in page
    download = client.get(f"/reviews/proposals/{proposal.id}/attachments/{att.id}")
    download.close()
    assert download.status_code == 200
    assert download.headers["Content-Disposition"].endswith(".jpg")


def test_office_files_keep_their_own_extension():
    assert files.sanitise_name("预算.xlsx", files.detect_type(office_bytes("xl"))) == "预算.xlsx"
