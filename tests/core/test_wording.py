"""Wording users noticed (issue 9.10): one term for screening, 声明 for conflicts, 查看 for a
locked review, no "已截止 → 已截止", no empty matching rule, plurals in English, brackets that
follow the language."""
from __future__ import annotations

from datetime import timedelta

from grants import i18n
from grants.extensions import db
from grants.services import calls as calls_service
from grants.timeutil import now_utc
from tests.factories import create_call, create_proposal, create_user
from tests.factories_panel import create_assignment, create_reviewer
from tests.factories_reviews import cleared, create_review


def test_one_term_for_screening_in_every_catalog():
    offenders = []
    for path, catalog in i18n.catalogs("zh_CN"):
        for message in catalog:
            text = message.string if isinstance(message.string, str) else " ".join(message.string or ())
            if "初审" in (text or ""):
                offenders.append(f"{path.parent.parent.parent.name}: {message.id!r} → {text}")
    assert not offenders, "use 资格审核 for screening:\n" + "\n".join(offenders)


def test_reviewers_are_asked_to_declare_not_to_apply(login):
    reviewer = create_reviewer()
    html = login(reviewer).get("/panel/queue").get_data(as_text=True)
    assert "先申报利益冲突" not in html


def test_a_locked_review_is_offered_for_viewing_only(login):
    call = create_call(status="closed", review_deadline=now_utc() - timedelta(days=1))
    proposal = create_proposal(call, status="screened_in", title="已过截止时间的项目")
    reviewer = cleared(proposal)
    html = login(reviewer).get("/panel/queue").get_data(as_text=True)
    row = html[html.index("已过截止时间的项目"):]
    row = row[:row.index("</tr>")]
    assert ">查看<" in row and "查看并评审" not in row


def test_a_submitted_review_is_offered_for_viewing_only(login):
    call = create_call(status="closed")
    proposal = create_proposal(call, status="screened_in", title="已提交评审的项目")
    reviewer = cleared(proposal)
    create_review(proposal, reviewer, total=80)
    other = create_proposal(call, status="screened_in", title="待评审的项目")
    create_assignment(other, reviewer, status="cleared")
    html = login(reviewer).get("/panel/queue").get_data(as_text=True)
    done = html[html.index("已提交评审的项目"):]
    assert "查看并评审" not in done[:done.index("</tr>")]
    todo = html[html.index("待评审的项目"):]
    assert "查看并评审" in todo[:todo.index("</tr>")]


def test_call_history_says_from_where_to_where(login):
    staff = create_user("staff")
    call = create_call(status="open", closes_at=now_utc() - timedelta(minutes=1))
    calls_service.tick()
    html = login(staff).get(f"/calls/{call.id}").get_data(as_text=True)
    assert "已截止 → 已截止" not in html and "（征集中 → 已截止）" in html


def test_no_matching_rule_when_the_call_asks_for_none(client):
    call = create_call(status="open", min_matching_share=0)
    html = client.get(f"/public/calls/{call.id}").get_data(as_text=True)
    assert "配套资金" not in html
    call.min_matching_share = 20
    db.session.commit()
    assert "不低于项目总预算的20%" in client.get(f"/public/calls/{call.id}").get_data(as_text=True).replace(" ", "")


def test_english_plurals_and_brackets(login, client):
    staff = create_user("staff", locale="en")
    call = create_call(status="closed", budget_pool="100000.00", per_project_cap="100000.00",
                       reviewers_per_proposal=1)
    proposal = create_proposal(call, status="screened_in", amount_requested="50000.00")
    create_review(proposal, cleared(proposal), total=80)
    html = login(staff).get(f"/reviews/calls/{call.id}/ranking").get_data(as_text=True)
    assert "(1 proposal)" in html and "（" not in html[html.index('id="recommended-total"'):][:300]
    db.session.commit()


def test_kpi_targets_and_quantities_read_as_people_write_them(login):
    from decimal import Decimal

    from grants.models import Indicator

    proposal = create_proposal(create_call(status="closed"), status="submitted")
    proposal.indicators = [Indicator(position=0, name="服务人次", target=Decimal("7200.00"), unit="人次"),
                           Indicator(position=1, name="满意度", target=Decimal("90.00"), unit="%"),
                           Indicator(position=2, name="服务时长", target=Decimal("12.50"), unit="小时")]
    db.session.commit()
    html = login(create_user("staff")).get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert ">7,200<" in html and ">90<" in html and ">12.5<" in html
    assert "7200.00" not in html and "90.00" not in html
    assert ">1<" in html   # budget quantities: 1, not 1.00


def test_attachment_downloads_keep_their_chinese_names(login):
    from tests.factories_proposals import create_attachment

    proposal = create_proposal(create_call(status="closed"), status="submitted")
    attachment = create_attachment(proposal, name="项目申报书.pdf")
    response = login(create_user("staff")).get(f"/proposals/{proposal.id}/attachments/{attachment.id}")
    disposition = response.headers["Content-Disposition"]
    response.close()
    assert "filename*=UTF-8''%E9%A1%B9%E7%9B%AE%E7%94%B3%E6%8A%A5%E4%B9%A6.pdf" in disposition


def test_irreversible_steps_ask_first_and_say_what_follows(login, client):
    """Issue 9.7: submit review, submit proposal, verify / do not verify an organisation."""
    from tests.factories import create_applicant, create_org

    org = create_org(status="pending")
    staff = create_user("staff")
    html = login(staff).get(f"/organisations/{org.id}").get_data(as_text=True)
    verify = html[html.index('id="verify-button"') - 200:html.index('id="verify-button"') + 300]
    assert "data-confirm=" in verify and "邮件" in verify
    reject = html[html.index('id="reject-verification"'):]
    assert 'name="reason"' in reject[:reject.index("</details>")]    # the reason belongs to 不予核验 only
    assert 'name="reason"' not in html[:html.index('id="reject-verification"')]
    client.post("/auth/logout")

    call = create_call(status="open")
    applicant = create_applicant(create_org())
    draft = create_proposal(call, applicant.organisation, status="draft")
    html = login(applicant).get(f"/proposals/{draft.id}/edit").get_data(as_text=True)
    button = html[html.index('id="submit-proposal"') - 40:html.index('id="submit-proposal"') + 200]
    assert "data-confirm=" in button and "撤回" in button
    client.post("/auth/logout")

    proposal = create_proposal(create_call(status="closed"), status="screened_in")
    reviewer = cleared(proposal)
    html = login(reviewer).get(f"/reviews/proposals/{proposal.id}").get_data(as_text=True)
    button = html[html.index('id="submit-review"') - 40:html.index('id="submit-review"') + 200]
    assert "data-confirm=" in button and "锁定" in button


def test_labels_of_stored_codes_carry_a_context_so_words_cannot_collide(app, login):
    """Issue 9.8: "Administration" was both the admin heading and a budget category (管理费).
    Every label of a stored code now has a message context; the same English word in a heading
    is a different message, translated on its own."""
    from babel.messages.extract import extract_from_file

    from grants.i18n import KEYWORDS, ROOT

    without = [message for _line, message, _comments, context in extract_from_file(
        "python", str(ROOT / "grants" / "labels.py"), keywords=KEYWORDS) if not context]
    assert without == [], f"labels without a message context: {without}"
    from grants import labels

    with app.test_request_context():
        from flask_babel import force_locale

        with force_locale("zh_CN"):
            assert str(labels.BUDGET_CATEGORY_LABELS["administration"]) == "管理费"
    html = login(create_user("admin")).get("/dashboard").get_data(as_text=True)
    assert "系统管理" in html and "管理费" not in html
