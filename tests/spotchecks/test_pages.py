"""The pages: staff make a draw and enter results; the public sees draws and re-runs them."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from grants.extensions import db
from grants.models import Inspector, OutboxMessage, SpotCheckDraw, SpotCheckItem
from grants.services import spotchecks
from grants.sqlcount import recorded_statements
from grants.timeutil import local_today
from tests.factories import create_applicant, create_org, create_user
from tests.spotchecks.factories import active_awards, create_inspectors, make_draw


def _count(model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_staff_add_and_deactivate_inspectors(login):
    staff = create_user("staff")
    linked = create_user("reviewer", email="expert@example.org")
    client = login(staff)
    response = client.post("/spot-checks/inspectors", data={"name": "王检查", "affiliation": "嘉兴学院",
                                                            "user_email": "expert@example.org"})
    assert response.status_code == 302
    inspector = db.session.scalar(select(Inspector))
    assert (inspector.name, inspector.user_id, inspector.active) == ("王检查", linked.id, True)
    response = client.post("/spot-checks/inspectors", data={"name": "李检查", "user_email": "nobody@example.org"})
    assert response.status_code == 422
    assert "nobody@example.org" in response.get_data(as_text=True)
    assert _count(Inspector) == 1
    client.post(f"/spot-checks/inspectors/{inspector.id}/active", data={"active": "0"})
    db.session.expire_all()
    assert db.session.get(Inspector, inspector.id).active is False
    page = client.get("/spot-checks/inspectors").get_data(as_text=True)
    assert "王检查" in page and "expert@example.org" in page


def test_staff_make_a_draw_through_the_form(login):
    active_awards(3)
    create_inspectors(3)
    client = login(create_user("staff"))
    response = client.post("/spot-checks/new", data={"population": "awards", "period": "2026年第四季度",
                                                     "nonce": "meeting-42", "document_rate": "5",
                                                     "onsite_rate": "0.5", "inspectors_per_item": "2"})
    assert response.status_code == 302
    draw = db.session.scalar(select(SpotCheckDraw))
    assert draw.nonce == "meeting-42" and draw.document_count == 1
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert draw.seed in page and "meeting-42" in page
    again = client.post("/spot-checks/new", data={"population": "awards", "period": "2026年第四季度",
                                                  "nonce": "x", "document_rate": "5", "onsite_rate": "0.5",
                                                  "inspectors_per_item": "2"})
    assert again.status_code == 422
    bad = client.post("/spot-checks/new", data={"population": "awards", "period": "下一期", "nonce": "x",
                                                "document_rate": "3", "onsite_rate": "0.5",
                                                "inspectors_per_item": "2"})
    assert bad.status_code == 422
    assert _count(SpotCheckDraw) == 1


def test_not_enough_inspectors_is_shown_on_the_form(login):
    active_awards(1)
    create_inspectors(1)
    client = login(create_user("staff"))
    response = client.post("/spot-checks/new", data={"population": "awards", "period": "一期", "nonce": "",
                                                     "document_rate": "5", "onsite_rate": "0.5",
                                                     "inspectors_per_item": "2"})
    assert response.status_code == 422
    assert _count(SpotCheckDraw) == 0


def test_staff_enter_a_result_and_the_public_page_shows_it(login, client):
    org = create_org(name="春晖社工服务中心")
    create_applicant(org)
    active_awards(1, org=org)
    create_inspectors(2)
    staff = create_user("staff")
    draw = make_draw(staff)
    item = draw.items[0]
    login(staff)
    due = (local_today() + timedelta(days=30)).isoformat()
    response = client.post(f"/spot-checks/items/{item.id}", data={
        "findings": "服务台账缺两个月。", "rating": "basically_qualified", "rectification_required": "y",
        "rectification_due_on": due})
    assert response.status_code == 302
    assert _count(OutboxMessage, OutboxMessage.kind == "spotcheck.rectification") == 1
    missing = client.post(f"/spot-checks/items/{item.id}", data={"findings": "x", "rating": "qualified",
                                                                  "rectification_required": "y"})
    assert missing.status_code == 422
    client.post("/auth/logout")
    page = client.get(f"/public/spot-checks/{draw.id}").get_data(as_text=True)
    assert "服务台账缺两个月。" in page and due in page and "春晖社工服务中心" in page


def test_the_public_rerun_gives_the_stored_sample(client):
    active_awards(25)
    create_inspectors(4)
    draw = make_draw(nonce="public-1")
    prefilled = client.get(f"/public/spot-checks/rerun?draw={draw.id}").get_data(as_text=True)
    assert "public-1" in prefilled and draw.draw_date.isoformat() in prefilled
    data = {"draw_date": draw.draw_date.isoformat(), "candidate_ids": " ".join(map(str, draw.candidate_ids)),
            "nonce": "public-1", "document_rate": "5", "onsite_rate": "0.5"}
    response = client.post("/public/spot-checks/rerun", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert draw.seed in page and 'class="flash flash-success"' in page
    stored = [i.target_id for i in draw.items]
    assert len(stored) == 2
    for ident in stored:
        assert f'<td class="mono">{ident}</td>' in page
    outcome = spotchecks.rerun(draw.draw_date, draw.candidate_ids, "public-1", 5, "0.5")
    assert outcome.matches and outcome.sample.document == stored
    assert outcome.inspectors == {i.target_id: [a.inspector_id for a in i.inspectors] for i in draw.items}
    other = client.post("/public/spot-checks/rerun", data=dict(data, nonce="public-2")).get_data(as_text=True)
    assert draw.seed not in other and 'class="flash flash-info"' in other
    wrong_rates = client.post("/public/spot-checks/rerun", data=dict(data, document_rate="50")).get_data(as_text=True)
    assert 'class="flash flash-error"' in wrong_rates
    junk = client.post("/public/spot-checks/rerun", data=dict(data, candidate_ids="1, two, 3"))
    assert junk.status_code == 422


def test_public_pages_leak_nothing_private(client):
    org = create_org(name="公开测试组织")
    member = create_applicant(org, email="member-private@example.org", phone="13912345678")
    officer = create_user("staff", email="officer-private@example.org")
    linked = create_user("reviewer", email="inspector-private@example.org", phone="13800001111")
    [award] = active_awards(1, org=org)
    award.decided_by_id = officer.id
    db.session.commit()
    inspectors = create_inspectors(3)
    inspectors[0].user_id = linked.id
    db.session.commit()
    draw = make_draw(officer)
    spotchecks.record_result(officer, draw.items[0], findings="账目清楚。", rating="qualified",
                             rectification_required=False, rectification_due_on=None)
    private = [org.contact_phone, org.contact_email, org.bank_account, org.address, org.legal_representative,
               member.email, "13912345678", officer.email, "inspector-private@example.org", "13800001111",
               officer.name]
    pages = [client.get(url).get_data(as_text=True) for url in (
        "/public/spot-checks/", f"/public/spot-checks/{draw.id}", f"/public/spot-checks/rerun?draw={draw.id}")]
    pages.append(client.post("/public/spot-checks/rerun", data={
        "draw_date": draw.draw_date.isoformat(), "candidate_ids": ",".join(map(str, draw.candidate_ids)),
        "nonce": draw.nonce, "document_rate": "5", "onsite_rate": "0.5"}).get_data(as_text=True))
    for page in pages:
        for value in private:
            assert value not in page, value
    assert "公开测试组织" in pages[1]
    drawn = draw.items[0].inspectors[0].inspector.name
    assert drawn in pages[1]  # inspectors' names are published (双随机、一公开)


def test_the_org_section_include_lists_its_draws(app):
    org = create_org()
    active_awards(1, org=org)
    create_inspectors(2)
    draw = make_draw()
    with app.test_request_context():
        from flask import render_template_string

        html = render_template_string('{% include "spotchecks/_org_section.html" %}', org=org)
        assert draw.period in html and "org-spot-checks" in html
        empty = render_template_string('{% include "spotchecks/_org_section.html" %}', org=create_org())
        assert draw.period not in empty


def test_draw_and_list_pages_use_a_constant_number_of_statements(login, client):
    staff = create_user("staff")
    create_inspectors(3)
    counts = {}
    for n, period in ((20, "小"), (200, "大")):
        active_awards(n - (20 if n == 200 else 0))
        draw = make_draw(staff, period=period, nonce=f"n{n}")
        for item in draw.items:
            spotchecks.record_result(staff, item, findings="符合要求。", rating="qualified",
                                     rectification_required=False, rectification_due_on=None)
        counts[n] = draw.id
    assert _count(SpotCheckItem) == 1 + 10
    login(staff)
    for path in ("/public/spot-checks/{}", "/spot-checks/{}"):
        seen = {}
        for n, draw_id in counts.items():
            db.session.expire_all()
            with recorded_statements(db.engine) as statements:
                assert client.get(path.format(draw_id)).status_code == 200
            seen[n] = list(statements)
        assert len(seen[20]) == len(seen[200]), "\n---\n".join("\n".join(v) for v in seen.values())


def test_draw_lists_use_the_same_number_of_statements_for_2_and_10_rows(login, client):
    staff = create_user("staff")
    active_awards(1)
    create_inspectors(2)
    for k in range(12):
        make_draw(staff, period=f"第{k + 1}期", nonce=f"n{k}")
    login(staff)
    for path in ("/public/spot-checks/", "/spot-checks/", "/spot-checks/inspectors"):
        seen = {}
        for size in (2, 10):
            db.session.expire_all()
            with recorded_statements(db.engine) as statements:
                assert client.get(f"{path}?per_page={size}").status_code == 200
            seen[size] = list(statements)
        assert len(seen[2]) == len(seen[10]), "\n---\n".join("\n".join(v) for v in seen.values())
