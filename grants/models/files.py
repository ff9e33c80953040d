from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from grants.extensions import db
from grants.models.types import UTCDateTime, utcnow


class StoredFile(db.Model):
    """Bytes kept once under UPLOAD_ROOT by their SHA-256, whoever refers to them.

    Proposal attachments refer to these rows (and, later, contract versions and report
    evidence). The bytes are removed only when no row anywhere refers to the file any more
    (`grants.services.files.collect`), which counts every foreign key pointing here.
    """

    __tablename__ = "stored_files"
    __table_args__ = (CheckConstraint("size > 0", name="size_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    size: Mapped[int] = mapped_column(Integer)
    content_type: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class StoredFileFacts:
    """For rows that name a stored file (`stored_file`): its hash, size and type, as the download
    views and templates read them."""

    @property
    def sha256(self) -> str:
        return self.stored_file.sha256

    @property
    def size(self) -> int:
        return self.stored_file.size

    @property
    def content_type(self) -> str:
        return self.stored_file.content_type
