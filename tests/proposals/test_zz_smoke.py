from tests.factories import create_call, create_org, create_applicant, create_user, create_proposal
def test_smoke(login, client, db):
    call = create_call()
    org = create_org()
    u = create_applicant(org)
    c = login(u)
    r = c.get(f"/proposals/calls/{call.id}/new"); assert r.status_code == 200, r.text
    r = c.post(f"/proposals/calls/{call.id}/new"); assert r.status_code == 302, r.text
    loc = r.headers["Location"]; print(loc)
    r = c.get(loc); assert r.status_code == 200, r.text
    r = c.post(loc, data={"title": "<script>x</script>", "budget_lines-0-category": "personnel", "budget_lines-0-description": "社工", "budget_lines-0-unit_price": "１２３", "budget_lines-0-quantity": "2", "budget_lines-0-funded_by": "grant", "action": "submit"})
    print(r.status_code); t = r.get_data(as_text=True)
    import re; print(re.findall(r'class="error"[^>]*>(.*?)</div>', t, re.S)[:20]); print(re.findall(r'id="problems".*?</div>', t, re.S))
    assert "<script>x" not in t
    r = c.get("/dashboard"); assert r.status_code == 200
