"""Printed documents: `render(template_name, context) -> bytes` with WeasyPrint.

- Templates live in templates/pdf/ and are trusted files of this repository; they run in
  their own Jinja environment (autoescape on), never see the request, and get plain data.
  Text that staff edit (clause texts) is rendered beforehand in the sandbox
  (`grants.pdf.sandbox`) and reaches the template as already-escaped markup.
- WeasyPrint loads resources only through `PDFFetcher` (the app's prepared fonts and static
  images; `file:`, `http(s):` and everything else refused).
- Fonts: the engine adds one style sheet naming the font. With ``fonts="prepared"`` (the
  default) that is the GB2312 TrueType subset built by `flask fonts build` first and the full
  system "Noto Serif CJK SC" second, so rare characters fall back instead of printing as boxes;
  ``fonts="system"`` names only the system font (what plain WeasyPrint does; the bench compares
  the two). Nothing is cached between renders: each gets a new FontConfiguration.
"""
from __future__ import annotations

from pathlib import Path

import cn2an
from flask import current_app, has_app_context
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

from config import BASE_DIR, INSTANCE_DIR
from grants.money import daxie, format_yuan
from grants.pdf.fetcher import FONT_SCHEME, PDFFetcher
from grants.pdf.fonts import PREPARED_FAMILY, STYLES, SYSTEM_FAMILY, prepared_name
from grants.pdf.sandbox import ClauseError, render_clause, validate_clause

__all__ = ["ClauseError", "PDFFetcher", "chinese_number", "font_dir", "html_to_pdf", "render", "render_clause",
           "validate_clause"]

TEMPLATE_DIR = BASE_DIR / "templates" / "pdf"
DEFAULT_FONT_DIR = INSTANCE_DIR / "fonts"

_env = Environment(loader=FileSystemLoader(str(TEMPLATE_DIR)), autoescape=True,
                   undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def chinese_number(n: int) -> str:
    """1 -> 一, 12 -> 十二 (article numbers and counts are written out in a contract)."""
    return cn2an.an2cn(int(n))


_env.filters["yuan"] = format_yuan
_env.filters["daxie"] = daxie
_env.filters["cn"] = chinese_number


def font_dir() -> Path:
    """Where the prepared fonts are: PDF_FONT_DIR of the current app, else instance/fonts."""
    if has_app_context() and current_app.config.get("PDF_FONT_DIR"):
        return Path(current_app.config["PDF_FONT_DIR"])
    return DEFAULT_FONT_DIR


def font_css(fonts: str = "prepared") -> str:
    """The style sheet that chooses the document font (see the module docstring)."""
    if fonts == "system":
        return f'html {{ font-family: "{SYSTEM_FAMILY}", serif; }}'
    if fonts != "prepared":
        raise ValueError(f"fonts must be 'prepared' or 'system', not {fonts!r}")
    faces = "".join(
        f'@font-face {{ font-family: "{PREPARED_FAMILY}"; font-weight: {weight}; '
        f'src: url("{FONT_SCHEME}:{prepared_name(style)}"); }}\n'
        for style, (_file, weight) in STYLES.items())
    return faces + f'html {{ font-family: "{PREPARED_FAMILY}", "{SYSTEM_FAMILY}", serif; }}'


def render_html(template_name: str, context: dict) -> str:
    return _env.get_template(template_name).render(context)


def render(template_name: str, context: dict, *, fonts: str = "prepared",
           fetcher: PDFFetcher | None = None, fonts_dir: Path | None = None) -> bytes:
    """Render templates/pdf/<template_name> with `context` to PDF bytes."""
    return html_to_pdf(render_html(template_name, context), fonts=fonts, fetcher=fetcher,
                       fonts_dir=fonts_dir)


def html_to_pdf(html: str, *, fonts: str = "prepared", fetcher: PDFFetcher | None = None,
                fonts_dir: Path | None = None) -> bytes:
    """Print an HTML string (already rendered) to PDF bytes, loading only through the fetcher."""
    fetcher = fetcher or PDFFetcher(fonts_dir or font_dir())
    font_config = FontConfiguration()
    stylesheet = CSS(string=font_css(fonts), font_config=font_config, url_fetcher=fetcher)
    document = HTML(string=html, url_fetcher=fetcher)
    return document.write_pdf(stylesheets=[stylesheet], font_config=font_config, hinting=False)
