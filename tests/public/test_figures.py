"""City-wide figures on the home page: organisations funded, money awarded and paid, person-times,
service hours and volunteers — summed from ACCEPTED milestone reports, per funding year and per
service category, exactly."""
from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from grants.extensions import db
from grants.services import disclosure
from grants.sqlcount import recorded_statements
from tests.factories import create_org
from tests.factories_awards import create_award
from tests.public.helpers import funded

Y2025 = datetime(2025, 6, 1, tzinfo=UTC)
Y2026 = datetime(2026, 6, 1, tzinfo=UTC)


def _world():
    shared = create_org()
    funded("80000.00", org=shared, confirmed=Y2025, paid=(1, 2),  # 40,000 + 24,000
           reports=(("accepted", 812, "1260.5", 42), ("submitted", 1000, 100, 10)))
    funded("60000.00", org=shared, confirmed=Y2026, category="youth", paid=(1,),  # 30,000
           reports=(("accepted", 300, "120.3", 8), ("accepted", 200, "79.7", 2), ("returned", 5, 5, 5)))
    funded("33333.33", confirmed=Y2026, reports=(("draft", 9, 9, 9),))
    create_award(amount="99999.00", status="in_notice")  # not funded (yet): counts nowhere


def test_figures_by_year_category_and_in_total(app):
    _world()
    figures = disclosure.city_figures()
    t = figures["total"]
    assert (t.organisations_funded, t.projects) == (2, 3)
    assert (t.awarded, t.paid) == (Decimal("173333.33"), Decimal("94000.00"))
    assert (t.person_times, t.service_hours, t.volunteers) == (1312, Decimal("1460.5"), 52)
    years = dict(figures["years"])
    assert list(years) == [2026, 2025]
    y25, y26 = years[2025], years[2026]
    assert (y25.organisations_funded, y25.awarded, y25.paid) == (1, Decimal("80000.00"), Decimal("64000.00"))
    assert (y25.person_times, y25.service_hours, y25.volunteers) == (812, Decimal("1260.5"), 42)
    assert (y26.organisations_funded, y26.projects, y26.awarded, y26.paid) == (2, 2, Decimal("93333.33"),
                                                                              Decimal("30000.00"))
    assert (y26.person_times, y26.service_hours, y26.volunteers) == (500, Decimal("200.0"), 10)
    cats = dict(figures["categories"])
    assert list(cats) == ["elderly", "youth"]
    assert (cats["youth"].awarded, cats["youth"].person_times, cats["youth"].volunteers) == \
        (Decimal("60000.00"), 500, 10)
    assert (cats["elderly"].organisations_funded, cats["elderly"].awarded, cats["elderly"].paid) == \
        (2, Decimal("113333.33"), Decimal("64000.00"))


def test_the_home_page_shows_them(client):
    _world()
    html = client.get("/").get_data(as_text=True)
    assert '<strong id="total-orgs">2</strong>' in html
    assert '<strong id="total-awarded">¥173,333.33</strong>' in html
    assert '<strong id="total-paid">¥94,000.00</strong>' in html
    assert '<strong id="total-person-times">1,312</strong>' in html
    assert '<strong id="total-hours">1,460.5</strong>' in html
    assert '<strong id="total-volunteers">52</strong>' in html
    assert 'id="figures-by-year"' in html and 'data-key="2025"' in html and 'data-key="youth"' in html


def test_an_empty_city_says_so(client):
    html = client.get("/").get_data(as_text=True)
    assert '<strong id="total-awarded">¥0.00</strong>' in html


def test_figures_take_the_same_number_of_statements_for_few_and_many_projects(app):
    funded(confirmed=Y2025, paid=(1,), reports=(("accepted", 1, 1, 1),))
    db.session.expire_all()
    with recorded_statements(db.engine) as few:
        disclosure.city_figures()
    for _ in range(10):
        funded(confirmed=Y2026, paid=(1,), reports=(("accepted", 1, 1, 1),))
    db.session.expire_all()
    with recorded_statements(db.engine) as many:
        assert disclosure.city_figures()["total"].person_times == 11
    assert len(list(few)) == len(list(many)) == 3
