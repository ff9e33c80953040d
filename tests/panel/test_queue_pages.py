"""The reviewer queue is paginated (issue 14: a reviewer of a big call has hundreds of rows)."""
from __future__ import annotations

import re

from tests.factories import create_call, create_proposal
from tests.factories_panel import create_assignment, create_reviewer


def test_queue_shows_a_page_and_a_pager(login):
    call = create_call(status="closed")
    reviewer = create_reviewer(name="队列专家")
    for i in range(25):
        create_assignment(create_proposal(call, status="screened_in", title=f"队列项目{i:02d}"), reviewer)
    client = login(reviewer)
    first = client.get("/panel/queue").get_data(as_text=True)
    assert first.count("队列项目") == 20 and 'rel="next"' in first
    second = client.get("/panel/queue?page=2").get_data(as_text=True)
    assert second.count("队列项目") == 5
    shown = {t for page in (first, second) for t in re.findall(r"队列项目\d\d", page)}
    assert len(shown) == 25
