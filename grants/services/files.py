"""Attachment storage: bytes under UPLOAD_ROOT by content hash, type checked by content.

Files never live under static/; they are served only by a permission-checked view.
"""
from __future__ import annotations

import hashlib
import io
import os
import re
import tempfile
import unicodedata
import zipfile
from pathlib import Path

import filetype
from flask import current_app

from grants.timeutil import now_utc

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_FILES_PER_PROPOSAL = 10

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ALLOWED_TYPES = {PDF: "pdf", JPEG: "jpg", PNG: "png", DOCX: "docx", XLSX: "xlsx"}

_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]')


def detect_type(data: bytes) -> str | None:
    """The content type of `data` judged by its bytes (magic numbers), or None if not allowed.

    DOCX and XLSX are zip archives: they must contain word/ or xl/ respectively.
    """
    if not data:
        return None
    kind = filetype.guess(data[:8192])
    mime = kind.mime if kind else None
    if mime in (PDF, JPEG, PNG):
        return mime
    if data[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = archive.namelist()
        except (zipfile.BadZipFile, ValueError, OSError):
            return None
        if "[Content_Types].xml" not in names:
            return None
        if any(n.startswith("word/") for n in names):
            return DOCX
        if any(n.startswith("xl/") for n in names):
            return XLSX
    return None


# Extensions each accepted type may keep; any other extension is replaced by the first.
EXTENSIONS = {PDF: ("pdf",), JPEG: ("jpg", "jpeg"), PNG: ("png",), DOCX: ("docx",), XLSX: ("xlsx",)}
# Unicode categories dropped from names: controls, format characters (bidi overrides such as
# U+202E, zero-width spaces and joiners, BOM), surrogates, and line/paragraph separators.
_DROPPED_CATEGORIES = {"Cc", "Cf", "Cs", "Zl", "Zp"}
_EXTENSION = re.compile(r"[A-Za-z0-9]{1,5}")


def _visible(text: str) -> str:
    return "".join(ch for ch in text if unicodedata.category(ch) not in _DROPPED_CATEGORIES)


def _with_extension(text: str, content_type: str | None) -> str:
    """The name ending in the extension of the type its bytes were judged to be (a PDF uploaded
    as `x.html` is served as `x.pdf`), so no viewer opens it as something else."""
    allowed = EXTENSIONS.get(content_type or "")
    if not allowed:
        return text
    stem, dot, ext = text.rpartition(".")
    if dot and stem and _EXTENSION.fullmatch(ext) and not ext.isdigit():
        if ext.lower() in allowed:
            return f"{stem}.{ext.lower()}"
        text = stem
    return f"{text}.{allowed[0]}"


def sanitise_name(name: str | None, content_type: str | None = None) -> str:
    """A safe display/download name: the last path part, no control, format (bidi, zero-width)
    or path characters, ending in the extension of `content_type`.

    `../../x.pdf` becomes `x.pdf`; `report\u202efdp.exe` holding PDF bytes becomes
    `reportfdp.pdf`; an empty result becomes `attachment.<ext>`.
    """
    text = unicodedata.normalize("NFC", name or "")
    text = text.replace("\\", "/").split("/")[-1]
    text = _visible(_UNSAFE.sub("_", text)).strip().lstrip(".").strip()
    if text:
        text = _with_extension(text, content_type)
    if len(text) > 200:
        stem, dot, ext = text.rpartition(".")
        text = (stem[: 200 - len(ext) - 1] + "." + ext) if dot and len(ext) <= 10 else text[:200]
    if not text:
        text = "attachment." + ALLOWED_TYPES.get(content_type or "", "bin")
    return text


def checked_upload(filename: str | None, data: bytes) -> str:
    """The content type of an uploaded file, or ServiceError (on the field "file") saying why it
    is refused: empty, over 10 MB, or not a PDF/JPEG/PNG/DOCX/XLSX by its bytes. The one rule for
    every upload of people's documents (proposal attachments, report evidence)."""
    from flask_babel import gettext as _

    from grants.services import ServiceError

    if not data:
        if (filename or "").strip():
            msg = _("The file is empty. Check that it was saved completely and choose it again.")
        else:
            msg = _("Choose a file.")
        raise ServiceError(msg, {"file": [msg]})
    if len(data) > MAX_FILE_BYTES:
        msg = _("The file is larger than 10 MB.")
        raise ServiceError(msg, {"file": [msg]})
    content_type = detect_type(data)
    if content_type is None:
        msg = _("This file type is not accepted. Upload a PDF, JPEG, PNG, DOCX or XLSX file.")
        raise ServiceError(msg, {"file": [msg]})
    return content_type


def upload_root() -> Path:
    return Path(current_app.config["UPLOAD_ROOT"])


def path_for(sha256: str) -> Path:
    if not re.fullmatch(r"[0-9a-f]{64}", sha256 or ""):
        raise ValueError("not a sha256 hex digest")
    return upload_root() / sha256[:2] / sha256[2:4] / sha256


def _write_bytes(data: bytes, digest: str) -> None:
    target = path_for(digest)
    if target.exists():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, target)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def store(data: bytes, content_type: str):
    """The StoredFile row for `data` (created in the current transaction when new), with the
    bytes written under their SHA-256 (once; identical files share storage and the row)."""
    from sqlalchemy import select

    from grants.extensions import db
    from grants.models import StoredFile

    digest = hashlib.sha256(data).hexdigest()
    _write_bytes(data, digest)
    table = StoredFile.__table__
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    # Two uploads of the same bytes at once: the second insert does nothing and reads the first.
    db.session.execute(insert(table).values(sha256=digest, size=len(data), content_type=content_type,
                                            created_at=now_utc()).on_conflict_do_nothing(index_elements=["sha256"]))
    return db.session.scalar(select(StoredFile).where(StoredFile.sha256 == digest))


def reference_count(stored_file_id: int) -> int:
    """How many rows, in any table, refer to this stored file (every foreign key to stored_files)."""
    from sqlalchemy import func, select

    from grants.extensions import db
    from grants.models import StoredFile

    total = 0
    for table in db.metadata.sorted_tables:
        for fk in table.foreign_keys:
            if fk.column.table is StoredFile.__table__:
                total += db.session.scalar(select(func.count()).select_from(table)
                                           .where(fk.parent == stored_file_id)) or 0
    return total


def collect(stored_file_id: int) -> bool:
    """Delete a stored file (row and bytes) that nothing refers to any more. Returns True if deleted.

    Runs in its own transaction after the change that dropped the last reference has committed
    (`after_commit`); the row is locked first, so a concurrent new reference either lands
    before the count (and the file stays) or finds the row gone (and stores it anew).
    """
    from grants.extensions import db
    from grants.models import StoredFile
    from grants.services import atomic, lock

    with atomic():
        row = db.session.get(StoredFile, stored_file_id)
        if row is None:
            return False
        lock(row)
        if reference_count(row.id):
            return False
        digest = row.sha256
        db.session.delete(row)
    try:
        path_for(digest).unlink()
    except FileNotFoundError:
        pass
    return True


def remove_if_unused(stored_file_id: int) -> None:
    """After the current transaction commits, delete the file if nothing refers to it."""
    from grants.services import after_commit

    after_commit(lambda: collect(stored_file_id))
