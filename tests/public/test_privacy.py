"""Nothing private on a public page: every public route is rendered (zh_CN and English) over the
demo data — plus objections with the objector's name and contact — and searched for the private
values in the database: bank accounts, contact people, phones, e-mail addresses, addresses,
reviewers (names, e-mail, comments), the evaluator, objectors, payment references and invoices."""
from __future__ import annotations

from sqlalchemy import select

from grants.extensions import db
from grants.models import (
    Award,
    AwardNotice,
    Call,
    CallAttachment,
    CapabilityDeclaration,
    ContractVersion,
    CriterionScore,
    Disbursement,
    Evaluation,
    Objection,
    Organisation,
    Review,
    SpotCheckDraw,
    User,
)

# Public blueprints and the home page; a public route with an argument not filled below fails
# the test, so a new public page cannot be added without being searched.
PUBLIC_BLUEPRINTS = ("public", "public_disclosure", "verify", "spotchecks_public", "opendata")
PUBLIC_ENDPOINTS = ("main.index",)


def _seed(runner):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    call_id = db.session.scalar(select(AwardNotice.call_id))
    award_id = db.session.scalar(select(Award.id).where(Award.call_id == call_id))
    db.session.add_all([
        Objection(reference="YY-PRIV-0001", call_id=call_id, award_id=award_id, status="dismissed",
                  name="欧阳举报人", contact="13987654321", text="异议正文不公开", resolution="经核查，异议不成立。"),
        Objection(reference="YY-PRIV-0002", call_id=call_id, award_id=award_id, status="pending",
                  name="司马待定", contact="objector@example.net", text="待处理异议正文"),
    ])
    db.session.commit()


def _private_values() -> set[str]:
    values = set()
    for org in db.session.scalars(select(Organisation)):
        values |= {org.bank_account, org.contact_phone, org.contact_email, org.address, org.contact_name}
        if org.bank_account:
            values.add(org.bank_account.replace(" ", ""))
    for user in db.session.scalars(select(User)):
        values.add(user.email)
        if user.has_role("reviewer", "evaluator", "finance", "finance_senior"):
            values.add(user.name)
    for o in db.session.scalars(select(Objection)):
        values |= {o.name, o.contact, o.text}
    values |= set(db.session.scalars(select(Review.overall_comment)))
    values |= set(db.session.scalars(select(CriterionScore.comment)))
    values |= set(db.session.scalars(select(Evaluation.text)))
    values |= set(db.session.scalars(select(Disbursement.payment_reference)))
    values |= set(db.session.scalars(select(Disbursement.invoice_name)))
    # The 24-hour contacts of the emergency capability registry (staff only).
    for d in db.session.scalars(select(CapabilityDeclaration)):
        values |= {d.contact_name, d.contact_phone}
    return {v for v in values if v and len(v.strip()) >= 4}


def _arguments() -> dict[str, list]:
    return {
        "call_id": list(db.session.scalars(select(Call.id))),
        "award_id": list(db.session.scalars(select(Award.id))),
        "org_id": list(db.session.scalars(select(Organisation.id))),
        "code": list(db.session.scalars(select(ContractVersion.verification_code))),
        "fmt": ["csv"],
        "draw_id": list(db.session.scalars(select(SpotCheckDraw.id))),
        "file_id": [],
        "call_files": [tuple(r) for r in db.session.execute(select(CallAttachment.call_id, CallAttachment.id))],
    }


def _urls(app) -> list[str]:
    args = _arguments()
    urls, unknown = [], []
    with app.test_request_context():
        from flask import url_for

        for rule in app.url_map.iter_rules():
            public = rule.endpoint in PUBLIC_ENDPOINTS or rule.endpoint.split(".")[0] in PUBLIC_BLUEPRINTS
            if not public or "GET" not in rule.methods:
                continue
            names = sorted(rule.arguments)
            if any(n not in args for n in names):
                unknown.append(rule.rule)
                continue
            if not names:
                urls.append(url_for(rule.endpoint))
            elif len(names) == 1:
                urls += [url_for(rule.endpoint, **{names[0]: v}) for v in args[names[0]]]
            elif names == ["call_id", "file_id"]:  # a call's guide files
                urls += [url_for(rule.endpoint, call_id=c, file_id=f) for c, f in args["call_files"]]
            else:
                unknown.append(rule.rule)
    assert not unknown, f"public routes this test cannot fill: {unknown}"
    return urls


def test_no_public_page_shows_a_private_value(app, client, runner):
    _seed(runner)
    private = _private_values()
    assert {"欧阳举报人", "13987654321", "org1@demo.org.cn"} <= private
    assert any(v.startswith("1204 0600 0920") for v in private)
    assert sum(v.startswith("1390573") for v in private) >= 30  # the registry's 24-hour phones
    urls = _urls(app)
    shown = 0
    leaks = []
    for lang in ("zh_CN", "en"):
        client.post(f"/lang/{lang}", data={"next": "/"})
        for url in urls:
            response = client.get(url)
            if response.status_code == 404:
                continue
            assert response.status_code == 200, f"{url}: {response.status_code}"
            if not (response.mimetype.startswith("text/") or response.mimetype.endswith("json")):
                response.close()
                continue  # a guide file staff attached to a call (a template spreadsheet, a PDF)
            shown += 1
            text = response.get_data(as_text=True)
            leaks += [f"{lang} {url}: {v}" for v in private if v in text]
    assert not leaks, "\n".join(leaks)
    # The pages were really there: lists, each verified organisation, each confirmed project.
    verified = db.session.scalar(select(db.func.count()).select_from(Organisation)
                                 .where(Organisation.status == "verified"))
    assert shown >= 2 * (verified + 5)
    notice = db.session.scalar(select(AwardNotice))
    html = client.get(f"/public/calls/{notice.call_id}/notice").get_data(as_text=True)
    assert "YY-PRIV-0001" in html and "经核查，异议不成立。" in html  # the outcome is public, the objector is not
