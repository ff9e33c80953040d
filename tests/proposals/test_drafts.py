"""Drafts never lose work (issue 9.2): every valid field is saved, what cannot be read is kept as
typed with its message, submission refuses while anything is marked; the autosave endpoint; the
section index and the budget check come from the same checks as submission."""
from __future__ import annotations

import re
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grants.extensions import db
from grants.models import AuditEvent, Proposal
from grants.services import proposals as service
from tests.factories import create_proposal
from tests.proposals.conftest import full_form
from tests.proposals.test_editing import errors_of


def _reload(proposal) -> Proposal:
    db.session.expire_all()
    return db.session.get(Proposal, proposal.id)


def _input(html: str, input_id: str) -> str:
    return re.search(rf'<(?:input|select|textarea)[^>]*\bid="{re.escape(input_id)}"[^>]*>', html).group(0)


def _problem_list(html: str) -> list[tuple[str, str]]:
    box = re.search(r'<div class="flash flash-error" role="alert" id="problems">(.*?)</div>', html, re.S)
    assert box, "no list of problems at the top"
    return re.findall(r'<li><a href="#([^"]+)">([^<]*)</a>', box.group(1))


def test_one_bad_field_no_longer_loses_the_others(setup, login):
    client = login(setup.user)
    response = client.post(f"/proposals/{setup.draft.id}/edit", data=full_form(
        title="新的项目名称", amount_requested="5万", matching_funds="5w",
        **{"budget_lines-1-unit_price": "十二块", "budget_lines-1-description": "助餐补贴（改）"}))
    assert response.status_code == 302
    p = _reload(setup.draft)
    # valid fields saved (5万 read as 50,000.00), the bad ones empty in the proposal, kept as typed
    assert p.title == "新的项目名称" and p.amount_requested == Decimal("50000.00") and p.matching_funds is None
    assert [b.description for b in p.budget_lines] == ["项目社工补贴", "餐具与保温箱（配套）"]
    assert p.draft_raw["fields"] == {"matching_funds": "5w"}
    assert p.draft_raw["rows"]["budget_lines"] == [{"at": 1, "values": {
        "category": "activities", "description": "助餐补贴（改）", "unit_price": "十二块", "quantity": "4800",
        "funded_by": "grant"}}]

    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "已保存；有 2 处需要修改（已在下方标出）。" in html  # the flash after saving
    assert "已保存；有 2 处需要修改：" in html  # the list at the top
    assert [anchor for anchor, _what in _problem_list(html)] == ["matching_funds", "budget_lines-1-unit_price"]
    assert "预算 第 2 行：单价（元）" in html
    # the raw text is back in its input, in its place among the rows, with its message
    assert 'value="5w"' in _input(html, "matching_funds")
    assert errors_of(html, "matching_funds") == [
        "请输入以元为单位的金额（用阿拉伯数字），例如 50000、5万 或 ¥50,000.00。"]
    assert 'value="十二块"' in html and errors_of(html, "budget_lines-1-unit_price")
    assert 'value="餐具与保温箱（配套）"' in _input(html, "budget_lines-2-description")
    event = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "proposal.save_draft")).all()[-1]
    assert event.data == {"unsaved": ["matching_funds", "budget_lines"]}


def test_fixing_the_fields_clears_what_was_kept(setup, login):
    client = login(setup.user)
    client.post(f"/proposals/{setup.draft.id}/edit", data=full_form(matching_funds="5w"), follow_redirects=True)
    assert _reload(setup.draft).draft_raw
    client.post(f"/proposals/{setup.draft.id}/edit", data=full_form(matching_funds="２万"), follow_redirects=True)
    p = _reload(setup.draft)
    assert p.draft_raw is None and p.matching_funds == Decimal("20000.00")
    html = client.get(f"/proposals/{p.id}/edit").get_data(as_text=True)
    assert 'id="problems"' not in html and "需要修改" not in html


def test_submission_is_refused_while_anything_is_marked(setup, login):
    client = login(setup.user)
    response = client.post(f"/proposals/{setup.draft.id}/edit",
                           data=full_form(amount_requested="8万元", matching_funds="两万", action="submit"))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "部分填写内容无法保存（已在表单中标出）：请先更正后再提交。" in html
    assert ("matching_funds", "配套资金（元）") in _problem_list(html)
    p = _reload(setup.draft)
    assert p.status == "draft" and p.amount_requested == Decimal("80000.00") and p.draft_raw
    # the detail page's submit button is refused too, and sends the applicant to the marked form
    response = client.post(f"/proposals/{p.id}/submit")
    assert response.headers["Location"].endswith(f"/proposals/{p.id}/edit?check=1")
    assert _reload(p).status == "draft"
    fields, general = service.problems(_reload(p))
    assert "matching_funds" not in fields  # reported by the form with its own message, not twice
    # corrected, it goes through
    response = client.post(f"/proposals/{p.id}/edit", data=full_form(action="submit"))
    assert response.status_code == 302 and _reload(p).status == "submitted"


def test_everything_saved_in_one_transaction_or_nothing(setup, login, monkeypatch):
    client = login(setup.user)

    def boom(*args, **kwargs):
        raise RuntimeError("audit store down")

    monkeypatch.setattr(service, "record", boom)
    response = client.post(f"/proposals/{setup.draft.id}/edit", data=full_form(title="不应保存", matching_funds="5w"))
    assert response.status_code == 500
    p = _reload(setup.draft)
    assert p.title == "长者食堂助餐服务" and p.draft_raw is None


# -- autosave --------------------------------------------------------------------------------
def _autosave(client, proposal, **overrides):
    data = full_form(**overrides)
    data.pop("action")
    return client.post(f"/proposals/{proposal.id}/autosave", data=data, headers={"Accept": "application/json"})


def test_autosave_answers_json_with_time_version_errors_and_marks(setup, login, app):
    client = login(setup.user)
    version = _reload(setup.draft).version
    response = _autosave(client, setup.draft, version=str(version), amount_requested="８万",
                         **{"indicators-0-target": "很多"})
    assert response.status_code == 200
    body = response.get_json()
    assert body["ok"] is True and body["version"] == version + 1
    assert re.fullmatch(r"\d\d:\d\d", body["saved_at"])
    assert body["message"] == f"已自动保存 {body['saved_at']}；有 1 处需要修改。"
    assert body["count"] == 1 and list(body["errors"]) == ["indicators-0-target"]
    assert body["sections"] == {"project": True, "indicators": False, "budget": True, "milestones": True}
    assert body["figures"]["grant_total"] == "80000.00" and body["figures"]["matching_share"] == "20.00"
    assert 'href="#indicators-0-target"' in body["problems_html"]
    p = _reload(setup.draft)
    assert p.amount_requested == Decimal("80000.00")
    assert p.draft_raw["rows"]["indicators"][0]["values"]["target"] == "很多"

    clean = _autosave(client, setup.draft, version=str(body["version"])).get_json()
    assert clean["message"] == f"已自动保存 {clean['saved_at']}" and clean["errors"] == {} and clean["count"] == 0
    assert all(clean["sections"].values()) and clean["problems_html"].strip() == ""


def test_autosave_refuses_a_stale_version_and_overwrites_nothing(setup, login):
    client = login(setup.user)
    version = _reload(setup.draft).version
    assert _autosave(client, setup.draft, version=str(version), title="第一个窗口").status_code == 200
    response = _autosave(client, setup.draft, version=str(version), title="第二个窗口（过时）")
    assert response.status_code == 409
    body = response.get_json()
    assert body["conflict"] is True and "此草稿已于" in body["message"]
    assert "请先复制需要的内容，再刷新页面" in body["message"]
    assert _reload(setup.draft).title == "第一个窗口"
    # the Save button gets the same answer, with what was typed still on the page
    page = client.post(f"/proposals/{setup.draft.id}/edit", data=full_form(version=str(version), title="按钮保存"))
    assert page.status_code == 409 and 'value="按钮保存"' in page.get_data(as_text=True)
    assert _reload(setup.draft).title == "第一个窗口"


def test_autosave_needs_the_csrf_token(setup, login, app):
    client = login(setup.user)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = _autosave(client, setup.draft, title="没有令牌")
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert response.status_code == 400
    assert "表单已过期" in response.get_json()["message"] or response.get_json()["error"] == 400
    assert _reload(setup.draft).title == "长者食堂助餐服务"


def test_autosave_of_a_submitted_proposal_is_refused_with_a_message(setup, login):
    submitted = create_proposal(setup.call, setup.org, status="submitted", title="已提交的项目")
    client = login(setup.user)
    response = _autosave(client, submitted, title="偷偷改")
    assert response.status_code == 409 and response.get_json()["message"] == "只有草稿可以修改。"
    assert _reload(submitted).title == "已提交的项目"


def test_autosave_of_another_organisations_draft_is_not_found(setup, login):
    client = login(setup.user_b)
    assert _autosave(client, setup.draft, title="别人的").status_code == 404
    assert _reload(setup.draft).title == "长者食堂助餐服务"


# -- the page: required marks, section index, budget check -------------------------------------
def test_required_fields_are_marked_and_the_index_shows_completion(setup, login):
    client = login(setup.user)
    blank = Proposal(call_id=setup.call.id, organisation_id=setup.org.id, status="draft", title="",
                     matching_source="")
    db.session.add(blank)
    db.session.commit()
    html = client.get(f"/proposals/{blank.id}/edit").get_data(as_text=True)
    for name in service.REQUIRED_FIELDS:
        tag = re.search(rf'<(?:input|select|textarea)[^>]*\bid="{name}"[^>]*>', html).group(0)
        assert 'aria-required="true"' in tag, name
        assert re.search(rf'<label for="{name}">[^<]*<span class="req" aria-hidden="true">\*</span>', html), name
    assert 'aria-required' not in re.search(r'<textarea[^>]*id="matching_source"[^>]*>', html).group(0)
    marks = {key: mark for mark, key in re.findall(r'class="sec-mark (done|todo)" data-section="(\w+)"', html)}
    assert marks == dict.fromkeys(("project", "indicators", "budget", "milestones"), "todo")
    assert "待完善" in html
    assert '<a href="#budget_lines-section">预算</a>' in html and 'href="#attachments"' in html

    client.post(f"/proposals/{blank.id}/edit", data=full_form())
    html = client.get(f"/proposals/{blank.id}/edit").get_data(as_text=True)
    assert re.findall(r'class="sec-mark (done|todo)"', html) == ["done"] * 4
    assert service.section_completeness(_reload(blank)) == dict.fromkeys(("project", "indicators", "budget",
                                                                          "milestones"), True)


def test_the_budget_check_shows_the_servers_figures_and_the_calls_limits(setup, login):
    client = login(setup.user)
    client.post(f"/proposals/{setup.draft.id}/edit", data=full_form(
        amount_requested="8万", matching_funds="１５,０００", **{"budget_lines-2-unit_price": "15000"}))
    html = client.get(f"/proposals/{setup.draft.id}/edit").get_data(as_text=True)
    limits = service.budget_limits(setup.call)
    for attribute, key in (("cap", "cap"), ("min-matching-share", "min_matching_share"), ("max-share", "max_share"),
                           ("capped-category", "capped_category")):
        assert f'data-{attribute}="{limits[key]}"' in html
    p = _reload(setup.draft)
    figures = service.budget_figures(setup.call, p.budget_lines, p.amount_requested, p.matching_funds)
    assert figures["matching_share"] == Decimal("15.79")  # 15000 / 95000, half-even to 0.01
    assert 'id="check-matching" class="ok">15.79%' in html
    assert f'id="check-capped" class="ok">{figures["capped_share"]}%' in html  # 20000 / 80000 = 25.00
    assert 'id="matching-total">¥15,000.00' in html


@pytest.mark.parametrize("typed", ["5万", "5万元", "￥50,000", "¥50,000.00", "50000元", "５００００", "0.5万元"])
def test_amounts_as_chinese_users_write_them_are_saved_exactly(setup, login, typed):
    client = login(setup.user)
    client.post(f"/proposals/{setup.draft.id}/edit", data=full_form(matching_funds=typed))
    p = _reload(setup.draft)
    assert p.draft_raw is None
    assert p.matching_funds == (Decimal("5000.00") if typed == "0.5万元" else Decimal("50000.00"))


def test_the_edit_page_sends_the_same_statements_whatever_the_number_of_rows(setup, login):
    from grants.models import BudgetLine
    from grants.sqlcount import recorded_statements

    client = login(setup.user)
    small = create_proposal(setup.call, setup.org, status="draft")
    big = create_proposal(setup.call, setup.org, status="draft")
    big.budget_lines = [BudgetLine(position=i, category="activities", description=f"活动{i}", unit_price=Decimal("10"),
                                   quantity=Decimal("1"), total=Decimal("10.00"), funded_by="grant")
                        for i in range(40)]
    big.draft_raw = {"fields": {"matching_funds": "5w"},
                     "rows": {"budget_lines": [{"at": 3, "values": {"category": "travel", "description": "差旅",
                                                                    "unit_price": "abc", "quantity": "1",
                                                                    "funded_by": "grant"}}]}}
    db.session.commit()
    counts = []
    for proposal in (small, big):
        db.session.expire_all()
        with recorded_statements(db.engine) as statements:
            assert client.get(f"/proposals/{proposal.id}/edit").status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1], counts


HYPO = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@HYPO
@given(typed=st.one_of(st.text(max_size=20), st.sampled_from(["5万", "５万元", "1.2万", "¥5,000.5", "五万", "5w"])))
def test_what_is_typed_is_either_saved_exactly_or_kept_exactly(setup, login, typed):
    from grants.money import MoneyError, parse_amount
    from grants.text import fold

    client = login(setup.user)
    response = client.post(f"/proposals/{setup.draft.id}/edit", data=full_form(matching_funds=typed))
    assert response.status_code == 302
    p = _reload(setup.draft)
    if not fold(typed):
        assert p.matching_funds is None and p.draft_raw is None
        return
    try:
        expected = parse_amount(typed)
    except MoneyError:
        assert p.matching_funds is None and p.draft_raw["fields"] == {"matching_funds": typed.replace("\x00", "")}
    else:
        assert p.matching_funds == expected and p.draft_raw is None
