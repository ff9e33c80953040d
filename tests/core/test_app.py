import pytest

from config import ProductionConfig
from grants import create_app
from grants.extensions import db
from grants.models import Organisation, User
from tests.factories import create_user


def test_production_refuses_the_default_secret_key(monkeypatch):
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", "dev-insecure-change-me")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production")
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", "")
    with pytest.raises(RuntimeError):
        create_app("production")


def test_production_starts_with_a_real_secret(monkeypatch):
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", "x" * 40)
    app = create_app("production")
    assert app.config["OUTBOX_PAGE"] is False


def test_404_page_in_the_site_language(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "页面不存在" in response.get_data(as_text=True)


def test_errors_answer_json_when_asked(client):
    response = client.get("/no/such/page", headers={"Accept": "application/json"})
    assert response.status_code == 404 and response.json["error"] == 404


def test_500_rolls_back_and_shows_the_error_page(tmp_path):
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'e.sqlite3'}",
                      "SQLALCHEMY_ENGINE_OPTIONS": {}, "PROPAGATE_EXCEPTIONS": False})

    @app.route("/_boom")
    def boom():
        db.session.add(User(email="half@written.org", name="x", password_hash="x"))
        db.session.flush()
        raise RuntimeError("boom")

    with app.app_context():
        db.create_all()
        response = app.test_client().get("/_boom")
        assert response.status_code == 500
        assert "本次操作未保存" in response.get_data(as_text=True)
        assert db.session.query(User).filter_by(email="half@written.org").count() == 0
        db.session.remove()
        db.engine.dispose()


def test_seed_demo_is_idempotent(runner):
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    counts = (db.session.query(User).count(), db.session.query(Organisation).count())
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0, second.output
    assert (db.session.query(User).count(), db.session.query(Organisation).count()) == counts
    assert db.session.query(Organisation).count() >= 20
    from grants import uscc

    assert all(uscc.is_valid(o.uscc) and o.uscc[0] == "5" for o in db.session.query(Organisation))
    assert "staff@demo.jx.gov.cn" in first.output


def test_create_user_command(runner):
    result = runner.invoke(args=["create-user", "--email", "Boss@Example.org", "--name", "局长", "--role", "admin",
                                 "--role", "staff", "--password", "long-enough-pass"])
    assert result.exit_code == 0, result.output
    user = db.session.query(User).filter_by(email="boss@example.org").one()
    assert user.roles == {"admin", "staff"}
    again = runner.invoke(args=["create-user", "--email", "boss@example.org", "--name", "x", "--password",
                                "long-enough-pass"])
    assert again.exit_code != 0 and "已被其他用户使用" in again.output or "already exists" in again.output


def test_admin_creates_user_assigns_roles_and_deactivates(login):
    admin = create_user("admin")
    c = login(admin)
    page = c.post("/admin/users/new", data={"email": "new@x.org", "name": "新专家", "password": "short",
                                            "roles": ["reviewer"]}).get_data(as_text=True)
    assert "10至200" in page
    c.post("/admin/users/new", data={"email": "new@x.org", "name": "新专家", "password": "long-enough-pw",
                                     "roles": ["reviewer", "staff"]})
    user = db.session.query(User).filter_by(email="new@x.org").one()
    assert user.roles == {"reviewer", "staff"}
    c.post(f"/admin/users/{user.id}", data={"name": "新专家", "roles": ["reviewer"]})
    db.session.refresh(user)
    assert user.roles == {"reviewer"}
    c.post(f"/admin/users/{user.id}/active", data={"active": "0"})
    db.session.refresh(user)
    assert user.active is False
    # An admin cannot lock themself out.
    page = c.post(f"/admin/users/{admin.id}/active", data={"active": "0"}, follow_redirects=True).get_data(as_text=True)
    assert "不能停用自己的账号" in page


def test_demo_data_respects_the_calls_own_rules(runner):
    from sqlalchemy import func, select

    from grants.models import Call, Proposal

    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    for call in db.session.scalars(select(Call)):
        counts = db.session.execute(
            select(Proposal.organisation_id, func.count()).where(Proposal.call_id == call.id)
            .group_by(Proposal.organisation_id)).all()
        assert all(n <= call.max_proposals_per_org for _org, n in counts), call.title
        for p in db.session.scalars(select(Proposal).where(Proposal.call_id == call.id,
                                                           Proposal.submitted_at.is_not(None))):
            assert call.opens_at <= p.submitted_at <= call.closes_at, p.title
            assert p.amount_requested <= call.per_project_cap


def test_every_command_is_registered_once_by_grants_cli(app):
    """Commands come from grants.cli.init_app, never from a blueprint's own CLI group."""
    assert not [name for name, bp in app.blueprints.items() if bp.cli.commands]
    groups = {name: sorted(getattr(cmd, "commands", {})) for name, cmd in app.cli.commands.items()}
    assert groups["calls"] == ["tick"] and groups["reviews"] == ["remind"] and groups["outbox"] == ["deliver"]
    assert {"seed-demo", "create-user"} <= set(groups)
