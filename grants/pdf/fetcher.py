"""The only way WeasyPrint may load anything while printing.

Two schemes are served, both from fixed folders of this application:

- ``grants-font:<file>``   a prepared font from the font folder (instance/fonts/);
- ``grants-static:<path>`` an image from grants/static/.

Everything else is refused: ``file:`` (which would print /etc/passwd into a contract),
``http:``/``https:`` to any host (which would let a clause text make the server call out or
leak that a contract was printed), ``data:`` and unknown schemes. A refusal is an exception
WeasyPrint catches: the resource is left out and the rest of the document still prints.
"""
from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import URLFetcher, URLFetcherResponse, URLFetchingError

FONT_SCHEME = "grants-font"
STATIC_SCHEME = "grants-static"
STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
STATIC_SUFFIXES = {".png", ".jpg", ".jpeg", ".svg", ".gif"}
FONT_SUFFIXES = {".ttf", ".otf"}


class RefusedURL(URLFetchingError):
    """WeasyPrint asked for something outside the app's own fonts and images."""


class PDFFetcher(URLFetcher):
    """Serves the prepared fonts and the app's static images; refuses every other URL.

    `asked` and `refused` list what WeasyPrint requested, in order (tests read them).
    """

    def __init__(self, font_dir: Path, static_dir: Path = STATIC_DIR):
        super().__init__(allowed_protocols=(FONT_SCHEME, STATIC_SCHEME), allow_redirects=False)
        self.font_dir = Path(font_dir).resolve()
        self.static_dir = Path(static_dir).resolve()
        self.asked: list[str] = []
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        self.asked.append(url)
        try:
            path = self._local_path(url)
        except RefusedURL:
            self.refused.append(url)
            raise
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})

    def _local_path(self, url: str) -> Path:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme == FONT_SCHEME:
            base, suffixes = self.font_dir, FONT_SUFFIXES
        elif scheme == STATIC_SCHEME:
            base, suffixes = self.static_dir, STATIC_SUFFIXES
        else:
            raise RefusedURL(f"refused to fetch {url[:200]!r}: only the app's fonts and images")
        if parts.netloc or parts.query:
            raise RefusedURL(f"refused to fetch {url[:200]!r}: malformed")
        path = (base / unquote(parts.path).lstrip("/")).resolve()
        if not path.is_relative_to(base) or path.suffix.lower() not in suffixes or not path.is_file():
            raise RefusedURL(f"refused to fetch {url[:200]!r}: no such file")
        return path
