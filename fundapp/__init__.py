"""fundapp: grant fund management. create_app() reads like a contents page of the application."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from jinja2 import ChoiceLoader, PackageLoader, PrefixLoader

from config import Config, load_config


def create_app(config: Config | None = None) -> Flask:
    """Build the app: configuration, extensions, blueprints, templates, error pages, CLI."""
    app = Flask(__name__, instance_relative_config=False)
    app.config.from_object(config or load_config())
    register_proxy_fix(app)
    register_extensions(app)
    register_models()
    register_blueprints(app)
    register_domain_signals()
    register_templates(app)
    register_request_hooks(app)
    register_errorhandlers(app)
    register_cli(app)
    return app


def register_proxy_fix(app: Flask) -> None:
    hops = app.config.get("PROXY_FIX_HOPS", 0)
    if hops:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]


def register_extensions(app: Flask) -> None:
    from fundapp.core import limits
    from fundapp.core.database import install_sqlite_fixes
    from fundapp.core.jobs import configure_huey
    from fundapp.core.security import content_security_policy
    from fundapp.extensions import csrf, db, huey, login_manager, migrate, talisman

    install_sqlite_fixes()
    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(app.root_path).parent / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.sign_in"
    login_manager.login_message = "Sign in to see this page."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    login_manager.user_loader(_load_user)
    limits.register(app)
    talisman.init_app(
        app,
        force_https=app.config["FORCE_HTTPS"],
        strict_transport_security=app.config["FORCE_HTTPS"],
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
        session_cookie_http_only=True,
        frame_options="DENY",
        referrer_policy="strict-origin-when-cross-origin",
        content_security_policy=content_security_policy(),
        content_security_policy_nonce_in=["script-src"],
        x_xss_protection=False,
    )
    configure_huey(
        huey,
        redis_url=app.config["REDIS_URL"],
        sqlite_path=app.config["HUEY_SQLITE_PATH"],
        immediate=app.config["HUEY_IMMEDIATE"],
    )
    from fundapp.core.transactions import install_audit_tracking

    install_audit_tracking()
    if app.config.get("TESTING") or app.debug:
        from fundapp.core.transactions import install_get_commit_guard

        install_get_commit_guard()


def register_models() -> None:
    """Import every domain's models so SQLAlchemy and Alembic see the whole schema."""
    import fundapp.accounts.models  # noqa: F401
    import fundapp.applications.models  # noqa: F401
    import fundapp.assessment.models  # noqa: F401
    import fundapp.awards.models  # noqa: F401
    import fundapp.core.audit  # noqa: F401
    import fundapp.core.documents  # noqa: F401
    import fundapp.core.mail.models  # noqa: F401
    import fundapp.programmes.models  # noqa: F401
    import fundapp.reporting.models  # noqa: F401


def register_blueprints(app: Flask) -> None:
    from fundapp.accounts import bp as accounts_bp
    from fundapp.accounts import views as _accounts_views  # noqa: F401
    from fundapp.applications import bp as applications_bp
    from fundapp.applications import views as _applications_views  # noqa: F401
    from fundapp.assessment import bp as assessment_bp
    from fundapp.assessment import views as _assessment_views  # noqa: F401
    from fundapp.awards import bp as awards_bp
    from fundapp.awards import views as _awards_views  # noqa: F401
    from fundapp.core.views import bp as core_bp
    from fundapp.programmes import bp as programmes_bp
    from fundapp.programmes import views as _programmes_views  # noqa: F401
    from fundapp.reporting import bp as reporting_bp
    from fundapp.reporting import views as _reporting_views  # noqa: F401

    app.register_blueprint(core_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(programmes_bp)
    app.register_blueprint(applications_bp)
    app.register_blueprint(assessment_bp)
    app.register_blueprint(awards_bp)
    app.register_blueprint(reporting_bp)


def register_domain_signals() -> None:
    """Follow-ons across the layer order: a lower domain announces, a higher one acts (awards.signals)."""
    from fundapp.reporting.services import connect_signals

    connect_signals()


def register_templates(app: Flask) -> None:
    """GOV.UK Frontend macros (govuk-frontend-jinja) and WTForms widgets (govuk-frontend-wtf), plus filters."""
    from govuk_frontend_wtf.main import WTFormsHelpers

    from fundapp.core import templating

    app.jinja_loader = ChoiceLoader(  # type: ignore[assignment]
        [
            PackageLoader("fundapp.core"),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    WTFormsHelpers(app)
    templating.register(app)


def register_request_hooks(app: Flask) -> None:
    from fundapp.core import security

    security.register(app)
    from fundapp.accounts import sessions

    sessions.register(app)


def register_errorhandlers(app: Flask) -> None:
    from fundapp.core.errors import register_error_handlers
    from fundapp.core.forms import register_csrf_error_handler

    register_error_handlers(app)
    register_csrf_error_handler(app)


def register_cli(app: Flask) -> None:
    from fundapp.accounts.cli import users_cli
    from fundapp.awards.cli import letters_cli
    from fundapp.core.cli import mail_cli
    from fundapp.reporting.cli import demo_cli
    from fundapp.reporting.export_cli import export_cli
    from fundapp.reporting.reports_cli import reports_cli

    app.cli.add_command(users_cli)
    app.cli.add_command(mail_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(letters_cli)
    app.cli.add_command(export_cli)
    app.cli.add_command(reports_cli)


def _load_user(session_token: str):  # type: ignore[no-untyped-def]
    """Flask-Login stores the user's session token; rotating the token ends every session that holds it. Someone given
    a staff role while signed in without two-factor authentication is signed out until they set it up, so being
    signed in always means every factor the person must give was given."""
    from fundapp.accounts import two_factor
    from fundapp.accounts.queries import find_user_by_session_token

    user = find_user_by_session_token(session_token)
    if user is not None and two_factor.must_set_up(user):
        return None
    return user
