"""Evaluations: assignment (per project, per call), never to an evaluator affiliated with the
grantee; the evaluator's queue; weighted scores and the PDF report; a failed evaluation blocks
later tranches and marks the project for attention."""
from __future__ import annotations

import io
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader
from sqlalchemy import select

from grants.extensions import db
from grants.models import Tranche
from grants.services import ServiceError, files, tranche_conditions
from grants.services import evaluations as service
from grants.services import reports as service_reports
from tests.factories import create_applicant, create_org, create_user
from tests.factories_reports import create_active_contract, submitted_report

SCORES = {"execution": Decimal("90"), "objectives": Decimal("80"), "funds": Decimal("70"), "impact": Decimal("60")}


@pytest.fixture
def staff():
    return create_user("staff", email="eval-staff@example.org")


@pytest.fixture
def grantee():
    org = create_org(name="嘉兴市秀洲区暖心社工服务社")
    return create_applicant(org, email="eval-grantee@example.org")


@pytest.fixture
def contract(staff, grantee):
    return create_active_contract(grantee.organisation, staff=staff, applicant=grantee)


@pytest.fixture
def evaluator():
    return create_user("evaluator", email="agency@example.org", name="评估员甲", affiliation="嘉兴市社会组织评估中心")


def test_an_evaluator_affiliated_with_the_grantee_is_refused(contract, staff):
    by_name = create_user("evaluator", affiliation=" 嘉兴市秀洲区暖心社工服务社 ")
    by_uscc = create_user("evaluator", affiliation=contract.organisation.uscc.lower())
    member = create_applicant(contract.organisation)
    member.set_roles(("applicant", "evaluator"))
    db.session.commit()
    for user in (by_name, by_uscc, member):
        with pytest.raises(ServiceError) as exc:
            service.assign(staff, contract, "mid", user)
        assert "与该组织有关联" in exc.value.message
    assert service.of_contract(contract) == []


def test_only_staff_or_evaluators_can_be_assigned(contract, staff):
    reviewer = create_user("reviewer")
    with pytest.raises(ServiceError) as exc:
        service.assign(staff, contract, "mid", reviewer)
    assert "请选择工作人员或第三方评估人员" in exc.value.message
    with pytest.raises(ServiceError):
        service.assign(reviewer, contract, "mid", staff)


def test_the_evaluator_sees_only_assigned_projects(contract, staff, evaluator, login, client):
    other = create_active_contract(create_org(name="另一个组织"), staff=staff)
    mine = service.assign(staff, contract, "mid", evaluator)
    theirs = service.assign(staff, other, "mid", create_user("evaluator"))
    login(evaluator)
    queue = client.get("/reports/evaluations").get_data(as_text=True)
    assert contract.award.proposal.title in queue
    assert other.award.proposal.title not in queue
    assert client.get(f"/reports/evaluations/{mine.id}").status_code == 200
    assert client.get(f"/reports/evaluations/{theirs.id}").status_code == 404
    # To evaluate, they read the project's milestone reports; not those of other projects.
    assert client.get(f"/reports/contracts/{contract.id}").status_code == 200
    assert client.get(f"/reports/contracts/{other.id}").status_code == 404
    assert client.get(f"/reports/{service_reports.milestones_of(other)[0].report.id}").status_code == 404
    # Found to be affiliated after the assignment: the project disappears for them.
    evaluator.affiliation = contract.organisation.name
    db.session.commit()
    assert client.get(f"/reports/evaluations/{mine.id}").status_code == 404
    assert contract.award.proposal.title not in client.get("/reports/evaluations").get_data(as_text=True)
    assert client.get(f"/reports/contracts/{contract.id}").status_code == 404


def test_assigning_a_call_skips_affiliated_contracts(contract, staff, evaluator):
    related = create_org(name="嘉兴市社会组织评估中心")  # the evaluator's own organisation
    own = create_active_contract(related, staff=staff, call=contract.call)
    result = service.assign_call(staff, contract.call, "final", evaluator)
    assert result == {"assigned": [contract.number], "skipped": [own.number]}
    assert [e.contract_id for e in service.queue_for(evaluator)] == [contract.id]


def test_submission_scores_prints_the_pdf_and_the_grantee_downloads_it(contract, staff, evaluator, grantee, login,
                                                                         client):
    evaluation = service.assign(staff, contract, "final", evaluator)
    login(evaluator)
    form = {"conclusion": "pass", "text": "项目执行规范，服务对象满意度高。",
            **{f"score_{k}": str(v) for k, v in SCORES.items()}}
    response = client.post(f"/reports/evaluations/{evaluation.id}", data=form)
    assert response.status_code == 302
    db.session.expire_all()
    assert evaluation.status == "submitted"
    assert evaluation.score == Decimal("77.00")  # (90×30 + 80×30 + 70×20 + 60×20) / 100
    assert evaluation.conclusion == "pass"
    client.post("/auth/logout")
    login(grantee)
    pdf = client.get(f"/reports/evaluations/{evaluation.id}/report.pdf")
    data = pdf.get_data()
    pdf.close()
    assert pdf.status_code == 200 and data.startswith(b"%PDF")
    assert data == files.path_for(evaluation.report_file.sha256).read_bytes()
    text = "".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages).replace(" ", "")
    assert contract.number in text and "77.00" in text and "末期评估" in text
    assert "评估结论：合格" in text.replace("\n", "")
    assert tranche_conditions.refusal(Tranche(contract=contract, number=3, percentage=30, amount=Decimal("1"),
                                              condition="final")) is None


def test_bad_scores_are_shown_beside_their_fields(contract, staff, evaluator, login, client):
    evaluation = service.assign(staff, contract, "mid", evaluator)
    login(evaluator)
    response = client.post(f"/reports/evaluations/{evaluation.id}", data={
        "conclusion": "", "text": "", "score_execution": "101", "score_objectives": "abc", "score_funds": "50",
        "score_impact": "50"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "请输入0到100之间的分数，最多两位小数。" in page
    assert "请选择" in page and "请填写评估意见" in page
    db.session.expire_all()
    assert evaluation.status == "assigned"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(score=st.one_of(st.text(max_size=20), st.decimals(allow_nan=True, allow_infinity=True).map(str),
                       st.sampled_from(["1e999", "-0", "１００", "99.999", "NaN", "50，5"])))
def test_any_score_text_gets_a_page_never_a_500(contract, staff, evaluator, login, score):
    evaluation = service.assign(staff, contract, "mid", evaluator) if not service.of_contract(contract) \
        else service.of_contract(contract)[0]
    client = login(evaluator)
    response = client.post(f"/reports/evaluations/{evaluation.id}", data={
        "conclusion": "fail", "text": "", **{f"score_{k}": score for k in SCORES}})
    assert response.status_code == 422  # the text is missing: never submitted, never a 500
    assert "请填写评估意见" in response.get_data(as_text=True)


def test_a_failed_evaluation_blocks_later_tranches_and_marks_the_contract(contract, staff, evaluator, grantee,
                                                                          login, client):
    submitted_report(contract, grantee)
    from grants.services import reports

    reports.accept(staff, reports.milestones_of(contract)[0].report)
    # activation made the tranches from the call's plan: signing, milestone 1, final
    tranches = list(db.session.scalars(select(Tranche).where(Tranche.contract_id == contract.id)
                                       .order_by(Tranche.number)))
    assert [(t.condition, t.milestone_number) for t in tranches] == [("signing", None), ("milestone", 1),
                                                                        ("final", None)]
    assert tranche_conditions.refusal(tranches[1]) is None
    evaluation = service.assign(staff, contract, "mid", evaluator)
    service.submit(evaluator, evaluation, SCORES, "fail", "服务记录与实际不符。")
    assert tranche_conditions.needs_attention(contract)
    assert tranche_conditions.refusal(tranches[0]) is None
    assert tranche_conditions.refusal(tranches[1]) == "评估不合格，本期资金暂停拨付。"
    assert tranche_conditions.refusal(tranches[2]) == "评估不合格，本期资金暂停拨付。"
    login(staff)
    for url in (f"/contracts/{contract.id}", f"/reports/contracts/{contract.id}"):
        assert "评估不合格：本项目需重点关注" in client.get(url).get_data(as_text=True)


def test_a_submitted_evaluation_cannot_be_reassigned_or_resubmitted(contract, staff, evaluator):
    evaluation = service.assign(staff, contract, "mid", evaluator)
    service.submit(evaluator, evaluation, SCORES, "pass", "良好")
    with pytest.raises(ServiceError):
        service.assign(staff, contract, "mid", create_user("evaluator"))
    with pytest.raises(ServiceError):
        service.submit(evaluator, evaluation, SCORES, "fail", "改主意")
    assert evaluation.conclusion == "pass"
