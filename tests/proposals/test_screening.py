"""Staff screening: list with filters in constant queries, pass/fail with reasons, exports."""
from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from grants.extensions import db
from grants.models import OutboxMessage, Proposal
from grants.sqlcount import recorded_statements
from tests.factories import create_call, create_org, create_proposal, create_user


def count_queries():
    return recorded_statements(db.engine)


@pytest.fixture
def screening_call(db):
    call = create_call(title="2026年度为老服务公益创投")
    districts = ["南湖区", "秀洲区", "海宁市"]
    for i in range(60):
        org = create_org(name=f"社会组织{i:02d}", district=districts[i % 3], grade=(i % 5) + 1)
        p = create_proposal(call, org, status="submitted", title=f"项目{i:02d}")
        p.category = "elderly" if i % 2 else "youth"
    db.session.commit()
    create_proposal(call, create_org(), status="draft", title="未提交的草稿")
    return call


def test_screening_list_uses_a_constant_number_of_queries(screening_call, login):
    client = login(create_user("staff"))
    counts = {}
    client.get(f"/proposals/calls/{screening_call.id}/screening?per_page=1")  # warm up
    for size in (5, 50):
        db.session.expire_all()
        with count_queries() as statements:
            response = client.get(f"/proposals/calls/{screening_call.id}/screening?per_page={size}")
        assert response.status_code == 200
        assert response.get_data(as_text=True).count('href="/proposals/') >= size
        counts[size] = list(statements)
    assert len(counts[5]) == len(counts[50]), "\n---\n".join("\n".join(v) for v in counts.values())


def test_drafts_are_not_listed_and_filters_work(screening_call, login):
    client = login(create_user("staff"))
    html = client.get(f"/proposals/calls/{screening_call.id}/screening?per_page=100").get_data(as_text=True)
    assert "未提交的草稿" not in html and html.count('<td><a href="/proposals/') == 60
    html = client.get(f"/proposals/calls/{screening_call.id}/screening?district=秀洲区&grade=2&per_page=100"
                      ).get_data(as_text=True)
    # i % 3 == 1 and i % 5 == 1 → i in {1, 16, 31, 46}
    titles = sorted(t for t in ("项目01", "项目16", "项目31", "项目46") if t in html)
    assert titles == ["项目01", "项目16", "项目31", "项目46"] and "项目04" not in html
    html = client.get(f"/proposals/calls/{screening_call.id}/screening?q=社会组织07").get_data(as_text=True)
    assert "项目07" in html and "项目08" not in html
    html = client.get(f"/proposals/calls/{screening_call.id}/screening?category=youth&q=项目0").get_data(as_text=True)
    assert "项目02" in html and "项目03" not in html


def test_bad_filter_values_do_not_break_the_page(screening_call, login):
    client = login(create_user("staff"))
    for query in ("grade=abc", "status=nonsense", "page=-3", "per_page=x", "q=%25_%25", "category=<b>"):
        assert client.get(f"/proposals/calls/{screening_call.id}/screening?{query}").status_code == 200


def test_fail_needs_a_reason_and_notifies(setup, login):
    submitted = create_proposal(setup.call, setup.org, status="submitted", title="社区助残项目")
    client = login(setup.staff)
    response = client.post(f"/proposals/{submitted.id}/screen", data={"decision": "fail", "reason": ""},
                           follow_redirects=True)
    assert "请填写资格审核不通过的原因。" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Proposal, submitted.id).status == "submitted"
    client.post(f"/proposals/{submitted.id}/screen", data={"decision": "fail", "reason": "未提供年检证明"})
    db.session.expire_all()
    p = db.session.get(Proposal, submitted.id)
    assert p.status == "screened_out" and p.screening_note == "未提供年检证明" and p.screened_by_id == setup.staff.id
    mail = db.session.scalars(db.select(OutboxMessage)).one()
    assert mail.to_address == setup.user.email and "未提供年检证明" in mail.body
    # the applicant sees the reason on the timeline
    page = login(setup.user).get(f"/proposals/{p.id}").get_data(as_text=True)
    assert "未提供年检证明" in page


def test_pass_and_it_cannot_be_screened_twice(setup, login):
    submitted = create_proposal(setup.call, setup.org, status="submitted")
    client = login(setup.staff)
    client.post(f"/proposals/{submitted.id}/screen", data={"decision": "pass", "reason": ""})
    db.session.expire_all()
    assert db.session.get(Proposal, submitted.id).status == "screened_in"
    html = client.post(f"/proposals/{submitted.id}/screen", data={"decision": "fail", "reason": "x"},
                       follow_redirects=True).get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Proposal, submitted.id).status == "screened_in"
    assert 'id="screening-form"' not in html


def test_drafts_cannot_be_screened(setup, login):
    client = login(setup.staff)
    client.post(f"/proposals/{setup.draft.id}/screen", data={"decision": "pass"})
    db.session.expire_all()
    assert db.session.get(Proposal, setup.draft.id).status == "draft"


def test_csv_export_has_bom_and_amounts_as_numbers(setup, login):
    create_proposal(setup.call, setup.org, status="submitted", title="长者助餐", amount_requested="80000.00")
    response = login(setup.staff).get(f"/proposals/calls/{setup.call.id}/screening/export.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][1] == "项目名称"
    assert rows[1][1] == "长者助餐" and rows[1][7] == "80000.00" and rows[1][2] == setup.org.name
    assert "（元）" in rows[0][7] or "元" in rows[0][7]   # the unit is in the header
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]


def test_xlsx_export_has_numbers(setup, login):
    create_proposal(setup.call, setup.org, status="submitted", title="长者助餐", amount_requested="80000.40",
                    matching_funds="20000.00")
    response = login(setup.staff).get(f"/proposals/calls/{setup.call.id}/screening/export.xlsx?status=submitted")
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.data)).active
    assert ws["B2"].value == "长者助餐"
    assert ws["H2"].value == pytest.approx(80000.4) and isinstance(ws["H2"].value, (int, float))
    assert ws["H2"].number_format == "#,##0.00"


def test_unknown_export_format_is_404(setup, login):
    assert login(setup.staff).get(f"/proposals/calls/{setup.call.id}/screening/export.pdf").status_code == 404


def test_staff_dashboard_links_to_screening_with_waiting_count(setup, login):
    create_proposal(setup.call, setup.org, status="submitted")
    create_proposal(setup.call, setup.org_b, status="screened_in")
    html = login(setup.staff).get("/dashboard").get_data(as_text=True)
    assert f"/proposals/calls/{setup.call.id}/screening?status=submitted" in html
    assert "1 份待审" in html


def test_export_links_carry_the_active_filters_only(screening_call, login):
    import re

    client = login(create_user("staff"))
    html = client.get(f"/proposals/calls/{screening_call.id}/screening?district=秀洲区&fmt=exe&page=2"
                      ).get_data(as_text=True)
    links = re.findall(r'href="([^"]*/screening/export\.(?:csv|xlsx)[^"]*)"', html)
    assert links == [f"/proposals/calls/{screening_call.id}/screening/export.csv?district=%E7%A7%80%E6%B4%B2%E5%8C%BA",
                     f"/proposals/calls/{screening_call.id}/screening/export.xlsx?district=%E7%A7%80%E6%B4%B2%E5%8C%BA"]


def test_fail_without_a_reason_comes_back_as_chosen_with_the_reason_marked(login):
    """Issue 9.3: the decision stays 不通过, the reason box is marked, nothing is recorded."""
    call = create_call(status="closed")
    proposal = create_proposal(call, status="submitted", title="助浴服务项目")
    client = login(create_user("staff"))
    response = client.post(f"/proposals/{proposal.id}/screen", data={"decision": "fail", "reason": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert '<option selected value="fail">' in html
    error = html[html.index('id="reason-error"'):html.index("</div>", html.index('id="reason-error"'))]
    assert "原因" in error
    db.session.expire_all()
    assert db.session.get(Proposal, proposal.id).status == "submitted"


def test_nothing_is_preselected_and_the_form_follows_the_proposal(login):
    call = create_call(status="closed")
    proposal = create_proposal(call, status="submitted")
    client = login(create_user("staff"))
    html = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    form = html[html.index('id="screening-form"'):]
    assert '<option value="">' in form and "selected" not in form[:form.index("</select>")]
    assert html.index('id="screening-form"') > html.index(proposal.summary)   # read first, then decide
    response = client.post(f"/proposals/{proposal.id}/screen", data={"reason": ""})
    assert response.status_code == 422 and 'id="decision-error"' in response.get_data(as_text=True)
    assert db.session.get(Proposal, proposal.id).status == "submitted"


def test_screening_shows_the_systems_eligibility_result(login):
    call = create_call(status="closed", min_grade=4)
    weak = create_proposal(call, create_org(grade=3), status="submitted")
    strong = create_proposal(call, create_org(grade=5), status="submitted")
    client = login(create_user("staff"))
    html = client.get(f"/proposals/{weak.id}").get_data(as_text=True)
    result = html[html.index('id="eligibility-result"'):html.index("</div>", html.index('id="eligibility-result"'))]
    assert "4A" in result and "3A" in result
    html = client.get(f"/proposals/{strong.id}").get_data(as_text=True)
    assert "符合本次征集的全部申报条件" in html


def test_batch_screening_records_each_and_reports_the_ones_refused(screening_call, login):
    staff = create_user("staff")
    client = login(staff)
    ids = [p.id for p in db.session.scalars(
        select(Proposal).where(Proposal.call_id == screening_call.id, Proposal.status == "submitted")
        .order_by(Proposal.id).limit(3))]
    already = db.session.get(Proposal, ids[2])
    already.status = "screened_in"
    db.session.commit()
    # a fail without a reason records nothing
    response = client.post(f"/proposals/calls/{screening_call.id}/screening/batch",
                           data={"decision": "fail", "reason": "", "proposal_ids": ids}, follow_redirects=True)
    assert "原因" in response.get_data(as_text=True)
    assert [db.session.get(Proposal, i).status for i in ids[:2]] == ["submitted", "submitted"]
    response = client.post(f"/proposals/calls/{screening_call.id}/screening/batch",
                           data={"decision": "fail", "reason": "未提供年检合格证明", "proposal_ids": ids},
                           follow_redirects=True)
    html = response.get_data(as_text=True)
    db.session.expire_all()
    assert [db.session.get(Proposal, i).status for i in ids] == ["screened_out", "screened_out", "screened_in"]
    assert "已为 2 个项目记录审核结论" in html and f"编号 {ids[2]}" in html
    mails = db.session.scalars(select(OutboxMessage)).all()
    assert all("未提供年检合格证明" in m.body for m in mails if "初审" in m.subject or "资格" in m.subject)
    page = client.get(f"/proposals/calls/{screening_call.id}/screening").get_data(as_text=True)
    assert 'id="batch-screening"' in page and 'name="proposal_ids"' in page
