"""A draw over the city's ~4,600 organisations: 230 document checks, 23 of them on site, every
item with its inspectors, in a constant number of statements."""
from __future__ import annotations

from datetime import date

from grants.extensions import db
from grants.models import Organisation
from grants.sqlcount import recorded_statements
from tests.factories import make_uscc
from tests.spotchecks.factories import create_inspectors, make_draw


def test_a_draw_over_4600_organisations():
    db.session.add_all(Organisation(
        name=f"嘉兴市测试社会组织{n}", uscc=make_uscc(900000 + n), org_type="social_service",
        registration_date=date(2015, 1, 1), address="嘉兴市", legal_representative="张三", contact_name="李四",
        contact_phone="0573-88888888", status="verified", grade=0) for n in range(4600))
    db.session.commit()
    create_inspectors(8)
    with recorded_statements(db.engine) as statements:
        draw = make_draw(population="organisations", nonce="city-wide")
    assert (draw.candidate_count, draw.document_count, draw.onsite_count) == (4600, 230, 23)
    assert len(draw.items) == 230 and sum(i.onsite for i in draw.items) == 23
    assert all(len(i.inspectors) == 2 for i in draw.items)
    # constant: the reads, the draw, one batched INSERT of the items and one of their inspectors
    assert len(statements) <= 15, "\n".join(statements)
