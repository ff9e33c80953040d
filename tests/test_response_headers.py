"""Every GET page as every role: the security headers, once, and nothing the CSP would block
(inline scripts, on*= handlers, javascript: URLs, style attributes)."""
from __future__ import annotations

from html.parser import HTMLParser

import pytest

from tests.access import ROLES, all_rules, build_world
from tests.factories import PASSWORD

GET_RULES = [r for r in all_rules() if r.method == "GET"]
EXPECTED = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


class InlineFinder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and not attrs.get("src"):
            self.found.append(f"inline <script> at line {self.getpos()[0]}")
        if tag == "style":
            self.found.append(f"<style> element at line {self.getpos()[0]}")
        for name, value in attrs.items():
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=…> at line {self.getpos()[0]}")
            if name == "style":
                self.found.append(f"<{tag} style=…> at line {self.getpos()[0]}")
            scheme = (value or "").strip().lower()
            if name in ("href", "src", "action", "formaction") and scheme.startswith("javascript:"):
                self.found.append(f"<{tag} {name}=javascript:…> at line {self.getpos()[0]}")


def inline_code(html: str) -> list[str]:
    finder = InlineFinder()
    finder.feed(html)
    return finder.found


def check_headers(response) -> list[str]:
    problems = []
    for name, value in EXPECTED.items():
        got = response.headers.getlist(name)
        if got != [value]:
            problems.append(f"{name}: {got}")
    csp = response.headers.getlist("Content-Security-Policy")
    if len(csp) != 1:
        problems.append(f"Content-Security-Policy sent {len(csp)} times")
    else:
        directives = {d.split()[0]: d.split()[1:] for d in csp[0].split(";") if d.strip()}
        if directives.get("script-src") != ["'self'"]:
            problems.append(f"script-src: {directives.get('script-src')}")
        if directives.get("frame-ancestors") != ["'none'"]:
            problems.append(f"frame-ancestors: {directives.get('frame-ancestors')}")
        if any("'unsafe-inline'" in v for v in directives.values()):
            problems.append("'unsafe-inline' allowed")
    return problems


@pytest.mark.parametrize("role", ROLES)
def test_every_page_sends_the_headers_and_no_inline_code(app, client, role):
    world = build_world()
    if role != "anonymous":
        assert client.post("/auth/login", data={"email": world.users[role].email,
                                                "password": PASSWORD}).status_code == 302
    problems = []
    for rule in GET_RULES:
        url = rule.url(world)
        response = client.get(url)
        body = response.get_data()
        response.close()
        problems += [f"GET {url} ({response.status_code}): {p}" for p in check_headers(response)]
        if response.mimetype == "text/html":
            problems += [f"GET {url}: {p}" for p in inline_code(body.decode("utf-8"))]
        downloaded = response.headers.get("Content-Disposition", "").startswith("attachment")
        if downloaded and response.headers.get("Cache-Control") != "private, no-store":
            problems.append(f"GET {url}: download cached: {response.headers.get('Cache-Control')}")
    assert not problems, f"as {role}:\n" + "\n".join(problems)


def test_error_pages_and_redirects_send_the_headers_too(client):
    for response in (client.get("/no-such-page"), client.get("/dashboard"), client.post("/proposals/")):
        response.close()
        assert response.status_code in (302, 404, 405)
        assert check_headers(response) == []


def test_exports_and_downloads_are_not_cached(app, client):
    world = build_world()
    client.post("/auth/login", data={"email": world.users["staff"].email, "password": PASSWORD})
    urls = [f"/proposals/calls/{world.p_call.id}/screening/export.csv",
            f"/reviews/calls/{world.rev_call.id}/ranking.xlsx",
            f"/proposals/{world.p_draft.id}/attachments/{world.p_file.id}"]
    for url in urls:
        response = client.get(url)
        response.close()
        assert response.status_code == 200, url
        assert response.headers["Content-Disposition"].startswith("attachment"), url
        assert response.headers.getlist("Cache-Control") == ["private, no-store"], url
        assert response.headers.getlist("X-Content-Type-Options") == ["nosniff"], url


def test_the_finder_sees_what_the_policy_would_block():
    html = ('<p onclick="x()">a</p><script>alert(1)</script><script src="/static/app.js"></script>'
            '<a href="javascript:history.back()">b</a><div style="color:red"></div>')
    found = inline_code(html)
    assert len(found) == 4
    assert inline_code('<script src="/static/app.js" defer></script><button data-confirm="确定？">') == []
