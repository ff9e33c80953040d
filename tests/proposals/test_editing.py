"""Applicant editing: start on a call, save drafts, bad input beside its field (never a 500)."""
from __future__ import annotations

import re
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grants.extensions import db
from grants.models import AuditEvent, Proposal
from tests.factories import create_applicant, create_call, create_org, create_proposal
from tests.proposals.conftest import full_form

HYPO = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def errors_of(html: str, field_id: str) -> list[str]:
    """The messages shown beside one input (its error block follows it)."""
    m = re.search(rf'id="{re.escape(field_id)}-error"[^>]*>(.*?)</div>', html, re.S)
    if m:
        return re.findall(r"<span>(.*?)</span>", m.group(1), re.S)
    # row cells: the error block follows the input inside the same <td>
    m = re.search(
        rf'<td class="has-error"[^>]*><[^>]*id="{re.escape(field_id)}"[^>]*>.*?<div class="error"[^>]*>(.*?)</div>',
        html, re.S)
    return re.findall(r"<span>(.*?)</span>", m.group(1), re.S) if m else []


def test_start_a_draft_and_the_per_organisation_maximum(setup, login):
    call = create_call(max_proposals_per_org=1)
    client = login(setup.user)
    page = client.get(f"/proposals/calls/{call.id}/new").get_data(as_text=True)
    assert "创建申报草稿" in page
    response = client.post(f"/proposals/calls/{call.id}/new")
    assert response.status_code == 302
    proposal = db.session.scalars(db.select(Proposal).where(Proposal.call_id == call.id)).one()
    assert proposal.status == "draft" and proposal.organisation_id == setup.org.id
    again = client.post(f"/proposals/calls/{call.id}/new", follow_redirects=True).get_data(as_text=True)
    assert "贵组织在本次征集中已有 1 份申报，已达上限。" in again
    assert db.session.scalar(db.select(db.func.count()).select_from(Proposal).where(Proposal.call_id == call.id)) == 1


def test_cannot_start_on_a_closed_call(setup, login):
    call = create_call(status="closed")
    client = login(setup.user)
    page = client.get(f"/proposals/calls/{call.id}/new").get_data(as_text=True)
    assert "本次征集当前不接受申报。" in page and "start-proposal" not in page
    page = client.post(f"/proposals/calls/{call.id}/new").get_data(as_text=True)
    assert "本次征集当前不接受申报。" in page


def test_new_page_names_failed_eligibility_rules(login):
    call = create_call(min_grade=4)
    org = create_org(grade=2)
    client = login(create_applicant(org))
    page = client.get(f"/proposals/calls/{call.id}/new").get_data(as_text=True)
    assert "本次征集要求评估等级4A及以上；该组织的等级为2A。" in page


def test_save_full_draft_computes_line_totals_on_the_server(setup, login):
    client = login(setup.user)
    data = full_form(**{"budget_lines-1-unit_price": "１２.５", "budget_lines-0-quantity": "10"})
    response = client.post(f"/proposals/{setup.draft.id}/edit", data=data)
    assert response.status_code == 302
    db.session.expire_all()
    p = db.session.get(Proposal, setup.draft.id)
    assert [b.total for b in p.budget_lines] == [Decimal("20000.00"), Decimal("60000.00"), Decimal("20000.00")]
    assert p.amount_requested == Decimal("80000.00") and p.beneficiary_count == 120
    assert [i.name for i in p.indicators] == ["助餐人次"] and len(p.milestones) == 2
    page = client.get(f"/proposals/{p.id}/edit").get_data(as_text=True)
    assert "¥60,000.00" in page and 'id="grant-total">¥80,000.00' in page
    # spare empty rows for adding more without JavaScript
    assert 'name="budget_lines-4-description"' in page


def test_draft_saves_with_nothing_filled_in(setup, login):
    client = login(setup.user)
    response = client.post(f"/proposals/{setup.draft.id}/edit", data={"action": "save"})
    assert response.status_code == 302
    db.session.expire_all()
    p = db.session.get(Proposal, setup.draft.id)
    assert p.title == "" and p.budget_lines == [] and p.status == "draft"


def test_partial_budget_row_is_kept_beside_the_row_and_the_rest_saved(setup, login):
    client = login(setup.user)
    data = full_form(**{"budget_lines-3-description": "交通费", "budget_lines-3-category": "travel",
                        "budget_lines-3-funded_by": "grant", "title": "改名后的项目"})
    response = client.post(f"/proposals/{setup.draft.id}/edit", data=data)
    assert response.status_code == 302
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert errors_of(html, "budget_lines-3-unit_price") == ["请填写单价。"]
    assert errors_of(html, "budget_lines-3-quantity") == ["请填写数量。"]
    assert 'value="交通费"' in html and 'value="改名后的项目"' in html
    db.session.expire_all()
    p = db.session.get(Proposal, setup.draft.id)
    assert p.title == "改名后的项目" and len(p.budget_lines) == 3  # the valid rows are saved
    assert p.draft_raw["rows"]["budget_lines"][0]["values"]["description"] == "交通费"


def _saved_page(client, proposal, **overrides) -> str:
    response = client.post(f"/proposals/{proposal.id}/edit", data=full_form(**overrides))
    assert response.status_code == 302
    return client.get(response.headers["Location"]).get_data(as_text=True)


@pytest.mark.parametrize("raw, message", [
    ("-5", "金额不能为负数。"),
    ("abc", None),
    ("1e20", None),
    ("12.345", None),
])
def test_bad_amounts_are_shown_beside_the_field(setup, login, raw, message):
    client = login(setup.user)
    html = _saved_page(client, setup.draft, amount_requested=raw)
    errs = errors_of(html, "amount_requested")
    assert len(errs) == 1
    assert f'value="{raw}"' in html
    if message:
        assert errs == [message]


def test_zero_unit_price_and_zero_quantity_refused(setup, login):
    client = login(setup.user)
    html = _saved_page(client, setup.draft, **{"budget_lines-0-unit_price": "0", "budget_lines-1-quantity": "0"})
    assert errors_of(html, "budget_lines-0-unit_price") == ["单价必须大于零。"]
    assert errors_of(html, "budget_lines-1-quantity") == ["数字必须大于零。"]


def test_reversed_dates_refused(setup, login):
    client = login(setup.user)
    html = _saved_page(client, setup.draft, start_date="2027-12-31", end_date="2027-01-01")
    assert errors_of(html, "end_date") == ["结束日期不能早于开始日期。"]
    db.session.expire_all()
    p = db.session.get(Proposal, setup.draft.id)
    assert p.start_date.isoformat() == "2027-12-31" and p.end_date is None


def test_bad_dates_and_counts(setup, login):
    client = login(setup.user)
    html = _saved_page(client, setup.draft, start_date="2027-02-30", beneficiary_count="一百",
                       **{"milestones-0-due_date": "明天"})
    assert errors_of(html, "start_date") == ["请输入日期，例如 2027-03-31。"]
    assert errors_of(html, "beneficiary_count") == ["请输入整数，例如 120。"]
    assert errors_of(html, "milestones-0-due_date")


def test_over_long_title_refused(setup, login):
    client = login(setup.user)
    html = _saved_page(client, setup.draft, title="长" * 201)
    assert errors_of(html, "title") == ["最多 200 个字符。"]


def test_html_in_text_is_stored_as_typed_and_shown_escaped(setup, login):
    client = login(setup.user)
    evil = '<script>alert("x")</script><b>粗体</b>'
    assert client.post(f"/proposals/{setup.draft.id}/edit", data=full_form(title=evil, summary=evil)).status_code == 302
    page = client.get(f"/proposals/{setup.draft.id}").get_data(as_text=True)
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page


@HYPO
@given(raw=st.one_of(
    st.text(max_size=30),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.integers(min_value=-10**25, max_value=10**25).map(str),
    st.sampled_from(["１２３", "¥1,234.5", "1e20", "-0", "0.001", "１e３", "NaN", "Infinity", "9" * 40]),
))
def test_any_amount_text_gives_a_page_not_a_500(setup, login, raw):
    client = login(setup.user)
    response = client.post(f"/proposals/{setup.draft.id}/edit", data=full_form(
        amount_requested=raw, **{"budget_lines-0-unit_price": raw, "budget_lines-0-quantity": raw,
                                 "indicators-0-target": raw, "beneficiary_count": raw}))
    assert response.status_code in (302, 422)


@HYPO
@given(text=st.text(min_size=0, max_size=300))
def test_any_text_is_stored_or_refused_clearly(setup, login, text):
    client = login(setup.user)
    response = client.post(f"/proposals/{setup.draft.id}/edit", data=full_form(
        title=text, summary=text, need_analysis=text, **{"budget_lines-0-description": text,
                                                         "milestones-0-due_date": text[:12] or None}))
    assert response.status_code == 302  # saved: what cannot be read is kept as typed


def test_submitted_proposal_cannot_be_edited(setup, login):
    submitted = create_proposal(setup.call, setup.org, status="submitted")
    client = login(setup.user)
    response = client.post(f"/proposals/{submitted.id}/edit", data=full_form(title="偷偷修改"))
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/proposals/{submitted.id}")
    db.session.expire_all()
    assert db.session.get(Proposal, submitted.id).title != "偷偷修改"


def test_saving_is_audited(setup, login):
    client = login(setup.user)
    client.post(f"/proposals/{setup.draft.id}/edit", data=full_form())
    actions = db.session.scalars(db.select(AuditEvent.action).where(AuditEvent.object_type == "proposal",
                                                                     AuditEvent.object_id == setup.draft.id)).all()
    assert "proposal.save_draft" in actions


def test_an_applicant_reaches_the_proposal_form_from_the_public_call_page(login):
    from tests.factories import create_applicant, create_call

    call = create_call(status="open")
    client = login(create_applicant())
    page = client.get(f"/public/calls/{call.id}").get_data(as_text=True)
    assert f'href="/proposals/calls/{call.id}/new"' in page
    assert "为本次征集填写申报书" in page


def test_a_visitor_is_invited_to_log_in_or_register_to_apply(client):
    from tests.factories import create_call

    call = create_call(status="open")
    page = client.get(f"/public/calls/{call.id}").get_data(as_text=True)
    assert "登录后申报" in page and "/organisations/register" in page
    closed = create_call(status="closed")
    assert "登录后申报" not in client.get(f"/public/calls/{closed.id}").get_data(as_text=True)
