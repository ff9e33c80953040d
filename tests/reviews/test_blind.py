"""Blind review: nothing identifying the organisation reaches a reviewer — page text, file names,
file bytes, mail — searched over every reviewer-facing response, for every identifier, in every
spelling (the responses are normalised the way masking normalises text; files are searched in
UTF-8, UTF-16 both ways, hex and PDF name escapes, inside zip members and PDF streams).

The reviewer of the sweep has blind and non-blind assignments from the same organisations: the
non-blind rows legitimately name the organisation, the blind ones never may."""
from __future__ import annotations

import random
import re

import pytest
from sqlalchemy import select

from grants.extensions import db
from grants.models import OutboxMessage, ReviewAssignment
from grants.services import files
from grants.services.redaction import MASK, identifiers, normalised
from tests.factories import create_call, create_org, create_proposal, create_user
from tests.factories_panel import create_assignment
from tests.factories_proposals import create_attachment
from tests.factories_reviews import cleared, create_review
from tests.reviews import blind_files as bf
from tests.reviews.spellings import grouped, random_spelling

PEOPLE = {
    "嘉兴市南湖区阳光社会工作服务中心": dict(short_name="阳光社工", legal_representative="欧阳明辉",
                                   contact_name="司马晓兰", contact_phone="0573-82345678",
                                   contact_email="sunshine@example.org", bank_account="6217 0000 1111 2222 333",
                                   address="嘉兴市南湖区东栅街道凌公塘路88号"),
    "海宁市春晖公益服务社": dict(short_name="春晖公益", legal_representative="诸葛秀英", contact_name="上官建国",
                        contact_phone="138 5730 1234", contact_email="chunhui@example.org",
                        bank_account="6228480012345678901", address="海宁市硖石街道文苑路18号"),
}


def make_org(name):
    org = create_org(name=name)
    for key, value in PEOPLE[name].items():
        setattr(org, key, value)
    db.session.commit()
    return org


def written(org, rng):
    """The organisation's identifiers as an applicant might type them into a proposal."""
    phone = "".join(ch for ch in org.contact_phone if ch.isdigit())
    forms = [org.name, org.name.replace("嘉兴市南湖区", "").replace("海宁市", ""), org.short_name,
             grouped(org.uscc, 4), org.legal_representative, org.contact_name, phone, grouped(phone, 4),
             org.contact_email.upper(), org.bank_account.replace(" ", ""), org.address]
    return [random_spelling(f, rng) for f in forms]


def secrets_of(org):
    return identifiers(org)


def assert_clean(text_or_bytes, orgs, where):
    text = text_or_bytes.decode("utf-8", "replace") if isinstance(text_or_bytes, bytes) else text_or_bytes
    flat = normalised(text)
    for org in orgs:
        for value in secrets_of(org):
            assert normalised(value) not in flat, f"{where}: leaks {value!r}"


def blind_proposal(call, org, rng, **kwargs):
    forms = written(org, rng)
    proposal = create_proposal(call, org, status="screened_in", title=f"{forms[0]}“银龄互助”项目", **kwargs)
    proposal.summary = "本项目由{}（{}）实施，负责人{}，联系人{}，电话{}。".format(*forms[:3], forms[4], forms[6])
    proposal.need_analysis = f"统一社会信用代码 {forms[3]}；电话 {forms[7]}；邮箱 {forms[8]}。"
    proposal.objectives = f"账户 {forms[9]}，地址 {forms[10]}。"
    proposal.matching_source = f"{forms[1]}自筹"
    proposal.budget_lines[0].description = f"{forms[5]}的社工补贴"
    proposal.indicators[0].name = f"{forms[2]}服务人次"
    proposal.milestones[0].deliverable = f"{forms[0]}中期报告"
    db.session.commit()
    create_attachment(proposal, data=bf.pdf(org.name), name=f"{org.name}申报书.pdf")
    create_attachment(proposal, data=bf.pdf_with_info_in_object_stream(org.contact_name), name="压缩.pdf")
    create_attachment(proposal, data=bf.docx(org.name), name=f"{org.contact_name}预算.docx")
    create_attachment(proposal, data=bf.xlsx(org.short_name), name=f"{org.short_name}.xlsx")
    create_attachment(proposal, data=bf.jpeg(org.legal_representative), name="现场照片.jpg")
    create_attachment(proposal, data=bf.png(org.contact_phone), name=f"{org.contact_phone}.png")
    return proposal


@pytest.fixture
def mixed(app):
    """Two organisations, each with a proposal in a blind call and one in an open call, all
    reviewed by the same reviewer; plus a blind proposal not yet declared (declaration page)."""
    rng = random.Random(20260327)
    orgs = [make_org(name) for name in PEOPLE]
    blind_call = create_call(status="closed", blind_review=True, title="2026年度公益创投（匿名评审）")
    open_call = create_call(status="closed", blind_review=False, title="2026年度政府购买服务（公开评审）")
    reviewer = create_user("reviewer", name="匿名评审专家")
    blind, visible = [], []
    for org in orgs:
        proposal = blind_proposal(blind_call, org, rng)
        cleared(proposal, reviewer)
        blind.append(proposal)
        shown = create_proposal(open_call, org, status="screened_in", title=f"{org.name}助残项目")
        cleared(shown, reviewer)
        visible.append(shown)
    pending = blind_proposal(blind_call, orgs[0], rng)
    declaration = create_assignment(pending, reviewer, status="assigned")
    other = cleared(blind[0], name="另一位专家")
    create_review(blind[0], other, total=82)
    return orgs, blind_call, blind, visible, reviewer, declaration


def _queue_rows(html):
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r"<tr>.*?</tr>", body, re.DOTALL)


def test_queue_never_names_the_organisation_under_a_blind_title(login, mixed):
    orgs, _call, blind, visible, reviewer, declaration = mixed
    html = login(reviewer).get("/panel/queue").get_data(as_text=True)
    rows = _queue_rows(html)
    assert len(rows) == 5
    for proposal in blind:
        row = next(r for r in rows if f"/reviews/proposals/{proposal.id}\"" in r)
        assert "“银龄互助”项目" in row and MASK in row
        assert_clean(row, orgs, f"queue row of blind proposal {proposal.id}")
    pending = next(r for r in rows if f"/panel/assignments/{declaration.id}/declare" in r)
    assert_clean(pending, orgs, "queue row of the undeclared blind proposal")
    for proposal, org in zip(visible, orgs, strict=True):     # the open call's rows do name it
        row = next(r for r in rows if f"/reviews/proposals/{proposal.id}\"" in r)
        assert row.count(org.name) == 2


def test_every_reviewer_facing_response_is_free_of_identity(login, mixed):
    orgs, call, blind, visible, reviewer, declaration = mixed
    client = login(reviewer)
    responses = {"declaration": client.get(f"/panel/assignments/{declaration.id}/declare"),
                 "bad declaration": client.post(f"/panel/assignments/{declaration.id}/declare", data={})}
    for proposal in blind:
        base = f"/reviews/proposals/{proposal.id}"
        responses[f"review page {proposal.id}"] = client.get(base)
        responses[f"bad post {proposal.id}"] = client.post(base, data={"action": "submit"})
        responses[f"scores {proposal.id}"] = client.get(f"{base}/scores")
        for a in proposal.attachments:
            responses[f"attachment {a.id} of {proposal.id}"] = client.get(f"{base}/attachments/{a.id}")
    data = {"action": "submit", "overall_comment": "好", "recommendation": "fund"}
    data.update({f"score_{c.id}": "8" for c in call.criteria})
    responses["submitted"] = client.post(f"/reviews/proposals/{blind[0].id}", data=data, follow_redirects=True)
    assert "其他专家1" in responses["submitted"].get_data(as_text=True)   # others' scores, no names
    for where, response in responses.items():
        assert response.status_code in (200, 400, 403, 404), where
        if where.startswith("attachment"):
            assert response.status_code == 200, where
            assert bf.leaks(response.data, [s for org in orgs for s in secrets_of(org)]) == [], where
        else:
            assert_clean(response.data, orgs, where)
        for header, value in response.headers.items():
            assert_clean(value, orgs, f"{where} header {header}")
    page = responses[f"review page {blind[0].id}"].get_data(as_text=True)
    assert "“银龄互助”项目" in page and MASK in page
    assert "另一位专家" not in responses["submitted"].get_data(as_text=True)
    for n, ext in enumerate(("pdf", "pdf", "docx", "xlsx", "jpg", "png"), start=1):
        assert f"附件{n}.{ext}" in page
    for proposal, org in zip(visible, orgs, strict=True):   # the same reviewer, the open call: named
        assert org.name in client.get(f"/reviews/proposals/{proposal.id}").get_data(as_text=True)


def test_mail_to_the_reviewer_about_a_blind_proposal_is_masked(login, mixed):
    orgs, _call, blind, _visible, reviewer, _declaration = mixed
    review = create_review(blind[0], reviewer, total=70)
    staff = create_user("staff")
    client = login(staff)
    response = client.post(f"/reviews/{review.id}/reopen",
                           data={"reason": f"请勿在意见中写{orgs[0].name}或电话{orgs[0].contact_phone}"})
    assert response.status_code == 302
    mail = db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient_id == reviewer.id)).all()
    assert len(mail) == 1 and "“银龄互助”项目" in mail[0].body and MASK in mail[0].body
    assert_clean(mail[0].subject + mail[0].body, orgs, "reopen mail")


def test_downloaded_pdf_is_rebuilt_and_named_neutrally(login, mixed):
    from io import BytesIO

    from pypdf import PdfReader

    _orgs, _call, blind, _visible, reviewer, _declaration = mixed
    pdf = blind[0].attachments[0]
    response = login(reviewer).get(f"/reviews/proposals/{blind[0].id}/attachments/{pdf.id}")
    assert response.status_code == 200
    rebuilt = PdfReader(BytesIO(response.data))
    assert len(rebuilt.pages) == 2 and rebuilt.metadata is None
    assert "filename*=UTF-8''%E9%99%84%E4%BB%B61.pdf" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "private, no-store"


def test_a_file_that_cannot_be_rebuilt_is_withheld_with_the_reason(login, mixed):
    orgs, _call, blind, _visible, reviewer, _declaration = mixed
    broken = create_attachment(blind[0], data=b"%PDF-1.4\n" + orgs[0].name.encode() + b"\n%%EOF\n", name="坏.pdf")
    response = login(reviewer).get(f"/reviews/proposals/{blind[0].id}/attachments/{broken.id}",
                                   follow_redirects=True)
    text = response.get_data(as_text=True)
    assert "该文件的属性信息无法去除（PDF 无法读取）" in text
    assert_clean(text, orgs, "withheld file")


def test_staff_and_the_applicant_see_the_same_body_unmasked(app, login, mixed):
    """One partial renders the proposal for everyone: staff see what the reviewer sees, unmasked."""
    from tests.conftest import AuthActions

    orgs, _call, blind, _visible, reviewer, _declaration = mixed
    proposal = blind[0]
    review_page = login(reviewer).get(f"/reviews/proposals/{proposal.id}").get_data(as_text=True)
    staff = app.test_client()
    AuthActions(staff).login(create_user("staff"))
    staff_page = staff.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert orgs[0].name in staff_page and orgs[0].uscc in staff_page
    assert proposal.attachments[0].original_name in staff_page
    for ident in ("amount-requested", "budget-table", "attachment-list"):
        assert f'id="{ident}"' in staff_page and f'id="{ident}"' in review_page
    assert 'id="blind-note"' in review_page and 'id="blind-note"' not in staff_page


def test_not_blind_shows_the_organisation_and_file_names(login):
    org = create_org(name="嘉兴市公开评审协会")
    call = create_call(status="closed", blind_review=False)
    proposal = create_proposal(call, org, status="screened_in")
    create_attachment(proposal, name="预算明细.pdf")
    reviewer = cleared(proposal)
    page = login(reviewer).get(f"/reviews/proposals/{proposal.id}").get_data(as_text=True)
    assert "嘉兴市公开评审协会" in page and "预算明细.pdf" in page


def test_queue_and_declaration_mask_an_identifying_title(login):
    """Even a title that names the organisation reaches the reviewer masked in a blind call."""
    org = make_org("嘉兴市南湖区阳光社会工作服务中心")
    call = create_call(status="closed", blind_review=True)
    proposal = create_proposal(call, org, status="screened_in", title="阳光社会 工作服务中心“银龄互助”项目")
    reviewer = create_user("reviewer")
    assignment = ReviewAssignment(proposal_id=proposal.id, reviewer_id=reviewer.id, status="assigned")
    db.session.add(assignment)
    db.session.commit()
    client = login(reviewer)
    for where, url in (("queue", "/panel/queue"), ("declare", f"/panel/assignments/{assignment.id}/declare")):
        response = client.get(url)
        assert response.status_code == 200, where
        assert f"{MASK}“银龄互助”项目" in response.get_data(as_text=True), where
        assert_clean(response.data, [org], where)


def test_attachment_bytes_are_served_unchanged_outside_blind_calls(login):
    org = create_org()
    proposal = create_proposal(create_call(status="closed", blind_review=False), org, status="screened_in")
    data = bf.docx(org.name)
    attachment = create_attachment(proposal, data=data, name="预算.docx")
    reviewer = cleared(proposal)
    response = login(reviewer).get(f"/reviews/proposals/{proposal.id}/attachments/{attachment.id}")
    served = response.data
    response.close()
    assert served == data and response.headers["Content-Type"].startswith(files.DOCX)


def test_short_name_given_at_registration_is_shown_and_masked(client, login):
    from grants.models import Organisation
    from grants.services.redaction import Masker
    from tests.core.test_registration import form

    response = client.post("/organisations/register", data=form(short_name=" 新青年社工 "))
    assert response.status_code == 302
    org = db.session.scalars(select(Organisation)).one()
    assert org.short_name == "新青年社工"
    client.post("/auth/logout")
    page = login(create_user("staff")).get(f"/organisations/{org.id}").get_data(as_text=True)
    assert "简称（如有）" in page and "新青年社工" in page
    assert Masker(identifiers(org)).mask("由新 青 年 社 工负责") == f"由{MASK}负责"
