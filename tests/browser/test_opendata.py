"""Open data and API tokens in the browser: a visitor finds the open-data page in the navigation
and downloads both files; an admin creates a department token (shown once), sees it used, and
revokes it. Screenshots."""
from __future__ import annotations

import json
import re
from datetime import timedelta

from grants.timeutil import local_today
from tests.browser.conftest import log_in
from tests.factories import PASSWORD, create_user
from tests.opendata.helpers import errors_of, giving_validator, ocds_validator, published_world


def test_a_visitor_downloads_both_open_data_files(page, shot):
    world = published_world()
    page.goto(page.base + "/public/calls")
    page.click("nav a:has-text('开放数据')")
    page.wait_for_load_state()
    assert "CC BY 4.0" in page.inner_text("#licence")
    assert "CN-USCI" in page.inner_text("#organisations")
    shot(page, "opendata-1-page")
    for link, validator, key in (("#giving-link", giving_validator(), "grants"),
                                 ("#ocds-link", ocds_validator(), "releases")):
        href = page.get_attribute(link, "href")
        response = page.request.get(page.base + href)
        assert response.status == 200
        data = json.loads(response.text())
        assert errors_of(validator, data) == [] and len(data[key]) >= 2
    assert world["paid"].number in page.request.get(page.base + "/open-data/ocds.json").text()


def test_an_admin_creates_uses_and_revokes_a_department_token(page, shot):
    page.on("dialog", lambda dialog: dialog.accept())
    published_world()
    admin = create_user("admin", name="系统管理员", email="api-admin@example.org")
    log_in(page, admin.email, PASSWORD)
    page.click("#nav-more summary")  # the staff menu keeps rarely used pages under 更多
    page.click("nav a:has-text('接口令牌')")
    page.wait_for_load_state()
    page.click("a:has-text('新建令牌')")
    page.fill("#name", "2027年度预算执行审计")
    page.fill("#department", "嘉兴市审计局")
    page.check("input[value='read:private']")
    page.fill("#expires_on", (local_today() + timedelta(days=180)).isoformat())
    shot(page, "api-1-new-token")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    secret = page.input_value("#api-secret")
    assert re.fullmatch(r"gapi_[A-Za-z0-9_-]{40,}", secret)
    shot(page, "api-2-token-shown-once")
    answer = page.request.get(page.base + "/api/v1/bank-accounts", headers={"Authorization": f"Bearer {secret}"})
    assert answer.status == 200 and answer.json()["data"]
    page.goto(page.base + "/admin/api-tokens/")
    assert secret not in page.content()
    row = page.inner_text("#api-tokens tbody tr")
    assert "嘉兴市审计局" in row and "从未使用" not in row
    shot(page, "api-3-token-list")
    page.click("#api-tokens button:has-text('吊销')")
    page.wait_for_load_state()
    assert "已吊销" in page.inner_text("#api-tokens tbody tr")
    again = page.request.get(page.base + "/api/v1/calls", headers={"Authorization": f"Bearer {secret}"})
    assert again.status == 401
    page.goto(page.base + "/admin/api-tokens/calls")
    assert "GET /api/v1/bank-accounts" in page.inner_text("#api-calls") and "401" in page.inner_text("#api-calls")
    shot(page, "api-4-call-log")
