"""Lists load what they show in a constant number of SQL statements, whatever the page size."""
from __future__ import annotations

import pytest

from grants.extensions import db
from grants.sqlcount import recorded_statements
from tests.factories import create_call, create_proposal, create_user


def count_queries():
    return recorded_statements(db.engine)


def _count(client, url):
    with count_queries() as statements:
        response = client.get(url)
    assert response.status_code == 200
    return len(statements)


@pytest.mark.parametrize("url", ["/calls/?per_page=50", "/public/calls?per_page=50", "/"])
def test_call_lists_constant_queries(client, login, url):
    if url.startswith("/calls"):
        login(create_user("staff"))
    for i in range(3):
        create_call(status="open" if i % 2 else "closed")
    few = _count(client, url)
    for i in range(20):
        create_call(status="open" if i % 2 else "closed")
    assert _count(client, url) == few


def test_call_detail_counts_in_one_query(login):
    client = login(create_user("staff"))
    call = create_call(status="open")
    create_proposal(call)
    few = _count(client, f"/calls/{call.id}")
    for _ in range(10):
        create_proposal(call)
    assert _count(client, f"/calls/{call.id}") == few
    html = client.get(f"/calls/{call.id}").get_data(as_text=True)
    assert "<strong>11</strong></li>" in html
