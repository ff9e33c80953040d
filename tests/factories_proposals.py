"""Factories for the proposals area: file contents of each kind and stored attachments."""
from __future__ import annotations

import io
import zipfile

from grants.extensions import db
from grants.models import Attachment
from grants.services import files

PDF_BYTES = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
PNG_BYTES = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4"
             b"\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82")
JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64 + b"PE\x00\x00"


def office_bytes(kind: str = "word") -> bytes:
    """A minimal DOCX (kind='word') or XLSX (kind='xl') zip; kind='plain' is a zip of neither."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        if kind == "word":
            z.writestr("word/document.xml", "<w:document/>")
        elif kind == "xl":
            z.writestr("xl/workbook.xml", "<workbook/>")
        else:
            z.writestr("readme.txt", "hello")
    return out.getvalue()


def create_attachment(proposal, *, data: bytes = PDF_BYTES, name: str = "申报书.pdf", user=None) -> Attachment:
    stored = files.store(data, files.detect_type(data) or "application/pdf")
    attachment = Attachment(proposal_id=proposal.id, original_name=name, stored_file=stored,
                            uploaded_by_id=user.id if user else None)
    db.session.add(attachment)
    db.session.commit()
    return attachment
