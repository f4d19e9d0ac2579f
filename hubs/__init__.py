"""Hubs: case coordination for integrated community mental health hubs."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Flask
from flask_smorest import Api
from flask_talisman import Talisman
from sqlalchemy import event

from hubs.config import Config, UnsafeConfiguration, check_production_secrets, config_from_env
from hubs.extensions import csrf, db, migrate

CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def create_app(config: type[Config] | dict[str, Any] | None = None) -> Flask:
    """Build the application: settings, extensions, blueprints, CLI and error handlers."""
    app = Flask(__name__, template_folder="../templates", instance_relative_config=False)
    _load_config(app, config)
    if app.config["NAME"] == "production":
        check_production_secrets(app.config)
    _init_extensions(app)
    _register_blueprints(app)
    _connect_signals()
    _register_cli(app)
    if app.config["NAME"] == "production":
        _refuse_demo_accounts(app)
    return app


def _load_config(app: Flask, config: type[Config] | dict[str, Any] | None) -> None:
    base = config_from_env() if config is None or isinstance(config, dict) else config
    app.config.from_object(base)
    if isinstance(config, dict):
        app.config.update(config)


def _init_extensions(app: Flask) -> None:
    import hubs.models  # noqa: F401 - the full metadata, before anything maps or migrates
    from hubs.core import logging as hub_logging
    from hubs.core.access import init_access
    from hubs.core.errors import register_error_handlers
    from hubs.core.templating import init_templating
    from hubs.staff.auth import init_auth

    hub_logging.configure_logging(app)
    app.before_request(hub_logging.assign_request_id)
    db.init_app(app)
    with app.app_context():
        _tune_engine(db.engine)
    migrate.init_app(app, db, directory=str(_migrations_dir()))
    csrf.init_app(app)
    Talisman(
        app,
        content_security_policy=CSP,
        force_https=app.config["FORCE_HTTPS"],
        strict_transport_security=app.config["FORCE_HTTPS"],
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
        frame_options="DENY",
        referrer_policy="same-origin",
        x_content_type_options=True,
    )
    init_auth(app)
    init_access(app)
    app.after_request(hub_logging.echo_request_id)
    app.extensions["hubs_api"] = Api(app)
    # After the Api: its catch-all HTTP handler would otherwise answer every HTML page.
    register_error_handlers(app)
    init_templating(app)


def _migrations_dir():  # type: ignore[no-untyped-def]
    from pathlib import Path

    return Path(__file__).resolve().parent.parent / "migrations"


def _tune_engine(engine: sa.Engine) -> None:
    """SQLite: enforce foreign keys and let SQLAlchemy manage transactions (savepoints work).

    A database file runs in WAL mode with synchronous=NORMAL, SQLite's advice for web
    servers: a commit no longer waits for an fsync (which cost every page about 10 ms, most of
    its time on the benchmark machine); a crash of the application loses nothing, a power cut
    may lose the last transactions. Production runs on PostgreSQL. Reads go through a memory
    map and a larger page cache, so a city's hub view does not re-read pages from the OS."""
    if engine.dialect.name != "sqlite":
        return
    on_file = engine.url.database not in (None, "", ":memory:")

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        if on_file:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA mmap_size=268435456")  # 256 MiB, shared through the OS
            cursor.execute("PRAGMA cache_size=-32768")  # 32 MiB per connection
            # Each request writes (its audit row), so server processes queue for SQLite's one
            # writer; under load a request can wait longer than the driver's 5 seconds.
            cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: sa.Connection) -> None:
        # IMMEDIATE: take the write lock at the start, so a request that reads and then writes
        # (e.g. touching its session record) waits its turn instead of failing at once with
        # "database is locked" when the development server runs requests in parallel.
        conn.exec_driver_sql("BEGIN IMMEDIATE")


# Modules that add routes to another feature's blueprint, register access rules or connect
# signal receivers when imported: the portal pages for each feature, break-glass as a reason
# to see a person, and notifications (staff alerts become tasks; referral changes queue
# messages to the person).
SIDE_EFFECT_MODULES = (
    "hubs.careplans.access",
    "hubs.notifications.receivers",
    "hubs.notifications.portal_views",
    "hubs.pathways.access",
    "hubs.pathways.receivers",
    "hubs.portal.referral_views",
    "hubs.portal.plan_views",
    "hubs.portal.safety_views",
    "hubs.portal.outcome_views",
    "hubs.portal.feedback_views",
    "hubs.portal.pathway_views",
    "hubs.reporting.exports",
    "hubs.reporting.boardpack",
)


def _register_blueprints(app: Flask) -> None:
    import importlib

    from hubs.careplans.api import blp as careplans_api
    from hubs.careplans.outcome_api import blp as outcomes_api
    from hubs.careplans.outcome_views import bp as outcomes_bp
    from hubs.careplans.safety_api import blp as safetyplans_api
    from hubs.careplans.safety_views import bp as safetyplans_bp
    from hubs.careplans.views import bp as careplans_bp
    from hubs.caseloads.api import blp as caseloads_api
    from hubs.caseloads.views import bp as caseloads_bp
    from hubs.directory.views import bp as directory_bp
    from hubs.interop.views import bp as api_docs_bp
    from hubs.notifications.views import bp as notifications_bp
    from hubs.pathways.views import bp as pathways_bp
    from hubs.people.views import bp as people_bp
    from hubs.portal.feedback_views import staff_bp as feedback_bp
    from hubs.portal.views import bp as portal_bp
    from hubs.referrals.api import blp as referrals_api
    from hubs.referrals.views import bp as referrals_bp
    from hubs.reporting.api import blp as indicators_api
    from hubs.reporting.views import bp as reporting_bp
    from hubs.staff.admin_views import bp as admin_bp
    from hubs.staff.views import bp as auth_bp
    from hubs.support.api import blp as contacts_api
    from hubs.support.views import bp as support_bp
    from hubs.trackers.views import bp as trackers_bp

    for module in SIDE_EFFECT_MODULES:
        importlib.import_module(module)
    blueprints = (
        auth_bp,
        admin_bp,
        directory_bp,
        people_bp,
        referrals_bp,
        careplans_bp,
        safetyplans_bp,
        outcomes_bp,
        support_bp,
        trackers_bp,
        pathways_bp,
        caseloads_bp,
        notifications_bp,
        portal_bp,
        feedback_bp,
        reporting_bp,
        api_docs_bp,
    )
    for blueprint in blueprints:
        app.register_blueprint(blueprint)
    api_blueprints = (
        referrals_api,
        careplans_api,
        safetyplans_api,
        outcomes_api,
        contacts_api,
        caseloads_api,
        indicators_api,
    )
    for api_blueprint in api_blueprints:
        app.extensions["hubs_api"].register_blueprint(api_blueprint)


def _connect_signals() -> None:
    # The activity store's live feed: receivers run inside each service's transaction.
    from hubs.activity.feed import connect_feed

    connect_feed()


def _register_cli(app: Flask) -> None:
    from hubs.cli import hubs_cli

    app.cli.add_command(hubs_cli)


def _refuse_demo_accounts(app: Flask) -> None:
    from hubs.staff.models import User

    with app.app_context():
        if not sa.inspect(db.engine).has_table(User.__tablename__):
            return
        demo = db.session.scalar(sa.select(sa.func.count(User.id)).where(User.is_demo.is_(True)))
        db.session.remove()
    if demo:
        raise UnsafeConfiguration(
            f"{demo} demo account(s) with a published password exist; remove them before "
            "running in production"
        )


__all__ = ["create_app", "csrf"]
