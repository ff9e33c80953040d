"""Breadcrumbs come from one registry (grants/navigation.py) and are rendered once by base.html."""
from __future__ import annotations

import re

from grants import navigation
from tests.factories import create_applicant, create_call, create_org, create_proposal
from tests.navigation.world import build


def test_every_inner_html_page_has_a_breadcrumb_entry(app):
    missing = sorted(rule.endpoint for rule in app.url_map.iter_rules()
                     if navigation.is_page(rule) and rule.endpoint not in navigation.REGISTRY)
    assert missing == [], ("Add one line per endpoint to grants/navigation.py REGISTRY: " + ", ".join(missing))


def test_every_parent_in_the_registry_is_a_page_or_a_home_page(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    for endpoint, entry in navigation.REGISTRY.items():
        assert endpoint in endpoints, f"{endpoint} is not a route"
        if isinstance(entry.parent, str):
            assert entry.parent in endpoints and (entry.parent in navigation.REGISTRY
                                                  or entry.parent in navigation.HOME_PAGES), endpoint


def test_downloads_and_home_pages_are_not_pages(app):
    rules = {rule.endpoint: rule for rule in app.url_map.iter_rules()}
    for endpoint in ("main.index", "main.dashboard", "static", "contracts.version_pdf",
                     "proposals.screening_export", "proposals.download", "admin.audit_export"):
        assert not navigation.is_page(rules[endpoint]), endpoint
    assert navigation.is_page(rules["calls.detail"]) and not navigation.is_page(rules["calls.step"])


def _trail(html: str) -> list[str]:
    nav = re.search(r'<nav class="breadcrumbs"[^>]*><ol>(.*?)</ol></nav>', html, re.S)
    assert nav, "no breadcrumbs"
    return [re.sub(r"<[^>]+>", "", item).strip() for item in re.findall(r"<li[^>]*>(.*?)</li>", nav.group(1))]


def test_trails_on_staff_pages_go_through_the_call_hub(login):
    w = build()
    client = login(w.staff)
    cid = w.call.id
    hub_trail = ["工作台", "项目征集管理", "2027年度社区治理公益创投"]
    assert _trail(client.get(f"/calls/{cid}").get_data(as_text=True)) == hub_trail
    html = client.get(f"/panel/calls/{cid}/assignments").get_data(as_text=True)
    assert _trail(html) == [*hub_trail, "评审专家组", "评审分配"]
    assert f'<a href="/calls/{cid}">2027年度社区治理公益创投</a>' in html
    contract = w.contracts[0]
    html = client.get(f"/contracts/{contract.id}").get_data(as_text=True)
    assert _trail(html)[-3:] == ["2027年度社区治理公益创投", "合同", f"合同 {contract.number}"]
    # a page renders its trail once, from base.html
    assert html.count('class="breadcrumbs"') == 1


def test_applicant_trails_lead_to_their_own_lists(login):
    org = create_org()
    user = create_applicant(org)
    proposal = create_proposal(create_call(), org, status="draft", title="长者助餐")
    client = login(user)
    trail = _trail(client.get(f"/proposals/{proposal.id}").get_data(as_text=True))
    assert trail == ["工作台", "本组织申报", "长者助餐"]
    client.post("/lang/en")
    assert _trail(client.get(f"/proposals/{proposal.id}").get_data(as_text=True)) == [
        "Dashboard", "Our proposals", "长者助餐"]


def test_public_trail_for_visitors_and_no_trail_on_home_and_error_pages(client):
    call = create_call(title="公开征集")
    html = client.get(f"/public/calls/{call.id}").get_data(as_text=True)
    assert _trail(html) == ["首页", "项目征集", "公开征集"]
    assert 'class="breadcrumbs"' not in client.get("/").get_data(as_text=True)
    assert 'class="breadcrumbs"' not in client.get("/public/calls/999999").get_data(as_text=True)
