"""The 360Giving and OCDS files: valid against the official schemas (shared/standards), with the
identifiers, amounts and dates people rely on, nothing private, and a clear answer when empty."""
from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal

from grants.extensions import db
from grants.services import opendata
from grants.sqlcount import recorded_statements
from tests.factories_awards import create_award
from tests.opendata.helpers import SHARED_TOOLS, errors_of, giving_validator, ocds_validator, published_world


def _get(client, path):
    response = client.get(path)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/json"
    return response, json.loads(response.get_data(as_text=True))


def test_360giving_file_is_valid_and_has_one_grant_per_confirmed_award(client):
    world = published_world()
    _response, data = _get(client, "/open-data/360giving.json")
    assert errors_of(giving_validator(), data) == []
    grants = {g["id"]: g for g in data["grants"]}
    paid_award = world["paid"].award
    assert set(grants) == {f"360G-jxmz-award-{a.id}" for a in (paid_award, world["other"].award, world["unsigned"])}
    grant = grants[f"360G-jxmz-award-{paid_award.id}"]
    assert grant["currency"] == "CNY"
    assert grant["amountAwarded"] == 80000
    assert grant["amountDisbursed"] == 40000  # the signing tranche (50%) was paid
    org = paid_award.organisation
    assert grant["recipientOrganization"] == [{
        "id": f"CN-USCI-{org.uscc}", "name": org.name, "addressLocality": "南湖区", "addressCountry": "CN",
        "organisationType": "社会服务机构（民办非企业单位）"}]
    assert grant["fundingOrganization"] == [{"id": "CN-USCI-11330400002586130C", "name": "嘉兴市民政局"}]
    # Planned dates come from the contract when there is one, else from the proposal.
    assert grant["plannedDates"] == [{"title": "合同服务期", "startDate": "2027-01-01", "endDate": "2027-12-31"}]
    assert grants[f"360G-jxmz-award-{world['unsigned'].id}"]["plannedDates"][0]["title"] == "项目计划实施期"
    assert grant["classifications"] == [{"vocabulary": "jxmz-service-category", "code": "elderly",
                                         "title": "为老服务"}]
    assert grant["beneficiaryLocation"] == [{"name": "南湖区", "countryCode": "CN"}]
    assert grant["grantProgramme"][0]["title"] == "2026年度嘉兴市公益创投项目"


def test_ocds_file_is_valid_with_tranches_as_milestones_and_payments_as_transactions(client):
    world = published_world()
    _response, data = _get(client, "/open-data/ocds.json")
    assert errors_of(ocds_validator(), data) == []
    releases = {r["ocid"]: r for r in data["releases"]}
    paid = world["paid"]
    assert set(releases) == {f"ocds-jxmz01-{c.number}" for c in (paid, world["other"])}
    release = releases[f"ocds-jxmz01-{paid.number}"]
    roles = {p["id"]: p["roles"] for p in release["parties"]}
    assert "buyer" in roles["CN-USCI-11330400002586130C"]
    assert "supplier" in roles[f"CN-USCI-{paid.organisation.uscc}"]
    contract = release["contracts"][0]
    assert contract["id"] == paid.number and contract["awardID"] == release["awards"][0]["id"]
    assert contract["value"] == {"amount": 80000, "currency": "CNY"}
    assert contract["period"] == {"startDate": "2027-01-01T00:00:00+08:00", "endDate": "2027-12-31T23:59:59+08:00"}
    assert [m["status"] for m in contract["milestones"]] == ["met", "scheduled", "scheduled"]
    assert [m["type"] for m in contract["milestones"]] == ["financing"] * 3
    assert "40,000.00" in contract["milestones"][0]["description"]
    transactions = contract["implementation"]["transactions"]
    assert len(transactions) == 1
    assert transactions[0]["value"] == {"amount": 40000, "currency": "CNY"}
    assert transactions[0]["payee"]["id"] == f"CN-USCI-{paid.organisation.uscc}"
    assert "implementation" in release["tag"]
    other = releases[f"ocds-jxmz01-{world['other'].number}"]
    assert "implementation" not in other["contracts"][0] and "implementation" not in other["tag"]


def test_nothing_private_is_published(client):
    world = published_world()
    org = world["paid"].organisation
    for path in ("/open-data/360giving.json", "/open-data/ocds.json"):
        text = client.get(path).get_data(as_text=True)
        for private in (org.bank_account, org.bank_name, org.contact_phone, org.contact_email, org.address,
                        org.contact_name, "BANK-REF-0001"):
            assert private not in text, f"{private} published in {path}"


def test_with_an_empty_database_the_files_answer_404_with_a_reason(client):
    """Decision: both standards require at least one record (minItems 1), so there is no valid
    empty package; the address answers 404 with a JSON explanation, and the page says so."""
    assert errors_of(giving_validator(), {"grants": []})  # why: an empty package is invalid
    for path in ("/open-data/360giving.json", "/open-data/ocds.json"):
        response = client.get(path)
        assert response.status_code == 404
        body = response.get_json()
        assert body["error"] == 404
        assert body["message"] == "尚未公开任何资助项目或合同，而该标准不允许空文件。首个立项确认后再来获取。"
    page = client.get("/open-data/").get_data(as_text=True)
    assert 'id="nothing-yet"' in page and 'id="giving-link"' not in page


def test_open_data_page_explains_files_licence_and_prefixes_and_is_in_the_navigation(client):
    published_world()
    page = client.get("/open-data/").get_data(as_text=True)
    for text in ("360G-jxmz", "ocds-jxmz01", "CN-USCI", "CC BY 4.0", "https://creativecommons.org/licenses/by/4.0/",
                 'href="/open-data/360giving.json"', 'href="/open-data/ocds.json"'):
        assert text in page
    home = client.get("/public/calls").get_data(as_text=True)
    assert 'href="/open-data/"' in home


def test_the_shared_command_line_validator_accepts_both_files(client, tmp_path):
    published_world()
    for kind, path in (("360giving", "/open-data/360giving.json"), ("ocds", "/open-data/ocds.json")):
        target = tmp_path / f"{kind}.json"
        target.write_bytes(client.get(path).get_data())
        result = subprocess.run([sys.executable, str(SHARED_TOOLS / "validate_open_data.py"), kind, str(target)],
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "0 schema errors" in result.stdout


def test_the_files_are_cached_until_the_data_changes_and_answer_304(client):
    world = published_world()
    first = client.get("/open-data/360giving.json")
    etag = first.headers["ETag"]
    assert client.get("/open-data/360giving.json", headers={"If-None-Match": etag}).status_code == 304
    with recorded_statements(db.engine) as seen:
        again = opendata.build("360giving")
    assert len(seen) == 1, seen  # only the fingerprint
    assert again.etag in etag
    award = world["unsigned"]
    award.amount = Decimal("31000.00")
    db.session.commit()
    changed = client.get("/open-data/360giving.json", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    grants = {g["id"]: g for g in changed.get_json()["grants"]}
    assert grants[f"360G-jxmz-award-{award.id}"]["amountAwarded"] == 31000


def test_building_takes_the_same_number_of_statements_for_3_and_12_awards(app):
    counts = []
    for extra in (0, 9):
        for _ in range(extra):
            create_award(amount="10000.00")
        published_world()
        for kind in opendata.KINDS:
            with app.test_request_context():
                with recorded_statements(db.engine) as seen:
                    assert opendata.build(kind, cached=False) is not None
                counts.append((kind, len(seen)))
    assert counts[:2] == counts[2:], counts


def test_demo_data_exports_validate(runner, client):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    _r, giving = _get(client, "/open-data/360giving.json")
    _r, ocds = _get(client, "/open-data/ocds.json")
    assert errors_of(giving_validator(), giving) == []
    assert errors_of(ocds_validator(), ocds) == []
    assert giving["grants"] and ocds["releases"]
    assert all(g["id"].startswith("360G-jxmz-") for g in giving["grants"])
    assert any("implementation" in r["tag"] for r in ocds["releases"])  # the demo's paid tranche
