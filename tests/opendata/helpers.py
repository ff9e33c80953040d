"""Validators for the official schemas (found at <project root>/../shared/standards, as in CI) and
a small published world: contracts in force, one tranche paid, an award without a contract."""
from __future__ import annotations

import json
from pathlib import Path

from jsonschema import Draft4Validator, Draft202012Validator, FormatChecker
from referencing import Registry
from referencing.jsonschema import DRAFT4, DRAFT202012

from grants.extensions import db
from grants.services import disbursements
from grants.timeutil import local_today
from tests.factories import create_call, create_user
from tests.factories_awards import create_award
from tests.factories_finance import create_active_contract, request_first

STANDARDS = Path(__file__).resolve().parents[2].parent / "shared" / "standards"
SHARED_TOOLS = STANDARDS.parent / "tools"


def _load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def giving_validator() -> Draft202012Validator:
    folder = STANDARDS / "360giving-1.4.3"
    package, grant = _load(folder / "360-giving-package-schema.json"), _load(folder / "360-giving-schema.json")
    registry = Registry().with_resources([(package["$id"], DRAFT202012.create_resource(package)),
                                          (grant["$id"], DRAFT202012.create_resource(grant))])
    return Draft202012Validator(package, registry=registry, format_checker=FormatChecker())


def ocds_validator() -> Draft4Validator:
    folder = STANDARDS / "ocds-1.1.5"
    package, release = _load(folder / "release-package-schema.json"), _load(folder / "release-schema.json")
    registry = Registry().with_resources([(package["id"], DRAFT4.create_resource(package)),
                                          (release["id"], DRAFT4.create_resource(release))])
    return Draft4Validator(package, registry=registry, format_checker=FormatChecker())


def errors_of(validator, data) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message[:300]}" for e in validator.iter_errors(data)]


def published_world():
    """Two contracts in force (the first with its signing tranche paid), one confirmed award whose
    contract is not signed yet, and one award still in notice (not published as a grant)."""
    call = create_call(status="decided", title="2026年度嘉兴市公益创投项目")
    paid_contract = create_active_contract("80000.00", call=call)
    other_contract = create_active_contract("50000.00", call=call)
    finance, staff = create_user("finance"), create_user("staff")
    request = request_first(paid_contract, staff)
    disbursements.approve(finance, request)
    disbursements.record_payment(finance, request, local_today(), "BANK-REF-0001")
    unsigned = create_award(call=call, amount="30000.00")
    in_notice = create_award(call=call, amount="20000.00", status="in_notice")
    db.session.commit()
    return {"call": call, "paid": paid_contract, "other": other_contract, "unsigned": unsigned,
            "in_notice": in_notice, "request": request}
