"""Finance: the money of every call (pool, awarded, paid, approved-not-paid, remaining), each
contract's tranches with why a tranche may not be paid yet, payment requests raised by staff and
approved and paid by finance (maker-checker), the queue of requests waiting for this user,
batch approval, the payment-approval PDF and CSV/XLSX exports. Staff and finance see every
page; other roles get 404 (403 on pages that name no object)."""
from __future__ import annotations

import io

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from grants import permissions
from grants.exports import spreadsheet, tables
from grants.extensions import db
from grants.finance.forms import ConfirmForm, PaymentForm, ReasonForm, RequestForm
from grants.models import Call, Contract, Disbursement, StoredFile, Tranche
from grants.services import ServiceError, files
from grants.services import disbursements as service
from grants.services import finance as finance_service
from grants.services.audit import history
from grants.services.tranche_conditions import refusal as tranche_refusal
from grants.timeutil import now_utc, to_local
from grants.views import flash_form_errors, flash_refusal, get_or_404, paginate, refuse
from grants.workflows import DISBURSEMENT

bp = Blueprint("finance", __name__)


@bp.before_request
@login_required
def _finance_only():
    if not permissions.can_view_finance(current_user):
        refuse()


def _finance_acts():
    if not permissions.is_finance(current_user):
        abort(403)


def _staff_acts():
    if not permissions.is_staff(current_user):
        abort(403)


@bp.route("/")
def index():
    page = paginate(select(Call).where(Call.status.in_(("closed", "decided", "archived")))
                    .order_by(Call.closes_at.desc(), Call.id.desc()))
    return render_template("finance/index.html", page=page, overall=finance_service.overall(),
                           totals=finance_service.totals_by_call([c.id for c in page.items]),
                           waiting=service.waiting_count(current_user))


@bp.route("/calls/<int:call_id>")
def call(call_id):
    call = get_or_404(Call, call_id)
    from grants.services import awards as awards_service

    contracts = service.contracts_of_call(call)
    return render_template("finance/call.html", call=call, totals=finance_service.totals_by_call([call.id])[call.id],
                           awards=awards_service.awards_of(call), contracts=contracts,
                           sums=service.amounts_by_status([c.id for c in contracts]))


@bp.route("/contracts/<int:contract_id>")
def contract(contract_id):
    contract = get_or_404(Contract, contract_id)
    tranches = service.tranches_of(contract)
    requests = service.of_contract(contract)
    refusals = {t.id: service.request_refusal(t) for t in tranches}
    return render_template("finance/contract.html", contract=contract, tranches=tranches, requests=requests,
                           refusals=refusals, requestable=[t for t in tranches if refusals[t.id] is None],
                           conditions={t.id: tranche_refusal(t) for t in tranches},
                           committed=service.committed_total(contract.id), form=RequestForm(),
                           terminate_form=ReasonForm())


@bp.route("/tranches/<int:tranche_id>/request", methods=["POST"])
def request_payment(tranche_id):
    tranche = get_or_404(Tranche, tranche_id)
    _staff_acts()
    form = RequestForm()
    if form.validate_on_submit():
        upload = request.files.get("invoice")
        try:
            disbursement = service.request(current_user, tranche, form.invoice_amount.data,
                                           upload.filename if upload else None, upload.read() if upload else b"")
        except ServiceError as exc:
            flash_refusal(exc)
        else:
            flash(_("Payment of tranche %(n)d requested; finance have been told.", n=tranche.number), "success")
            return redirect(url_for("finance.disbursement", disbursement_id=disbursement.id))
    else:
        flash_form_errors(form)
    return redirect(url_for("finance.contract", contract_id=tranche.contract_id))


@bp.route("/contracts/<int:contract_id>/terminate", methods=["POST"])
def terminate(contract_id):
    contract = get_or_404(Contract, contract_id)
    _staff_acts()
    form = ReasonForm()
    if form.validate_on_submit():
        from grants.services import contracts as contracts_service

        try:
            contracts_service.terminate(current_user, contract, form.reason.data)
        except ServiceError as exc:
            flash(exc.message, "error")
        else:
            flash(_("Contract %(number)s is terminated; its open payment requests are cancelled.",
                    number=contract.number), "success")
    else:
        flash_form_errors(form)
    return redirect(url_for("finance.contract", contract_id=contract.id))


@bp.route("/disbursements")
def disbursements():
    status = request.args.get("status")
    page = paginate(service.all_requests(status if status in DISBURSEMENT.states else None))
    return render_template("finance/disbursements.html", page=page, status=status,
                           statuses=DISBURSEMENT.statuses)


@bp.route("/disbursements/export.<fmt>")
def export(fmt):
    if fmt not in spreadsheet.FORMATS:
        abort(404)
    status = request.args.get("status")
    rows = db.session.scalars(service.all_requests(status if status in DISBURSEMENT.states else None)).unique()
    stamp = to_local(now_utc()).strftime("%Y%m%d-%H%M")
    return spreadsheet.download(fmt, f"disbursements-{stamp}", [tables.disbursements(rows)])


@bp.route("/queue")
def queue():
    page = paginate(service.awaiting(current_user))
    return render_template("finance/queue.html", page=page, form=ConfirmForm(),
                           steps={d.id: DISBURSEMENT.steps_for(d, current_user) for d in page.items})


@bp.route("/queue/approve", methods=["POST"])
def batch_approve():
    _finance_acts()
    if not ConfirmForm().validate_on_submit():
        flash(_("The form has expired. Reload the page and try again."), "error")
        return redirect(url_for("finance.queue"))
    ids = request.form.getlist("ids")
    if not ids:
        flash(_("Choose at least one request to approve."), "error")
        return redirect(url_for("finance.queue"))
    results = service.batch_approve(current_user, ids)
    done = sum(1 for r in results if r.ok)
    flash(_("%(done)d of %(total)d requests approved.", done=done, total=len(results)),
          "success" if done == len(results) else "error")
    for r in results:
        if not r.ok:
            flash(_("Request %(id)d: %(message)s", id=r.id, message=r.message), "error")
    return redirect(url_for("finance.queue"))


@bp.route("/disbursements/<int:disbursement_id>")
def disbursement(disbursement_id):
    d = get_or_404(Disbursement, disbursement_id)
    return render_template("finance/disbursement.html", d=d, chain=service.chain(d), history=history(d),
                           steps=DISBURSEMENT.steps_for(d, current_user),
                           approval_refusal=service.approval_refusal(current_user, d),
                           form=ConfirmForm(), reason_form=ReasonForm(), payment_form=PaymentForm())


def _decide(disbursement_id, form_class, act, success: str):
    """The four finance decisions share one shape: load (404), finance only (403), the form, the
    service call (`act(d, form)`), a message, back to the request."""
    d = get_or_404(Disbursement, disbursement_id)
    _finance_acts()
    form = form_class()
    if form.validate_on_submit():
        try:
            act(d, form)
        except ServiceError as exc:
            flash_refusal(exc)
        else:
            flash(success, "success")
    else:
        flash_form_errors(form)
    return redirect(url_for("finance.disbursement", disbursement_id=d.id))


@bp.route("/disbursements/<int:disbursement_id>/approve", methods=["POST"])
def approve(disbursement_id):
    return _decide(disbursement_id, ConfirmForm, lambda d, form: service.approve(current_user, d),
                   _("Your approval has been recorded."))


@bp.route("/disbursements/<int:disbursement_id>/return", methods=["POST"])
def return_request(disbursement_id):
    return _decide(disbursement_id, ReasonForm,
                   lambda d, form: service.return_request(current_user, d, form.reason.data),
                   _("The request was returned to programme staff with your reason."))


def _pay(d, form):
    if form.paid_on.parse_error:
        raise ServiceError(form.paid_on.parse_error)
    service.record_payment(current_user, d, form.paid_on.data, form.reference.data)


@bp.route("/disbursements/<int:disbursement_id>/pay", methods=["POST"])
def pay(disbursement_id):
    return _decide(disbursement_id, PaymentForm, _pay, _("Payment recorded: the tranche is paid."))


@bp.route("/disbursements/<int:disbursement_id>/failed", methods=["POST"])
def payment_failed(disbursement_id):
    return _decide(disbursement_id, ReasonForm,
                   lambda d, form: service.payment_failed(current_user, d, form.reason.data),
                   _("The failed payment is recorded; the request stays approved to pay again."))


@bp.route("/disbursements/<int:disbursement_id>/invoice")
def invoice(disbursement_id):
    d = get_or_404(Disbursement, disbursement_id)
    stored = db.session.get(StoredFile, d.invoice_file_id) if d.invoice_file_id else None
    if stored is None:
        abort(404)
    path = files.path_for(stored.sha256)
    if not path.exists():
        abort(404)
    return send_file(path, mimetype=stored.content_type, as_attachment=True,
                     download_name=d.invoice_name or "invoice", max_age=0)


@bp.route("/disbursements/<int:disbursement_id>/approval.pdf")
def approval_pdf(disbursement_id):
    d = get_or_404(Disbursement, disbursement_id)
    pdf = service.approval_pdf(d)
    return send_file(io.BytesIO(pdf), mimetype="application/pdf", as_attachment=True,
                     download_name=f"付款审批单-{d.contract.number}-{d.tranche.number}.pdf", max_age=0)
