"""Phones (390 px): no page is wider than the screen, and the header's links are big enough to tap.

The crawl is data-driven: it loads the demo data, logs in as each role and follows every
same-origin GET link it finds (no downloads, no log-out), from a few start pages. Pages of the
same shape (the same path with the numbers replaced) are visited at most PER_SHAPE times, so the
crawl covers every kind of page without loading every proposal. New pages are found by
themselves once some page links to them.
"""
from __future__ import annotations

import re
from collections import deque
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest

from grants.seed.core import DEMO_PASSWORD
from tests.browser.conftest import log_in

PHONE = {"width": 390, "height": 844}
# The pages visited, one "role path" a line (to see what the crawl covered).
REPORT = Path(__file__).resolve().parents[2] / "test-output" / "phone-crawl.txt"
PER_SHAPE = 4
MAX_PAGES_PER_ROLE = 150
ROLES = [
    ("public", None),
    ("applicant", "org1@demo.org.cn"),
    ("staff", "staff@demo.jx.gov.cn"),
    ("reviewer", "expert1@demo.jx.gov.cn"),
    ("finance", "finance@demo.jx.gov.cn"),
    ("admin", "admin@demo.jx.gov.cn"),
    ("evaluator", "evaluator@demo.jx.gov.cn"),
]
START_PAGES = ["/", "/dashboard", "/public/calls", "/public/contracts"]
# Links that are not pages: files, exports, leaving the session.
NOT_PAGES = re.compile(r"(/logout|/download|/export|\.(csv|xlsx|pdf|zip|json|docx|png|jpg|svg|ico)$"
                       r"|/attachments/\d+$|/files/\d+$|/static/)", re.I)
WIDTH_JS = "() => [document.documentElement.scrollWidth, window.innerWidth]"
LINKS_JS = "() => Array.from(document.querySelectorAll('a[href]'), a => a.href)"


def _shape(url: str) -> str:
    parts = urlsplit(url)
    return re.sub(r"/\d+", "/<n>", parts.path) + ("?" + "&".join(sorted(
        q.split("=")[0] for q in parts.query.split("&"))) if parts.query else "")


def crawl(page, base: str, limit: int = MAX_PAGES_PER_ROLE) -> tuple[list[str], list[tuple[str, int]]]:
    """Visit the pages reachable from the start pages; return (visited, too wide [(url, width)])."""
    queue = deque(base + p for p in START_PAGES)
    seen_urls: set[str] = set()
    shapes: dict[str, int] = {}
    visited, too_wide = [], []
    while queue and len(visited) < limit:
        url = queue.popleft()
        if url in seen_urls:
            continue
        seen_urls.add(url)
        shape = _shape(url)
        if shapes.get(shape, 0) >= PER_SHAPE:
            continue
        shapes[shape] = shapes.get(shape, 0) + 1
        try:
            response = page.goto(url)
        except Exception:  # a download started, or the link left the site
            continue
        if response is None or "text/html" not in (response.headers.get("content-type") or ""):
            continue
        if not page.url.startswith(base) or response.status >= 400:
            continue
        visited.append(page.url)
        width, viewport = page.evaluate(WIDTH_JS)
        if width > viewport:
            too_wide.append((page.url[len(base):], width))
        for href in page.evaluate(LINKS_JS):
            href = urldefrag(urljoin(page.url, href))[0]
            if href.startswith(base + "/") and not NOT_PAGES.search(urlsplit(href).path) \
                    and "lang" not in urlsplit(href).path:
                queue.append(href)
    return visited, too_wide


@pytest.fixture
def phone(browser, live_server, csrf_on):
    def _new():
        context = browser.new_context(locale="zh-CN", viewport=PHONE)
        context.set_default_timeout(15000)
        pg = context.new_page()
        pg.base = live_server
        return context, pg

    return _new


def test_no_page_is_wider_than_a_phone(runner, phone, shot):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    offenders, total, crawled = [], 0, []
    for role, email in ROLES:
        context, page = phone()
        try:
            if email:
                log_in(page, email, DEMO_PASSWORD)
                assert "/auth/login" not in page.url, f"{role} could not log in"
            visited, too_wide = crawl(page, page.base)
            total += len(visited)
            crawled.extend(f"{role} {url[len(page.base):]}" for url in visited)
            assert len(visited) >= 3, f"the crawl as {role} found almost nothing: {visited}"
            for path, width in too_wide:
                offenders.append(f"{role}: {path} is {width} px wide")
            for path, _width in sorted(too_wide, key=lambda w: -w[1])[:2]:
                page.goto(page.base + path)
                shot(page, f"phone-wide-{role}-" + re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-"))
        finally:
            context.close()
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text("\n".join(crawled) + "\n", encoding="utf-8")
    assert not offenders, f"{len(offenders)} of {total} pages are wider than 390 px:\n" + "\n".join(offenders)


def test_header_links_are_big_enough_to_tap(runner, phone, shot):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    small = []
    for role, email in ROLES:
        context, page = phone()
        try:
            if email:
                log_in(page, email, DEMO_PASSWORD)
            page.goto(page.base + "/")
            if role in ("public", "staff", "admin"):
                shot(page, f"phone-header-{role}")
            heights = page.evaluate("""() => Array.from(
                document.querySelectorAll('header a, header button'), el => [el.textContent.trim(),
                el.getClientRects().length ? el.getBoundingClientRect().height : null])""")
            heights = [(text, height) for text, height in heights if height is not None]  # shown ones
            assert heights, f"the header has no links as {role}"
            small += [f"{role}: {text} ({height:.0f} px)" for text, height in heights if height < 40]
        finally:
            context.close()
    assert not small, "header targets under 40 px at 390 px: " + ", ".join(small)
