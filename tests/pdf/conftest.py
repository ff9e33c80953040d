"""PDF fixtures: the prepared font (built once if set-up has not), and helpers to read PDFs."""
from __future__ import annotations

import io
import re
from pathlib import Path

import pypdf
import pytest

from grants.pdf.fonts import build


@pytest.fixture(scope="session")
def prepared_fonts(app):
    """The prepared font in PDF_FONT_DIR (set-up builds it; idempotent, so usually a no-op)."""
    return build(Path(app.config["PDF_FONT_DIR"]), Path(app.config["PDF_SYSTEM_FONT_DIR"]))


def read_pdf(data: bytes) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(data))


def pdf_text(data: bytes) -> str:
    """All the text of a PDF, whitespace removed (CJK text has none that matters)."""
    reader = read_pdf(data)
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))


def page_texts(data: bytes) -> list[str]:
    return [re.sub(r"\s+", "", page.extract_text()) for page in read_pdf(data).pages]


def embedded_fonts(data: bytes) -> set[str]:
    """Base names of the fonts embedded in the PDF, subset prefix removed ("Grants-Serif-SC")."""
    names = set()
    for page in read_pdf(data).pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]).lstrip("/").split("+", 1)[-1])
    return names
