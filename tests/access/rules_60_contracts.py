"""Contracts: staff generate and activate; finance read; the contracted organisation downloads
and uploads the signed copy; others do not see them (404); anyone verifies a code."""
import io

from grants.services import contracts
from tests.access import OK, ROLES, STAFF, Rule, only
from tests.factories_awards import create_award

FINANCE = ("finance", "finance_senior")
READERS = FINANCE + ("applicant",)  # they see the contract, so a refused action may say 403
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")


def extend_world(w):
    staff = w.users["staff"]
    w.ct_award = create_award(org=w.org_a, amount="60000.00")
    w.contract = contracts.generate(staff, w.ct_award)
    w.ct_code = w.contract.versions[0].verification_code
    w.ct_pending = create_award(org=w.org_a, amount="40000.00")
    w.ct_signed = contracts.generate(staff, create_award(org=w.org_a, amount="30000.00"))
    contracts.upload_signed(w.users["applicant"], w.ct_signed, "scan.png", PNG)


def _clauses_form():
    from grants.pdf.contract import DEFAULT_CLAUSES

    data = {"action": "save"}
    for c in DEFAULT_CLAUSES:
        data[f"heading-{c['key']}"] = c["heading"]
        data[f"text-{c['key']}"] = c["text"]
    return data


def _readers():
    """Staff, finance and the organisation's own applicant; to other applicants it does not exist."""
    return only(STAFF + FINANCE + ("applicant",), default=404, reviewer=404)


RULES = [
    Rule("contracts.index", "GET", lambda w: "/contracts/", only(STAFF + FINANCE + ("applicant", "other_applicant"))),
    Rule("contracts.call", "GET", lambda w: f"/contracts/calls/{w.ct_award.call_id}",
         only(STAFF + FINANCE, default=404)),
    Rule("contracts.generate", "POST", lambda w: f"/contracts/awards/{w.ct_pending.id}/generate",
         only(STAFF, default=404), data=lambda w: {}),
    Rule("contracts.detail", "GET", lambda w: f"/contracts/{w.contract.id}", _readers()),
    Rule("contracts.regenerate", "POST", lambda w: f"/contracts/{w.contract.id}/regenerate",
         only(STAFF, default=404, finance=403, finance_senior=403, applicant=403), data=lambda w: {},
         visible=READERS),
    Rule("contracts.version_pdf", "GET", lambda w: f"/contracts/{w.contract.id}/versions/1.pdf", _readers()),
    Rule("contracts.signed", "GET", lambda w: f"/contracts/{w.ct_signed.id}/signed", _readers()),
    Rule("contracts.signed", "POST", lambda w: f"/contracts/{w.contract.id}/signed",
         only(("applicant",), default=404, staff=403, admin=403, finance=403, finance_senior=403),
         data=lambda w: {"file": (io.BytesIO(PNG), "signed.png")}, visible=READERS),
    Rule("contracts.return_signed", "POST", lambda w: f"/contracts/{w.ct_signed.id}/return",
         only(STAFF, default=404, finance=403, finance_senior=403, applicant=403),
         data=lambda w: {"reason": "印章不清晰"}, visible=READERS),
    Rule("contracts.activate", "POST", lambda w: f"/contracts/{w.ct_signed.id}/activate",
         only(STAFF, default=404, finance=403, finance_senior=403, applicant=403), data=lambda w: {},
         visible=READERS),
    Rule("contracts.clauses", "GET", lambda w: f"/contracts/calls/{w.ct_award.call_id}/clauses",
         only(STAFF, default=404)),
    Rule("contracts.clauses", "POST", lambda w: f"/contracts/calls/{w.ct_award.call_id}/clauses",
         only(STAFF, default=404),
         data=lambda w: _clauses_form()),
    Rule("verify.verify", "GET", lambda w: f"/verify/{w.ct_code}", {r: OK for r in ROLES}),
    Rule("public.contracts", "GET", lambda w: "/public/contracts", {r: OK for r in ROLES}),
]
