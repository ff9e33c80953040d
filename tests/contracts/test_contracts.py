"""Contracts: numbering, PDF versions with verification codes, signing, activation and
announcement, the clause editor's sandbox, and who may see what."""
from __future__ import annotations

import hashlib
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from grants.extensions import db
from grants.models import AuditEvent, ContractVersion, OutboxMessage, User
from grants.services import ServiceError, files
from grants.services import contracts as service
from grants.timeutil import add_working_days, local_today, now_utc, to_local
from tests.factories import create_applicant, create_call, create_org, create_user
from tests.factories_awards import create_award
from tests.factories_proposals import PDF_BYTES

PNG_BYTES = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
             b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")


@pytest.fixture
def staff():
    return create_user("staff", email="contracts-staff@example.org")


@pytest.fixture
def award():
    call = create_call(status="decided", title="2026年度嘉兴市公益创投项目征集")
    org = create_org(name="嘉兴市南湖区堃𠮷社会工作服务中心", legal_representative="陈堃",
                     bank_name="中国工商银行嘉兴南湖支行", bank_account="1204060109001234567")
    create_applicant(org, email="grantee@example.org")
    return create_award(call, org, amount="100000.01", requested="120000.00")


def _text(pdf: bytes) -> tuple[str, int]:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() or "" for page in reader.pages), len(reader.pages)


def _pdf_of(version: ContractVersion) -> bytes:
    return files.path_for(version.stored_file.sha256).read_bytes()


def test_generated_contract_prints_everything_the_law_asks(staff, award):
    contract = service.generate(staff, award)
    year = to_local(now_utc()).year
    assert contract.number == f"JXGY-{year}-0001"
    (version,) = contract.versions
    pdf = _pdf_of(version)
    assert hashlib.sha256(pdf).hexdigest() == version.stored_file.sha256
    text, pages = _text(pdf)
    flat = text.replace(" ", "").replace("\n", "")
    assert pages >= 3
    for needle in ("嘉兴市民政局", "11330400002586130C", award.organisation.uscc, "堃𠮷社会工作服务中心",
                   "¥100,000.01", "人民币壹拾万元零壹分", version.verification_code, contract.number,
                   "违约责任", "争议解决", "不可抗力", "保密与信息公开", "资金专账核算", "合同变更与解除",
                   "绩效目标与验收", f"共{pages}页"):
        assert needle.replace(" ", "") in flat, needle
    # 50/30/20 of ¥100,000.01: the remainder fen goes to the last tranche, and they add up exactly.
    for part in ("¥50,000.00", "¥30,000.00", "¥20,000.01"):
        assert part in flat, part
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "contract.generate"))
    assert event.data["sha256"] == version.stored_file.sha256
    (mail,) = db.session.scalars(select(OutboxMessage).where(OutboxMessage.to_address == "grantee@example.org"))
    assert contract.number in mail.subject and f"/contracts/{contract.id}" in mail.body


def test_numbers_are_sequential_and_never_reused(staff, award):
    first = service.generate(staff, award)
    second = service.generate(staff, create_award(amount="50000.00"))
    year = to_local(now_utc()).year
    assert (first.number, second.number) == (f"JXGY-{year}-0001", f"JXGY-{year}-0002")
    with pytest.raises(ServiceError):
        service.generate(staff, award)  # one contract per award


def test_only_a_confirmed_award_gets_a_contract(staff):
    proposed = create_award(status="in_notice")
    with pytest.raises(ServiceError) as refusal:
        service.generate(staff, proposed)
    assert "已确认" in refusal.value.message


def test_regenerating_adds_a_version_and_the_old_code_says_superseded(staff, award, client):
    contract = service.generate(staff, award)
    first = contract.versions[0]
    second = service.regenerate(staff, contract)
    assert second.number == 2 and second.verification_code != first.verification_code
    assert files.path_for(first.stored_file.sha256).exists()  # never overwritten
    page = client.get(f"/verify/{first.verification_code}").get_data(as_text=True)
    assert contract.number in page and first.stored_file.sha256 in page and "已被取代" in page
    page = client.get(f"/verify/{second.verification_code.lower()}").get_data(as_text=True)
    assert second.stored_file.sha256 in page and "¥100,000.01" in page and "已被取代" not in page
    assert client.get("/verify/NOPE-NOPE-NOPE").status_code == 404


def test_signing_activation_and_announcement(staff, award, login, client):
    contract = service.generate(staff, award)
    member = db.session.scalar(select(User).where(User.email == "grantee@example.org"))
    login(member)
    page = client.get(f"/contracts/{contract.id}").get_data(as_text=True)
    assert "signed-form" in page
    response = client.post(f"/contracts/{contract.id}/signed",
                           data={"file": (io.BytesIO(b"MZ\x90\x00not a scan"), "signed.pdf")},
                           content_type="multipart/form-data", follow_redirects=True)
    assert "PDF、JPEG 或 PNG" in response.get_data(as_text=True) and contract.status == "generated"
    response = client.post(f"/contracts/{contract.id}/signed",
                           data={"file": (io.BytesIO(b""), "empty.pdf")},
                           content_type="multipart/form-data", follow_redirects=True)
    assert "文件为空" in response.get_data(as_text=True)
    signed_on = local_today() - timedelta(days=1)
    client.post(f"/contracts/{contract.id}/signed",
                data={"file": (io.BytesIO(PNG_BYTES), "签章件.png"), "signed_on": signed_on.isoformat()},
                content_type="multipart/form-data")
    db.session.expire_all()
    assert contract.status == "signed_uploaded" and contract.signed_on == signed_on
    client.post("/auth/logout")
    login(staff)
    client.post(f"/contracts/{contract.id}/activate")
    db.session.expire_all()
    assert contract.status == "active" and contract.announced_on == local_today()
    assert contract.announcement_due_on == add_working_days(signed_on, 2)
    client.post("/auth/logout")
    public = client.get("/public/contracts").get_data(as_text=True)
    assert contract.number in public and "¥100,000.01" in public and local_today().isoformat() in public
    assert award.organisation.bank_account not in public


def test_staff_can_return_an_unreadable_scan(staff, award):
    contract = service.generate(staff, award)
    member = award.organisation.memberships[0].user
    service.upload_signed(member, contract, "scan.pdf", PDF_BYTES, signed_on=date(2026, 5, 1))
    with pytest.raises(ServiceError):
        service.return_signed(staff, contract, "  ")
    service.return_signed(staff, contract, "第3页未盖骑缝章")
    assert contract.status == "generated" and contract.return_reason == "第3页未盖骑缝章"
    # uploading a new scan replaces the old one and clears the reason
    service.upload_signed(member, contract, "scan2.png", PNG_BYTES, signed_on=date(2026, 5, 2))
    assert contract.status == "signed_uploaded" and contract.return_reason is None


def test_other_organisations_never_see_a_contract(staff, award, login, client):
    contract = service.generate(staff, award)
    stranger = create_applicant(create_org())
    login(stranger)
    assert client.get(f"/contracts/{contract.id}").status_code == 404
    missing = client.get(f"/contracts/{contract.id}/versions/1.pdf")
    missing.close()
    assert missing.status_code == 404
    assert client.post(f"/contracts/{contract.id}/signed",
                       data={"file": (io.BytesIO(PNG_BYTES), "x.png")},
                       content_type="multipart/form-data").status_code == 404
    assert contract.number not in client.get("/contracts/").get_data(as_text=True)


def test_finance_reads_contracts_but_cannot_activate(staff, award, login, client):
    contract = service.generate(staff, award)
    login(create_user("finance"))
    assert client.get(f"/contracts/{contract.id}").status_code == 200
    pdf = client.get(f"/contracts/{contract.id}/versions/1.pdf")
    body = pdf.get_data()
    pdf.close()
    assert pdf.status_code == 200 and body.startswith(b"%PDF")
    assert client.post(f"/contracts/{contract.id}/activate").status_code == 403


# -- the clause editor ------------------------------------------------------------------------------
def _clause_form(clauses, **changes):
    data = {}
    for clause in clauses:
        data[f"heading-{clause['key']}"] = clause["heading"]
        data[f"text-{clause['key']}"] = changes.get(clause["key"], clause["text"])
    return data


@pytest.mark.parametrize("attack", [
    "{{ ''.__class__.__mro__ }}",
    "{{ supplier.__class__.__init__.__globals__ }}",
    "{% for x in ().__class__.__base__.__subclasses__() %}{{ x }}{% endfor %}",
    "{{ config }}",
])
def test_sandbox_refuses_template_tricks_with_a_message(staff, award, login, client, attack):
    login(staff)
    clauses = service.clauses_for(award.call)
    response = client.post(f"/contracts/calls/{award.call_id}/clauses",
                           data={**_clause_form(clauses, disputes=attack), "action": "save"})
    assert response.status_code == 422
    assert "clause-disputes" in response.get_data(as_text=True)
    assert service.clauses_for(award.call)[7]["text"] == clauses[7]["text"]  # nothing saved


def test_edited_clauses_print_in_the_next_contract(staff, award, login, client):
    login(staff)
    clauses = service.clauses_for(award.call)
    text = "因本合同发生争议的，提交嘉兴仲裁委员会仲裁。乙方：{{ supplier.name }}。"
    response = client.post(f"/contracts/calls/{award.call_id}/clauses",
                           data={**_clause_form(clauses, disputes=text), "action": "preview"})
    body = response.get_data()
    response.close()
    assert response.status_code == 200 and body.startswith(b"%PDF")
    client.post(f"/contracts/calls/{award.call_id}/clauses",
                data={**_clause_form(clauses, disputes=text), "action": "save"})
    contract = service.generate(staff, award)
    flat, _pages = _text(_pdf_of(contract.versions[0]))
    assert "提交嘉兴仲裁委员会仲裁" in flat.replace("\n", "").replace(" ", "")
    assert "乙方：嘉兴市南湖区堃𠮷社会工作服务中心" in flat.replace("\n", "").replace(" ", "")


def test_render_command_generates_every_contract_of_a_call(staff, runner):
    from grants.models import Award, Call, Contract

    call = create_call(status="decided")
    call_id = call.id
    award_ids = [create_award(call, amount=f"{30000 + i}.00").id for i in range(3)]
    result = runner.invoke(args=["contracts", "render", "--call", str(call_id)])
    assert result.exit_code == 0, result.output
    assert "generated=3 failed=0 total=3" in result.output
    db.session.expire_all()
    contracts = db.session.scalars(select(Contract).where(Contract.award_id.in_(award_ids))).all()
    assert len(contracts) == 3 and len({c.number for c in contracts}) == 3
    assert sum(c.amount for c in contracts) == Decimal("90003.00")
    again = runner.invoke(args=["contracts", "render", "--call", str(call_id)])
    assert again.exit_code == 0 and "generated=0 failed=0 total=0" in again.output
    assert db.session.get(Call, call_id) is not None and db.session.get(Award, award_ids[0]) is not None


def test_contract_lists_take_the_same_statements_for_2_and_6_contracts(staff, login, client):
    from grants.models import Contract
    from grants.sqlcount import recorded_statements

    def add(n):
        for i in range(n):
            contract = service.generate(staff, create_award(amount=f"{40000 + i}.00"))
            contract.announced_on = local_today()
        db.session.commit()

    finance = create_user("finance")
    counts = {}
    add(2)
    login(finance)
    for size in (2, 6):
        if size == 6:
            add(4)
        assert db.session.query(Contract).count() == size
        db.session.expire_all()
        with recorded_statements(db.engine) as public:
            client.get("/public/contracts")
        with recorded_statements(db.engine) as inside:
            client.get("/contracts/")
        counts[size] = (len(public), len(inside))
    assert counts[2] == counts[6]
