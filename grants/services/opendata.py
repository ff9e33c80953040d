"""Open data: the confirmed awards as a 360Giving 1.4.3 package and the announced contracts as an
OCDS 1.1.5 release package (the schemas are in ../shared/standards).

Identifiers:
- organisations: the org-id.guide scheme for China's 统一社会信用代码 is `CN-USCI` (Unified Social
  Credit Identifier; "CN-USCC" is not a registered scheme), so an organisation is
  `CN-USCI-<USCC>` and the bureau `CN-USCI-<FUNDER_USCC>` (or FUNDER_ORG_ID);
- grants: `360G-<OPEN_DATA_PREFIX>-award-<award id>`; contracts: ocid
  `ocds-<OCDS_PREFIX>-<contract number>`.

Nothing private is published: no bank account, phone, e-mail, address, payment reference,
reviewer or score of a reviewer. Each package is built from a constant number of statements
(column selects, no objects), serialised once and kept until the data changes (a fingerprint of
the tables it is built from, read in one statement). Both standards require at least one record,
so with nothing published `build()` returns None and the view answers 404 with an explanation.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from flask import current_app, url_for
from flask_babel import force_locale
from sqlalchemy import and_, func, select

from grants import labels
from grants.extensions import db
from grants.models import Award, Call, Contract, Disbursement, Organisation, Proposal, Tranche
from grants.timeutil import to_local

ORG_SCHEME = "CN-USCI"
PUBLISHED_CONTRACTS = ("active", "terminated")
GIVING_VERSION = "1.4"
OCDS_VERSION = "1.1"
KINDS = ("360giving", "ocds")


@dataclass
class Export:
    body: bytes
    etag: str
    records: int


def org_id(uscc: str) -> str:
    return f"{ORG_SCHEME}-{uscc}"


def funder() -> dict:
    config = current_app.config
    return {"id": config.get("FUNDER_ORG_ID") or org_id(config["FUNDER_USCC"]), "name": config["FUNDER_NAME"]}


def number(value: Decimal):
    """A JSON number for an amount: an int when whole, else the shortest float (exact for fen)."""
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)


def _day(value: datetime | date | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return to_local(value).date().isoformat()
    return value.isoformat()


def _stamp(value: datetime | date | None, *, end: bool = False) -> str | None:
    """An RFC 3339 date-time in Beijing time (a date becomes its local midnight, or its last
    second with `end`)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return to_local(value).replace(microsecond=0).isoformat()
    return f"{value.isoformat()}T{'23:59:59' if end else '00:00:00'}+08:00"


# -- the fingerprint: one statement says whether anything published may have changed ---------
def fingerprint() -> str:
    parts = []
    for model in (Award, Contract, Disbursement, Organisation, Proposal, Call):
        parts.append(select(func.count(model.id)).scalar_subquery())
        parts.append(select(func.coalesce(func.sum(model.version), 0)).scalar_subquery())
    parts.append(select(func.coalesce(func.max(Tranche.id), 0)).scalar_subquery())
    row = db.session.execute(select(*parts)).one()
    config = current_app.config
    settings = (config["OPEN_DATA_PREFIX"], config["OCDS_PREFIX"], config["FUNDER_NAME"], config["FUNDER_USCC"],
                config.get("FUNDER_ORG_ID"), config["OPEN_DATA_LICENSE"], config["BASE_URL"])
    return hashlib.sha256(repr((tuple(row), settings)).encode()).hexdigest()[:32]


def build(kind: str, *, cached: bool = True) -> Export | None:
    """The serialised package of `kind` ('360giving' or 'ocds'), or None when nothing is published."""
    store = current_app.extensions.setdefault("grants_open_data", {})
    key = fingerprint()
    hit = store.get(kind)
    if cached and hit is not None and hit[0] == key:
        return hit[1]
    with force_locale("zh_CN"):  # the data is published in Chinese whatever the visitor's language
        package = giving_package() if kind == "360giving" else ocds_package()
    records = len(package["grants"] if kind == "360giving" else package["releases"]) if package else 0
    export = None
    if package is not None:
        body = json.dumps(package, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        export = Export(body=body, etag=f"{kind}-{key}", records=records)
    store[kind] = (key, export)
    return export


# -- 360Giving ------------------------------------------------------------------------------
def giving_rows():
    """Confirmed awards with what a grant needs, one row each (one statement)."""
    return db.session.execute(
        select(Award.id, Award.amount, Award.confirmed_at, Award.decided_at,
               Proposal.title, Proposal.summary, Proposal.category, Proposal.amount_requested,
               Proposal.start_date, Proposal.end_date,
               Organisation.name, Organisation.uscc, Organisation.district, Organisation.org_type,
               Call.id, Call.title,
               Contract.starts_on, Contract.ends_on)
        .join(Proposal, Proposal.id == Award.proposal_id)
        .join(Organisation, Organisation.id == Award.organisation_id)
        .join(Call, Call.id == Award.call_id)
        .outerjoin(Contract, Contract.award_id == Award.id)
        .where(Award.status == "confirmed")
        .order_by(Award.id)
    ).all()


def paid_per_award() -> dict[int, Decimal]:
    rows = db.session.execute(
        select(Contract.award_id, func.sum(Disbursement.amount))
        .join(Disbursement, Disbursement.contract_id == Contract.id)
        .where(Disbursement.status == "paid")
        .group_by(Contract.award_id)
    ).all()
    return {award_id: total for award_id, total in rows}


def giving_package() -> dict | None:
    config = current_app.config
    prefix = config["OPEN_DATA_PREFIX"]
    city = config["FUNDER_CITY"]
    rows = giving_rows()
    if not rows:
        return None
    paid = paid_per_award()
    funding = funder()
    vocabulary = f"{prefix}-service-category"
    categories, org_types = _labels(labels.CATEGORY_LABELS), _labels(labels.ORG_TYPE_LABELS)
    call_urls: dict[int, str] = {}  # one url_for per call, not per grant
    grants = []
    last = None
    for (award_id, amount, confirmed_at, decided_at, title, summary, category, requested, p_start, p_end,
         org_name, uscc, district, org_type, call_id, call_title, c_start, c_end) in rows:
        awarded_at = confirmed_at or decided_at
        last = max(last, awarded_at) if last else awarded_at
        grant = {
            "id": f"360G-{prefix}-award-{award_id}",
            "title": title or call_title,
            "description": summary or title or call_title,
            "currency": "CNY",
            "amountAppliedFor": number(requested),
            "amountAwarded": number(amount),
            "amountDisbursed": number(paid.get(award_id, Decimal("0"))),
            "awardDate": _day(awarded_at),
            "recipientOrganization": [{
                "id": org_id(uscc), "name": org_name, "addressLocality": district or city,
                "addressCountry": "CN", "organisationType": org_types.get(org_type, org_type),
            }],
            "fundingOrganization": [dict(funding)],
            "grantProgramme": [{"code": f"{prefix}-call-{call_id}", "title": call_title,
                                "url": call_urls.get(call_id) or call_urls.setdefault(
                                    call_id, _url("public.call", call_id=call_id))}],
            "fromOpenCall": "Yes",
            "beneficiaryLocation": [{"name": district or city, "countryCode": "CN"}],
        }
        start, end = c_start or p_start, c_end or p_end
        if start or end:
            event = {"title": "合同服务期" if c_start else "项目计划实施期"}
            if start:
                event["startDate"] = start.isoformat()
            if end:
                event["endDate"] = end.isoformat()
            grant["plannedDates"] = [event]
        if category:
            grant["classifications"] = [{"vocabulary": vocabulary, "code": category,
                                         "title": categories.get(category, category)}]
        grants.append(grant)
    return {
        "version": GIVING_VERSION,
        "title": f"{config['FUNDER_NAME']}公益创投与政府购买服务资助项目",
        "description": "已确认立项的资助项目（每项一条），金额单位人民币元。",
        "identifier": f"360G-{prefix}-grants",
        "modified": _stamp(last),
        "license": config["OPEN_DATA_LICENSE"],
        "publisher": {"identifier": funding["id"], "name": funding["name"]},
        "grants": grants,
    }


# -- OCDS -----------------------------------------------------------------------------------
def ocds_rows():
    """Announced contracts (in force or terminated) with their award, call and supplier."""
    return db.session.execute(
        select(Contract.id, Contract.number, Contract.status, Contract.version, Contract.amount,
               Contract.starts_on, Contract.ends_on, Contract.signed_on, Contract.activated_at,
               Award.id, Award.amount, Award.confirmed_at, Award.decided_at,
               Proposal.title, Proposal.summary,
               Organisation.name, Organisation.uscc, Organisation.district,
               Call.id, Call.title, Call.description)
        .join(Award, Award.id == Contract.award_id)
        .join(Proposal, Proposal.id == Award.proposal_id)
        .join(Organisation, Organisation.id == Contract.organisation_id)
        .join(Call, Call.id == Contract.call_id)
        .where(Contract.status.in_(PUBLISHED_CONTRACTS))
        .order_by(Contract.id)
    ).all()


def _grouped(stmt) -> dict[int, list]:
    out: dict[int, list] = {}
    for row in db.session.execute(stmt):
        out.setdefault(row[0], []).append(row)
    return out


def tranches_by_contract() -> dict[int, list]:
    return _grouped(
        select(Tranche.contract_id, Tranche.id, Tranche.number, Tranche.percentage, Tranche.amount,
               Tranche.condition, Tranche.milestone_number)
        .join(Contract, Contract.id == Tranche.contract_id)
        .where(Contract.status.in_(PUBLISHED_CONTRACTS))
        .order_by(Tranche.contract_id, Tranche.number))


def payments_by_contract() -> dict[int, list]:
    """Paid disbursements only: requests in approval are not money paid."""
    return _grouped(
        select(Disbursement.contract_id, Disbursement.id, Disbursement.tranche_id, Disbursement.amount,
               Disbursement.paid_on, Disbursement.paid_at)
        .join(Contract, and_(Contract.id == Disbursement.contract_id, Contract.status.in_(PUBLISHED_CONTRACTS)))
        .where(Disbursement.status == "paid")
        .order_by(Disbursement.contract_id, Disbursement.id))


def _labels(table: dict) -> dict[str, str]:
    """A label table translated once (a lazy string costs a catalog lookup every time it is read)."""
    return {code: str(label) for code, label in table.items()}


def _milestone_title(number_: int, percentage: int, condition: str, milestone_number: int | None,
                     conditions: dict[str, str]) -> str:
    when = conditions.get(condition, condition)
    if condition == "milestone" and milestone_number:
        when = f"{when}（第{milestone_number}个里程碑）"
    return f"第{number_}期拨付（{percentage}%）：{when}"


def ocds_package() -> dict | None:
    config = current_app.config
    rows = ocds_rows()
    if not rows:
        return None
    tranches = tranches_by_contract()
    payments = payments_by_contract()
    buyer = funder()
    buyer_ref = {"id": buyer["id"], "name": buyer["name"]}
    buyer_party = {
        "id": buyer["id"], "name": buyer["name"],
        "identifier": {"scheme": ORG_SCHEME, "id": config["FUNDER_USCC"], "legalName": buyer["name"]},
        "address": {"locality": config["FUNDER_CITY"], "countryName": "中国"},
        "roles": ["buyer", "procuringEntity", "payer"],
    }
    prefix = f"ocds-{config['OCDS_PREFIX']}"
    conditions = _labels(labels.TRANCHE_CONDITION_LABELS)
    source = _url("public.contracts")
    releases = []
    latest = None
    for (contract_id, contract_number, status, version, contract_amount, starts_on, ends_on, signed_on,
         activated_at, award_id, award_amount, confirmed_at, decided_at, title, summary, org_name, uscc,
         district, call_id, call_title, call_description) in rows:
        paid_rows = payments.get(contract_id, [])
        paid_on_by_tranche = {r[2]: r[4] for r in paid_rows}
        changed = max([activated_at or confirmed_at or decided_at] + [r[5] for r in paid_rows if r[5]])
        latest = max(latest, changed) if latest else changed
        supplier = {"id": org_id(uscc), "name": org_name}
        value = {"amount": number(contract_amount), "currency": "CNY"}
        milestones = []
        for _cid, tranche_id, n, percentage, amount, condition, milestone_number in tranches.get(contract_id, []):
            milestone = {
                "id": f"tranche-{n}", "title": _milestone_title(n, percentage, condition, milestone_number, conditions),
                "type": "financing", "code": condition,
                "description": f"本期金额人民币{amount:,.2f}元。",
                "status": "met" if tranche_id in paid_on_by_tranche else "scheduled",
            }
            if tranche_id in paid_on_by_tranche:
                milestone["dateMet"] = _stamp(paid_on_by_tranche[tranche_id])
            milestones.append(milestone)
        contract = {
            "id": contract_number, "awardID": f"award-{award_id}", "title": title or call_title,
            "description": summary or title or call_title, "status": status, "value": value,
            "period": {k: _stamp(v, end=k == "endDate") for k, v in (("startDate", starts_on), ("endDate", ends_on))
                       if v},
            "milestones": milestones,
        }
        if signed_on:
            contract["dateSigned"] = _stamp(signed_on)
        if paid_rows:
            contract["implementation"] = {"transactions": [
                {"id": f"disbursement-{d_id}", "date": _stamp(paid_on), "source": source,
                 "value": {"amount": number(amount), "currency": "CNY"}, "payer": buyer_ref, "payee": supplier}
                for _cid, d_id, _tid, amount, paid_on, _paid_at in paid_rows]}
        ocid = f"{prefix}-{contract_number}"
        releases.append({
            "ocid": ocid,
            "id": f"{contract_number}-{version}-{len(paid_rows)}",
            "date": _stamp(changed),
            "tag": ["award", "contract"] + (["implementation"] if paid_rows else []),
            "initiationType": "tender",
            "language": "zh",
            "parties": [buyer_party, {
                **supplier, "identifier": {"scheme": ORG_SCHEME, "id": uscc, "legalName": org_name},
                "address": {"locality": district or config["FUNDER_CITY"], "countryName": "中国"},
                "roles": ["supplier", "tenderer", "payee"]}],
            "buyer": buyer_ref,
            "tender": {"id": f"call-{call_id}", "title": call_title, "description": call_description or call_title,
                       "status": "complete", "procurementMethod": "open", "mainProcurementCategory": "services",
                       "procuringEntity": buyer_ref},
            "awards": [{"id": f"award-{award_id}", "title": title or call_title, "status": "active",
                        "date": _stamp(confirmed_at or decided_at),
                        "value": {"amount": number(award_amount), "currency": "CNY"}, "suppliers": [supplier]}],
            "contracts": [contract],
        })
    return {
        "uri": _url("opendata.ocds"),
        "version": OCDS_VERSION,
        "publishedDate": _stamp(latest),
        "publisher": {"name": buyer["name"], "scheme": ORG_SCHEME, "uid": config["FUNDER_USCC"]},
        "license": config["OPEN_DATA_LICENSE"],
        "publicationPolicy": _url("opendata.index"),
        "releases": releases,
    }


def _url(endpoint: str, **values) -> str:
    """An absolute URL on BASE_URL (never the Host header of the request being answered)."""
    return current_app.config["BASE_URL"].rstrip("/") + url_for(endpoint, **values)
