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
    """Build the application: settings, extensions, features (blueprints, signal receivers,
    access rules), CLI and error handlers."""
    app = Flask(__name__, template_folder="../templates", instance_relative_config=False)
    _load_config(app, config)
    if app.config["NAME"] == "production":
        check_production_secrets(app.config)
    _init_extensions(app)
    _init_features(app)
    _register_cli(app)
    if app.config["NAME"] == "production":
        _refuse_demo_accounts(app)
        _refuse_staff_without_mfa(app)
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
    from hubs.core.headers import init_headers
    from hubs.core.inputs import init_inputs
    from hubs.core.templating import init_templating
    from hubs.staff.auth import init_auth

    hub_logging.configure_logging(app)
    app.before_request(hub_logging.assign_request_id)
    init_inputs(app)  # before any route is added: `<int:…>` is bounded to an id's range
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
    init_headers(app)
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


def _init_features(app: Flask) -> None:
    """Each feature joins the app through its `wiring.init_app`: its blueprints (HTML and
    API), its receivers of other features' signals, its reasons to see a person. Lowest layer
    first (DESIGN §7); the API document lists the API blueprints in this order. Receivers
    run inside the sending service's transaction; connecting them again (another app built
    in the same process) changes nothing."""
    from hubs.activity import wiring as activity
    from hubs.careplans import wiring as careplans
    from hubs.caseloads import wiring as caseloads
    from hubs.directory import wiring as directory
    from hubs.interop import wiring as interop
    from hubs.notifications import wiring as notifications
    from hubs.outcomes import wiring as outcomes
    from hubs.pathways import wiring as pathways
    from hubs.people import wiring as people
    from hubs.portal import wiring as portal
    from hubs.referrals import wiring as referrals
    from hubs.reporting import wiring as reporting
    from hubs.safetyplans import wiring as safetyplans
    from hubs.staff import wiring as staff
    from hubs.support import wiring as support
    from hubs.trackers import wiring as trackers

    features = (
        staff,
        directory,
        people,
        referrals,
        careplans,
        safetyplans,
        outcomes,
        support,
        trackers,
        pathways,
        caseloads,
        notifications,
        portal,
        activity,  # the live feed into the activity store
        reporting,
        interop,
    )
    for feature in features:
        feature.init_app(app)


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


def _refuse_staff_without_mfa(app: Flask) -> None:
    """Every active staff account has a second factor, or has had it reset by a system
    administrator (audited) and must enrol again before its next page."""
    from hubs.staff.mfa import staff_without_mfa
    from hubs.staff.models import User

    with app.app_context():
        if not sa.inspect(db.engine).has_table(User.__tablename__):
            return
        missing = staff_without_mfa(db.session)
        db.session.remove()
    if missing:
        raise UnsafeConfiguration(
            f"{missing} active staff account(s) have no second factor (MFA); enrol them in a "
            "non-production configuration, or deactivate them, before running in production"
        )


__all__ = ["create_app", "csrf"]
