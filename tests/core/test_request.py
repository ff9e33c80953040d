from grants.extensions import db
from grants.models import Organisation
from tests.core.test_registration import form


def test_nul_characters_in_form_text_are_dropped_on_every_backend(client):
    response = client.post("/organisations/register", data=form(name="嘉兴\x00社工中心", address="中山路\x001号"))
    assert response.status_code == 302
    org = db.session.query(Organisation).one()
    assert org.name == "嘉兴社工中心" and org.address == "中山路1号"


def test_nul_in_query_arguments_is_harmless(client, login):
    from tests.factories import create_user

    c = login(create_user("staff"))
    assert c.get("/organisations/?q=%00abc").status_code == 200
