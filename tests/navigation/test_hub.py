"""The staff hub of a call: exact counts from aggregate SQL, links to every stage, constant statements."""
from __future__ import annotations

import re
from datetime import date

from grants.extensions import db
from grants.services import hub
from grants.sqlcount import recorded_statements
from tests.factories import create_call, create_proposal, create_user
from tests.navigation.world import build


def test_hub_counts_are_exact_on_the_built_call(app):
    w = build()
    h = hub.for_call(w.call)
    assert h.proposals == {"draft": 1, "submitted": 2, "screened_out": 1, "screened_in": 2, "awarded": 3,
                           "recommended": 1}
    assert (h.submitted, h.to_screen, h.screened) == (9, 2, 7)
    assert h.reviews == {"expected": 4, "done": 1, "outstanding": 3}
    assert h.awards == {"confirmed": 3, "in_notice": 1}
    assert h.contracts == {"active": 2, "generated": 1}
    assert h.reports == {"to_review": 1, "due_soon": 1, "overdue": 1, "accepted": 1}
    assert str(h.money["awarded"]) == "180000.00" and str(h.money["paid"]) == "40000.00"
    assert str(h.money["in_approval"]) == "30000.00" and str(h.money["pool"]) == "1000000.00"
    keys = [k for k, _when in h.deadlines]
    assert keys == ["opens", "closes", "review", "next_report"]
    assert isinstance(h.next_report_due, date)


def _text(html: str, element_id: str) -> str:
    match = re.search(rf'id="{element_id}"[^>]*>(.*?)</', html, re.S)
    assert match, element_id
    return " ".join(match.group(1).split())


def test_hub_page_shows_the_figures_and_links_every_stage(login):
    w = build()
    html = login(w.staff).get(f"/calls/{w.call.id}").get_data(as_text=True)
    assert _text(html, "hub-submitted") == "9"
    assert _text(html, "hub-screened") == "7"
    assert _text(html, "hub-to-screen") == "2"
    assert _text(html, "hub-reviews-done") == "1 / 4"
    assert _text(html, "hub-reviews-outstanding") == "3"
    assert _text(html, "hub-awards") == "3"
    assert _text(html, "hub-contracts") == "2"
    assert _text(html, "hub-reports-overdue") == "1"
    assert _text(html, "hub-awarded") == "¥180,000.00"
    assert _text(html, "hub-paid") == "¥40,000.00"
    cid = w.call.id
    for url in (f"/proposals/calls/{cid}/screening", f"/panel/calls/{cid}", f"/panel/calls/{cid}/assignments",
                f"/reviews/calls/{cid}/ranking", f"/awards/calls/{cid}", f"/contracts/calls/{cid}",
                f"/reports/calls/{cid}", f"/finance/calls/{cid}", f"/contracts/calls/{cid}/clauses"):
        assert f'href="{url}"' in html, url
    assert "3 份未完成" in html or "3 outstanding" in html


def test_hub_uses_the_same_number_of_statements_for_an_empty_and_a_full_call(login):
    staff = create_user("staff")
    empty = create_call(status="open")
    w = build()
    for _ in range(5):
        create_proposal(w.call, status="submitted")
    client = login(staff)
    counts = []
    for call in (empty, w.call):
        db.session.expire_all()
        with recorded_statements(db.engine) as seen:
            assert client.get(f"/calls/{call.id}").status_code == 200
        counts.append(len(list(seen)))
    assert counts[0] == counts[1]
    db.session.expire_all()
    assert w.call.title  # loaded before counting
    with recorded_statements(db.engine) as seen:
        hub.for_call(w.call)
    assert len(list(seen)) == 7
