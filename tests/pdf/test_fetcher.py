"""WeasyPrint may load only the app's prepared fonts and static images."""
import pytest

from grants.pdf import PDFFetcher, font_dir, html_to_pdf
from grants.pdf.contract import demo_contract_data, render_contract
from grants.pdf.fetcher import RefusedURL
from tests.pdf.conftest import pdf_text, read_pdf

EVIL = ('<img src="file:///etc/passwd"><img src="https://evil.example/track.png">'
        '<link rel="stylesheet" href="http://169.254.169.254/latest/meta-data/">'
        '<img src="grants-font:../../config.py">')


def test_file_and_remote_urls_in_content_are_refused_and_the_pdf_still_prints(app, prepared_fonts):
    fetcher = PDFFetcher(font_dir())
    pdf = html_to_pdf(f"<html><head>{EVIL}</head><body><p>甲方：嘉兴市民政局</p>{EVIL}</body></html>",
                      fetcher=fetcher)
    assert len(read_pdf(pdf).pages) == 1
    assert "甲方：嘉兴市民政局" in pdf_text(pdf)
    # The fetcher was asked for each of them, and refused each one.
    for url in ("file:///etc/passwd", "https://evil.example/track.png",
                "http://169.254.169.254/latest/meta-data/", "grants-font:../../config.py"):
        assert url in fetcher.asked and url in fetcher.refused
    assert set(fetcher.asked) - set(fetcher.refused) == {
        "grants-font:GrantsSerifSC-Regular.ttf", "grants-font:GrantsSerifSC-Bold.ttf"}


def test_markup_typed_into_a_clause_prints_as_text_and_is_never_fetched(app, prepared_fonts):
    data = demo_contract_data()
    data["clauses"] = [{"key": "x", "heading": "违约责任", "text": f"按约定承担责任。{EVIL}"}]
    fetcher = PDFFetcher(font_dir())
    text = pdf_text(render_contract(data, fetcher=fetcher))
    assert '按约定承担责任。<imgsrc="file:///etc/passwd">' in text
    assert fetcher.refused == []


@pytest.mark.parametrize("url", [
    "file:///etc/passwd", "FILE:///etc/passwd", "http://127.0.0.1:5000/static/app.css",
    "https://example.com/a.png", "data:image/png;base64,iVBORw0KGgo=", "ftp://example.com/x",
    "grants-font:../../../etc/passwd", "grants-font:/etc/passwd", "grants-font://host/GrantsSerifSC-Regular.ttf",
    "grants-static:app.css", "grants-static:../../config.py", "javascript:alert(1)",
])
def test_everything_but_the_apps_fonts_and_images_is_refused(tmp_path, url):
    fetcher = PDFFetcher(tmp_path / "fonts", static_dir=tmp_path / "static")
    (tmp_path / "static").mkdir()
    (tmp_path / "static" / "app.css").write_text("body{}")
    with pytest.raises(RefusedURL):
        fetcher.fetch(url)
    assert fetcher.refused == [url]


def test_the_apps_fonts_and_images_are_served(tmp_path):
    (tmp_path / "fonts").mkdir()
    (tmp_path / "fonts" / "GrantsSerifSC-Regular.ttf").write_bytes(b"\x00\x01\x00\x00font")
    (tmp_path / "static" / "img").mkdir(parents=True)
    (tmp_path / "static" / "img" / "seal.png").write_bytes(b"\x89PNG")
    fetcher = PDFFetcher(tmp_path / "fonts", static_dir=tmp_path / "static")
    assert fetcher.fetch("grants-font:GrantsSerifSC-Regular.ttf").read() == b"\x00\x01\x00\x00font"
    image = fetcher.fetch("grants-static:img/seal.png")
    assert image.read() == b"\x89PNG" and image.content_type == "image/png"
    assert fetcher.refused == []
