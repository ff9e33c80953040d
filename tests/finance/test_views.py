"""The finance pages as people use them: the contract's tranche table with the reason a tranche
cannot be paid yet, staff requesting with the invoice, finance approving and recording the
payment, the queue (never one's own request), batch approval reported per item, exports, and
fuzzed input that never gives a 500. Lists load in a constant number of statements."""
from __future__ import annotations

import io
import string
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from grants.extensions import db
from grants.models import Disbursement
from grants.services import disbursements
from grants.sqlcount import recorded_statements
from grants.timeutil import local_today
from tests.factories import create_user
from tests.factories_finance import PNG, create_active_contract, request_first


def _text(response) -> str:
    return response.get_data(as_text=True)


def test_the_contract_page_says_why_each_tranche_may_not_be_paid_and_staff_request_the_first(login):
    staff = create_user("staff")
    contract = create_active_contract("80000.00")
    client = login(staff)
    page = _text(client.get(f"/finance/contracts/{contract.id}"))
    assert "可以：拨付条件已满足。" in page
    assert "第1个里程碑的报告尚未验收" in page or "尚未验收" in page
    assert "末期评估尚未通过" in page
    assert 'id="request-1"' in page and 'id="request-2"' not in page
    tranche = disbursements.tranches_of(contract)[0]
    response = client.post(f"/finance/tranches/{tranche.id}/request",
                           data={"invoice_amount": "3万", "invoice": (io.BytesIO(PNG), "发票.png")})
    assert "两者金额必须一致" in _text(client.get(response.headers["Location"]))
    response = client.post(f"/finance/tranches/{tranche.id}/request",
                           data={"invoice_amount": "4万", "invoice": (io.BytesIO(PNG), "发票.png")},
                           follow_redirects=True)
    page = _text(response)
    assert "已申请拨付第 1 期资金" in page and "已申请：等待财务审批" in page
    assert db.session.scalar(db.select(Disbursement.status)) == "requested"


def test_finance_approve_and_record_the_payment_and_the_totals_follow(login):
    staff, finance = create_user("staff"), create_user("finance")
    contract = create_active_contract("80000.00")
    d = request_first(contract, staff)
    client = login(finance)
    page = _text(client.get("/finance/queue"))
    assert f'id="request-{d.id}"' in page
    page = _text(client.post(f"/finance/disbursements/{d.id}/approve", follow_redirects=True))
    assert "已审批：待支付" in page
    page = _text(client.post(f"/finance/disbursements/{d.id}/pay",
                             data={"paid_on": local_today().isoformat(), "reference": "JX-2026-001"},
                             follow_redirects=True))
    assert "已登记支付" in page and "JX-2026-001" in page
    totals = _text(client.get(f"/finance/calls/{contract.call_id}"))
    assert '<dd id="total-paid">¥40,000.00</dd>' in totals
    overall = _text(client.get("/finance/"))
    assert '<dd id="overall-paid">¥40,000.00</dd>' in overall


def test_a_requester_never_sees_their_own_request_as_actionable(login):
    both = create_user("staff", "finance")
    d = request_first(create_active_contract("80000.00"), both)
    client = login(both)
    assert f'id="request-{d.id}"' not in _text(client.get("/finance/queue"))
    page = _text(client.get(f"/finance/disbursements/{d.id}"))
    assert "该申请由您发起，须由他人审批。" in page
    assert f"/finance/disbursements/{d.id}/approve" not in page
    assert "须由他人审批" in _text(client.post(f"/finance/disbursements/{d.id}/approve", follow_redirects=True))
    assert db.session.get(Disbursement, d.id).status == "requested"


def test_batch_approve_reports_each_failure_and_approves_the_rest(login):
    staff = create_user("staff")
    both = create_user("staff", "finance")
    good = [request_first(create_active_contract("80000.00"), staff) for _ in range(2)]
    own = request_first(create_active_contract("80000.00"), both)
    client = login(both)
    page = _text(client.post("/finance/queue/approve",
                             data={"ids": [str(good[0].id), str(own.id), "abc", "99999999999999999999",
                                           str(good[1].id)]}, follow_redirects=True))
    assert "共 3 笔申请，已审批 2 笔。" in page
    assert f"申请 {own.id}：该申请由您发起，须由他人审批。" in page
    db.session.expire_all()
    assert [db.session.get(Disbursement, d.id).status for d in good + [own]] == ["approved", "approved", "requested"]
    assert "请至少选择一笔" in _text(client.post("/finance/queue/approve", data={}, follow_redirects=True))


def test_exports_list_the_requests_in_csv_and_xlsx(login):
    staff = create_user("staff")
    contract = create_active_contract("80000.00")
    request_first(contract, staff)
    client = login(create_user("finance"))
    csv_text = client.get("/finance/disbursements/export.csv").get_data().decode("utf-8-sig")
    assert "申请编号" in csv_text and contract.number in csv_text and ",40000.00," in csv_text  # a number
    book = load_workbook(io.BytesIO(client.get("/finance/disbursements/export.xlsx").get_data()))
    rows = list(book.active.values)
    assert rows[1][1] == contract.number and float(rows[1][5]) == 40000.0
    assert client.get("/finance/disbursements/export.exe").status_code == 404


def test_terminating_from_the_finance_page_cancels_the_open_request(login):
    staff = create_user("staff")
    contract = create_active_contract("80000.00")
    d = request_first(contract, staff)
    client = login(staff)
    assert "请填写合同终止原因" in _text(client.post(f"/finance/contracts/{contract.id}/terminate",
                                                     data={"reason": ""}, follow_redirects=True))
    page = _text(client.post(f"/finance/contracts/{contract.id}/terminate", data={"reason": "承接单位严重违约"},
                             follow_redirects=True))
    assert "已终止" in page
    assert db.session.get(Disbursement, d.id).status == "cancelled"


def test_the_approval_pdf_downloads(login):
    d = request_first(create_active_contract("80000.00"), create_user("staff"))
    response = login(create_user("finance")).get(f"/finance/disbursements/{d.id}/approval.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")


# -- bad input never gives a 500 -------------------------------------------------------------------
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=150)
AMOUNTS = st.one_of(TEXT, st.decimals(allow_nan=True, allow_infinity=True).map(str),
                    st.integers(min_value=-10**30, max_value=10**30).map(str),
                    st.sampled_from(["4万", "40000.001", "-40000", "1e400", "NaN", "４００００", "¥40,000.00"]))
DATES = st.one_of(TEXT, st.dates().map(lambda d: d.isoformat()),
                  st.sampled_from(["2026-02-30", "0000-01-01", "9999-12-31", "2026/01/01", ""]))
REFERENCES = st.one_of(TEXT, st.text(alphabet=string.printable, min_size=90, max_size=130),
                       st.sampled_from(["", " ", "\x00", "=cmd|' /C calc'!A0", "流水号\u200b123"]))


@pytest.fixture
def fuzz_setup():
    staff, finance = create_user("staff"), create_user("finance")
    contract = create_active_contract("80000.00")
    approved = request_first(contract, staff)
    disbursements.approve(finance, approved)
    other = create_active_contract("80000.00")
    return {"staff": staff, "finance": finance, "approved_id": approved.id,
            "tranche_id": disbursements.tranches_of(other)[0].id}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(amount=AMOUNTS)
def test_fuzzed_invoice_amounts_get_a_message_never_a_500(fuzz_setup, login, amount):
    client = login(fuzz_setup["staff"])
    response = client.post(f"/finance/tranches/{fuzz_setup['tranche_id']}/request",
                           data={"invoice_amount": amount, "invoice": (io.BytesIO(PNG), "x.png")})
    assert response.status_code == 302
    page = _text(client.get(response.headers["Location"]))
    assert "flash-error" in page or "已申请拨付" in page


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(paid_on=DATES, reference=REFERENCES)
def test_fuzzed_payment_dates_and_references_get_a_message_never_a_500(fuzz_setup, login, paid_on, reference):
    client = login(fuzz_setup["finance"])
    response = client.post(f"/finance/disbursements/{fuzz_setup['approved_id']}/pay",
                           data={"paid_on": paid_on, "reference": reference})
    assert response.status_code == 302
    page = _text(client.get(response.headers["Location"]))
    d = db.session.get(Disbursement, fuzz_setup["approved_id"])
    db.session.refresh(d)
    assert "flash-error" in page or d.status == "paid"
    if d.status == "paid":
        assert d.paid_on <= local_today() and 0 < len(d.payment_reference) <= 100


def test_a_payment_dated_before_the_request_is_refused(login):
    finance = create_user("finance")
    d = request_first(create_active_contract("80000.00"), create_user("staff"))
    disbursements.approve(finance, d)
    page = _text(login(finance).post(f"/finance/disbursements/{d.id}/pay", data={
        "paid_on": (local_today() - timedelta(days=400)).isoformat(), "reference": "X"}, follow_redirects=True))
    assert "支付日期不能早于申请日期" in page


# -- constant statements ---------------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/finance/disbursements", "/finance/queue"])
def test_finance_lists_use_the_same_number_of_statements_for_5_and_50_rows(login, path):
    staff, finance = create_user("staff"), create_user("finance")
    call = create_active_contract("80000.00").call
    for _ in range(55):
        contract = create_active_contract("80000.00", call=call)
        tranche = disbursements.tranches_of(contract)[0]
        db.session.add(Disbursement(tranche_id=tranche.id, contract_id=contract.id, status="requested",
                                    amount=tranche.amount, requested_by_id=staff.id))
    db.session.commit()
    client = login(finance)
    client.get(path + "?per_page=1")
    counts = {}
    for size in (5, 50):
        db.session.expire_all()
        with recorded_statements(db.engine) as seen:
            response = client.get(f"{path}?per_page={size}")
        assert response.status_code == 200
        assert _text(response).count('<tr id="request-') == size
        counts[size] = list(seen)
    assert len(counts[5]) == len(counts[50]), "\n---\n".join("\n".join(v) for v in counts.values())
