"""Browser tests: the app served on loopback by a thread, driven by Playwright in Debian's Chromium.

Fixtures:
- `live_server`: base URL (http://127.0.0.1:<port>) of the test app, CSRF protection ON.
- `page`: a fresh Playwright page (zh_CN by default, like a first visit) with `page.base` set.
- `shot(page, name)`: saves test-output/screenshots/<name>.png and returns its path.
"""
from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.conftest import DB_GATE

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def live_server(app):
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}; `make setup` installs Debian's chromium package")
    def gated(environ, start_response):
        # One request at a time with the tests' table cleaning (tests/conftest.py DB_GATE).
        # The body is read inside the gate too: a streamed export queries while it is sent.
        with DB_GATE:
            result = app(environ, start_response)
            try:
                body = b"".join(result)
            finally:
                if hasattr(result, "close"):
                    result.close()
        return [body]

    server = make_server("127.0.0.1", 0, gated, threaded=False)
    port = server.server_port
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    # shutdown() lets the request in hand finish; wait for it before the tables are dropped.
    server.shutdown()
    thread.join(timeout=60)


@pytest.fixture
def csrf_on(app):
    old = app.config.get("WTF_CSRF_ENABLED")
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = old


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, csrf_on):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15000)
    pg = context.new_page()
    pg.base = live_server
    yield pg
    context.close()


@pytest.fixture
def shot():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def _shot(pg, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        pg.screenshot(path=str(path), full_page=True)
        return path

    return _shot


def log_in(pg, email: str, password: str) -> None:
    """Log in through the real form."""
    pg.goto(pg.base + "/auth/login")
    pg.fill("input[name=email]", email)
    pg.fill("input[name=password]", password)
    pg.click("main form button[type=submit]")
    pg.wait_for_load_state()


def log_out(pg) -> None:
    pg.click("header form[action$='/auth/logout'] button")
    pg.wait_for_load_state()
