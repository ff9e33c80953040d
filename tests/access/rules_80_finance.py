"""Tranches and payments: staff raise requests and terminate contracts; finance approve, return and
record payments; both read every finance page; to every other role the objects do not exist (404)
and the lists are refused (403). Written with only(...) so any role set is covered."""
import io

from tests.access import STAFF, Rule, only
from tests.factories import create_user
from tests.factories_finance import PNG, create_active_contract, request_first

FINANCE = ("finance", "finance_senior")
INSIDERS = STAFF + FINANCE


def extend_world(w):
    from grants.services import disbursements

    requester = create_user("staff")
    w.fin_contract = create_active_contract("80000.00", org=w.org_a)
    w.fin_tranche = disbursements.tranches_of(w.fin_contract)[0]
    w.fin_requested = request_first(create_active_contract("60000.00", org=w.org_a), requester)
    w.fin_approved = request_first(create_active_contract("50000.00", org=w.org_a), requester)
    disbursements.approve(w.users["finance"], w.fin_approved)


def _insiders():
    return only(INSIDERS, default=404)


def _finance_acts():
    return only(FINANCE, default=404, staff=403, admin=403)


def _staff_acts():
    return only(STAFF, default=404, finance=403, finance_senior=403)


RULES = [
    Rule("finance.contract", "GET", lambda w: f"/finance/contracts/{w.fin_contract.id}", _insiders()),
    Rule("finance.request_payment", "POST", lambda w: f"/finance/tranches/{w.fin_tranche.id}/request", _staff_acts(),
         data=lambda w: {"invoice_amount": "40000", "invoice": (io.BytesIO(PNG), "发票.png")}, visible=INSIDERS),
    Rule("finance.terminate", "POST", lambda w: f"/finance/contracts/{w.fin_contract.id}/terminate", _staff_acts(),
         data=lambda w: {"reason": "严重违约"}, visible=INSIDERS),
    Rule("finance.disbursements", "GET", lambda w: "/finance/disbursements", only(INSIDERS)),
    Rule("finance.export", "GET", lambda w: "/finance/disbursements/export.csv", only(INSIDERS)),
    Rule("finance.queue", "GET", lambda w: "/finance/queue", only(INSIDERS)),
    Rule("finance.batch_approve", "POST", lambda w: "/finance/queue/approve", only(FINANCE),
         data=lambda w: {"ids": [str(w.fin_requested.id)]}),
    Rule("finance.disbursement", "GET", lambda w: f"/finance/disbursements/{w.fin_requested.id}", _insiders()),
    Rule("finance.approve", "POST", lambda w: f"/finance/disbursements/{w.fin_requested.id}/approve",
         _finance_acts(), data=lambda w: {}, visible=INSIDERS),
    Rule("finance.return_request", "POST", lambda w: f"/finance/disbursements/{w.fin_requested.id}/return",
         _finance_acts(), data=lambda w: {"reason": "发票抬头有误"}, visible=INSIDERS),
    Rule("finance.pay", "POST", lambda w: f"/finance/disbursements/{w.fin_approved.id}/pay", _finance_acts(),
         data=lambda w: {"paid_on": "2026-01-05", "reference": "BANK-1"}, visible=INSIDERS),
    Rule("finance.payment_failed", "POST", lambda w: f"/finance/disbursements/{w.fin_approved.id}/failed",
         _finance_acts(), data=lambda w: {"reason": "账户名不符"}, visible=INSIDERS),
    Rule("finance.invoice", "GET", lambda w: f"/finance/disbursements/{w.fin_requested.id}/invoice", _insiders()),
    Rule("finance.approval_pdf", "GET", lambda w: f"/finance/disbursements/{w.fin_approved.id}/approval.pdf",
         _insiders()),
]
