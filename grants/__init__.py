"""Grant management for 公益创投 and 政府购买服务."""
from __future__ import annotations

import os

from flask import Flask, has_request_context, session
from flask_login import current_user

from config import BASE_DIR, CONFIGS, INSTANCE_DIR


def create_app(config=None) -> Flask:
    """Application factory.

    `config` may be a name ('development', 'testing', 'production'), a config class, or a
    dict of overrides applied on top of the environment's configuration.
    """
    app = Flask(
        __name__,
        instance_path=str(INSTANCE_DIR),
        instance_relative_config=True,
        template_folder=str(BASE_DIR / "templates"),
        static_folder="static",
    )
    from grants.request import Request

    app.request_class = Request
    overrides = None
    if isinstance(config, dict):
        overrides = config
        config = None
    if config is None:
        config = os.environ.get("GRANTS_ENV", "development")
    if isinstance(config, str):
        config = CONFIGS[config]
    app.config.from_object(config)
    if overrides:
        app.config.update(overrides)
    if hasattr(config, "check"):
        config.check()
    os.makedirs(app.instance_path, exist_ok=True)
    if app.config.get("TRUSTED_PROXIES"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = int(app.config["TRUSTED_PROXIES"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)

    from grants import routing

    routing.init_app(app)
    _init_extensions(app)
    _register_blueprints(app)

    from grants import cli, errors, navigation, security, templating

    security.init_app(app)
    errors.init_app(app)
    cli.init_app(app)
    templating.init_app(app)
    navigation.init_app(app)
    return app


def _init_extensions(app: Flask) -> None:
    from grants.extensions import babel, csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(BASE_DIR / "migrations"), render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=_locale_selector, timezone_selector=lambda: "UTC")

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "strong"
    from flask_babel import lazy_gettext as _l

    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.login_message_category = "info"

    from sqlalchemy import select
    from sqlalchemy.orm import joinedload

    from grants import models  # noqa: F401  (register all tables)
    from grants.routing import parse_id

    @login_manager.user_loader
    def load_user(user_id: str):
        ident, _, token = (user_id or "").partition(":")
        user_id = parse_id(ident)
        if user_id is None or not token:
            return None
        # ONE statement for the user with roles and organisations (every logged-in request runs it)
        user = db.session.scalars(
            select(models.User).where(models.User.id == user_id)
            .options(joinedload(models.User.role_rows),
                     joinedload(models.User.memberships).joinedload(models.Membership.organisation))
        ).unique().first()
        if user is None or not user.active or user.session_token != token:
            return None
        return user


def _locale_selector():
    from flask import current_app

    languages = current_app.config["LANGUAGES"]
    code = current_app.config["BABEL_DEFAULT_LOCALE"]
    if not has_request_context():
        return code
    if session.get("lang") in languages:
        code = session["lang"]
    elif getattr(current_user, "is_authenticated", False) and current_user.locale in languages:
        code = current_user.locale
    # Babel parses "zh_CN" as zh_Hans_CN; set-up compiles the zh_CN catalogs to that folder.
    return code


def _register_blueprints(app: Flask) -> None:
    from grants.admin.views import bp as admin_bp
    from grants.auth.views import bp as auth_bp
    from grants.main.views import bp as main_bp
    from grants.organisations.views import bp as organisations_bp
    from grants.proposals.views import bp as proposals_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp, url_prefix="/auth")
    app.register_blueprint(organisations_bp, url_prefix="/organisations")
    app.register_blueprint(admin_bp, url_prefix="/admin")
    from grants.calls.views import bp as calls_bp
    from grants.organisations.records import bp as organisation_records_bp
    from grants.public.views import bp as public_bp
    from grants.public.views import site_bp

    app.register_blueprint(calls_bp, url_prefix="/calls")
    app.register_blueprint(organisation_records_bp, url_prefix="/organisations")
    app.register_blueprint(public_bp, url_prefix="/public")
    app.register_blueprint(site_bp)
    app.register_blueprint(proposals_bp, url_prefix="/proposals")
    from grants.panel.views import bp as panel_bp

    app.register_blueprint(panel_bp, url_prefix="/panel")
    from grants.reviews.views import bp as reviews_bp

    app.register_blueprint(reviews_bp, url_prefix="/reviews")
    from grants.awards.views import bp as awards_bp
    from grants.finance.views import bp as finance_bp

    app.register_blueprint(awards_bp, url_prefix="/awards")
    app.register_blueprint(finance_bp, url_prefix="/finance")
    from grants.contracts.views import bp as contracts_bp
    from grants.contracts.views import verify_bp

    app.register_blueprint(contracts_bp, url_prefix="/contracts")
    app.register_blueprint(verify_bp)
    from grants.reports.views import bp as reports_bp

    app.register_blueprint(reports_bp, url_prefix="/reports")
    from grants.organisations.disclosures import bp as disclosures_bp
    from grants.public.disclosure import bp as public_disclosure_bp

    app.register_blueprint(public_disclosure_bp, url_prefix="/public")
    app.register_blueprint(disclosures_bp, url_prefix="/organisations")
    from grants.registry.views import bp as registry_bp

    app.register_blueprint(registry_bp)
    from grants.api import resources  # noqa: F401  (registers the API's resources on its blueprint)
    from grants.api.admin import bp as api_admin_bp
    from grants.api.views import PREFIX as API_PREFIX
    from grants.api.views import bp as api_bp
    from grants.opendata.views import bp as opendata_bp

    app.register_blueprint(opendata_bp, url_prefix="/open-data")
    app.register_blueprint(api_bp, url_prefix=API_PREFIX)
    app.register_blueprint(api_admin_bp, url_prefix="/admin/api-tokens")
    from grants.spotchecks.views import bp as spotchecks_bp
    from grants.spotchecks.views import public_bp as spotchecks_public_bp

    app.register_blueprint(spotchecks_bp, url_prefix="/spot-checks")
    app.register_blueprint(spotchecks_public_bp, url_prefix="/public/spot-checks")
