"""Property tests: whatever is typed into the amount and text fields of the call form, the page
answers with the call saved exactly or a message beside the field — never a 500."""
from __future__ import annotations

import re
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from grants.extensions import db
from grants.models import Call
from tests.conftest import _empty_tables
from tests.factories import create_user
from tests.factories_calls import call_form

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

amount_text = st.one_of(
    st.text(max_size=30),
    st.decimals(min_value=-10**21, max_value=10**21, allow_nan=False, allow_infinity=False).map(str),
    st.integers(min_value=-10**25, max_value=10**25).map(str),
    st.sampled_from(["1e20", "１２３", "¥80,000.00", "80000.001", "NaN", "Infinity", "-0", "  ", "８０,０００元"]),
)


def _staff_client(app):
    client = app.test_client()
    staff = create_user("staff")
    client.post("/auth/login", data={"email": staff.email, "password": "correct-horse-battery"})
    return client


def _has_error(html: str, field: str) -> bool:
    return re.search(rf'id="{field}-error"', html) is not None


@SETTINGS
@given(pool=amount_text, cap=amount_text)
def test_amount_fields_never_500(app, pool, cap):
    _empty_tables()
    client = _staff_client(app)
    response = client.post("/calls/new", data=call_form(budget_pool=pool, per_project_cap=cap))
    assert response.status_code in (200, 302)
    call = db.session.scalar(select(Call))
    if response.status_code == 302:
        assert call is not None
        assert Decimal(0) < call.per_project_cap <= call.budget_pool <= Decimal("99999999.99")
    else:
        assert call is None
        html = response.get_data(as_text=True)
        assert _has_error(html, "budget_pool") or _has_error(html, "per_project_cap")


@SETTINGS
@given(title=st.text(max_size=260), description=st.text(max_size=300), criterion=st.text(max_size=120))
def test_text_fields_never_500_and_are_escaped(app, title, description, criterion):
    _empty_tables()
    client = _staff_client(app)
    response = client.post("/calls/new", data=call_form(title=title, description=description,
                                                        **{"criteria-0-name": criterion}))
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        call = db.session.scalar(select(Call))
        html = client.get(f"/calls/{call.id}").get_data(as_text=True)
        assert "<script" not in call.title or "<script" not in html
    else:
        html = response.get_data(as_text=True)
        assert _has_error(html, "title") or "has-error" in html
