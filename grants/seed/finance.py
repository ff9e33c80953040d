"""Demo money: tranches for every contract in force (backfilled if activated earlier), and the
first tranche of the active demo contract requested by staff with the organisation's invoice,
approved by finance (two approvers at or above the threshold) and paid, so the finance pages have
content. Idempotent: each stage is skipped once done."""
from __future__ import annotations

import io

from sqlalchemy import select

from grants.extensions import db
from grants.models import Contract, Disbursement
from grants.services import disbursements
from grants.timeutil import local_today

STAFF_EMAIL = "staff@demo.jx.gov.cn"
FINANCE_EMAIL = "finance@demo.jx.gov.cn"
SENIOR_EMAIL = "senior@demo.jx.gov.cn"


def invoice_png(text: str) -> bytes:
    """A small picture standing in for the scanned invoice (增值税普通发票) of the demo."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (420, 160), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((8, 8, 411, 151), outline=(150, 40, 40), width=3)
    draw.text((24, 30), "INVOICE (demo)", fill=(150, 40, 40))
    draw.text((24, 70), text, fill="black")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def run(ctx: dict) -> None:
    disbursements.backfill()
    call = ctx.get("closed_call")
    users = ctx.get("users") or {}
    staff, finance, senior = users.get(STAFF_EMAIL), users.get(FINANCE_EMAIL), users.get(SENIOR_EMAIL)
    if call is None or staff is None or finance is None or senior is None:
        return
    contract = db.session.scalar(select(Contract).where(Contract.call_id == call.id, Contract.status == "active")
                                 .order_by(Contract.id))
    if contract is None:
        return
    tranches = disbursements.tranches_of(contract)
    if not tranches:
        return
    first = tranches[0]
    request = db.session.scalar(select(Disbursement).where(Disbursement.tranche_id == first.id)
                                .order_by(Disbursement.id.desc()))
    if request is None:
        if disbursements.request_refusal(first):
            return
        request = disbursements.request(staff, first, first.amount, f"{contract.number}-发票.png",
                                        invoice_png(f"{contract.number}  CNY {first.amount}"))
    if request.status == "requested":
        disbursements.approve(finance, request)
    if request.status == "first_approved":
        disbursements.approve(senior, request)
    if request.status == "approved":
        number = contract.number.replace(contract.number.split("-")[0], "JXCZ", 1)
        disbursements.record_payment(finance, request, local_today(), f"{number}-01")
