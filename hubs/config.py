"""Settings from environment variables.

Development and tests run with no setup on SQLite in `instance/`. Production refuses to
start without a real secret key and a pseudonymisation key (checked in `create_app`).
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

INSTANCE_DIR = Path(__file__).resolve().parent.parent / "instance"
DEV_SECRET = "dev-only-secret-not-for-production"  # noqa: S105 - refused in production


def _sqlite_url(name: str) -> str:
    INSTANCE_DIR.mkdir(exist_ok=True)
    return f"sqlite:///{INSTANCE_DIR / name}"


# The messages people can be sent (their words are in hubs/notifications/messages.py, which
# refuses to load if the two lists differ): HUBS_NOTIFY_TEMPLATE_IDS names a GOV.UK Notify
# template for each. Declared here so that checking the settings needs no feature module.
NOTIFY_TEMPLATE_KEYS = (
    "referral_received",
    "referral_triaged",
    "referral_accepted",
    "referral_signposted",
    "referral_withdrawn",
)


class Config:
    NAME = "development"
    SECRET_KEY = os.environ.get("SECRET_KEY", DEV_SECRET)
    SQLALCHEMY_DATABASE_URI = os.environ.get("HUBS_DATABASE_URL") or _sqlite_url("hubs.db")
    # hide_parameters: a database error's text never quotes the values (personal data) it
    # was given, wherever that text ends up (a log, a CLI's output).
    SQLALCHEMY_ENGINE_OPTIONS: dict[str, Any] = {"pool_pre_ping": True, "hide_parameters": True}
    PSEUDONYM_KEY = os.environ.get("HUBS_PSEUDONYM_KEY", "dev-only-pseudonym-key")

    # Sessions: the cookie carries only an opaque token; the record lives in the database.
    SESSION_IDLE_TIMEOUT = dt.timedelta(minutes=15)
    SESSION_ABSOLUTE_TIMEOUT = dt.timedelta(hours=12)
    SESSION_TOUCH_INTERVAL = dt.timedelta(seconds=30)
    SESSION_COOKIE_NAME = "hubs_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_DURATION = dt.timedelta(seconds=0)

    # Sign-in throttling: the 11th wrong password inside the window is refused.
    LOGIN_MAX_FAILURES = 10
    LOGIN_FAILURE_WINDOW = dt.timedelta(minutes=5)
    # ...for one account from one client only. Each client (address) may post the sign-in
    # and code pages this often in all (Flask-Limiter, in each process's memory).
    LOGIN_RATE_LIMIT = "30 per minute"
    RATELIMIT_STORAGE_URI = "memory://"

    # A second factor (TOTP) for every staff account (hubs.staff.mfa). Development and tests
    # turn it off so the README's demo sign-ins work with a password alone; production
    # refuses to start with it off. Accounts that have enrolled are asked for a code anyway.
    MFA_REQUIRED = True
    MFA_ISSUER = "Hubs"
    # Break-glass, exports and bulk reassignment want a code entered this recently.
    STEP_UP_WINDOW = dt.timedelta(minutes=5)
    # The password step is good for this long while the code is awaited.
    MFA_PENDING_TIMEOUT = dt.timedelta(minutes=5)

    # CSRF is checked by our own hook so that bearer-token API calls alone are exempt.
    WTF_CSRF_CHECK_DEFAULT = False
    WTF_CSRF_TIME_LIMIT = None  # the session's own timeouts bound a token's life

    FORCE_HTTPS = False
    # How much each person on a caseload counts, by their highest need (hubs.caseloads.rules).
    CASELOAD_WEIGHTS: dict[str, int] = {"high": 3, "moderate": 2, "low": 1}
    # Messages to people (hubs.notifications): "log" records them without sending;
    # "govuk_notify" sends through GOV.UK Notify. See README, "Notifications".
    NOTIFIER = os.environ.get("HUBS_NOTIFIER", "log")
    NOTIFY_API_KEY = os.environ.get("HUBS_NOTIFY_API_KEY", "")
    # Notify keys do not say their type, so production must be told it is a live key.
    NOTIFY_KEY_TYPE = os.environ.get("HUBS_NOTIFY_KEY_TYPE", "")
    # Template key → Notify template id; production needs one for each NOTIFY_TEMPLATE_KEYS.
    NOTIFY_TEMPLATE_IDS: dict[str, str] = json.loads(
        os.environ.get("HUBS_NOTIFY_TEMPLATE_IDS", "{}")
    )
    # A message that fails this many times is marked failed for staff to follow up.
    OUTBOX_MAX_ATTEMPTS = 5
    OUTBOX_BATCH_SIZE = 100

    # The scheduler process (`flask hubs scheduler`): its lease and its clock.
    SCHEDULER_LEASE_SECONDS = int(os.environ.get("HUBS_SCHEDULER_LEASE_SECONDS", "120"))
    SCHEDULER_HEARTBEAT_SECONDS = int(os.environ.get("HUBS_SCHEDULER_HEARTBEAT_SECONDS", "30"))
    SCHEDULER_TIMEZONE = "Europe/London"
    # Population denominators for the strategy indicators (hubs/reporting/data/README.md);
    # unset means the illustrative files shipped with the code.
    POPULATION_CSV = os.environ.get("HUBS_POPULATION_CSV")
    POPULATION_IMD_CSV = os.environ.get("HUBS_POPULATION_IMD_CSV")
    DEMO_PASSWORD = "demo-password-not-for-production"  # noqa: S105 - demo data only
    API_TITLE = "Hubs API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"
    API_SPEC_OPTIONS: dict[str, Any] = {
        "info": {"description": "Hubs case coordination API. Same access rules as the pages."},
        "components": {
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"bearerAuth": []}],
    }


class DevelopmentConfig(Config):
    MFA_REQUIRED = False


class TestingConfig(Config):
    NAME = "testing"
    TESTING = True
    SQLALCHEMY_DATABASE_URI = os.environ.get("HUBS_TEST_DATABASE_URL") or "sqlite://"
    SESSION_TOUCH_INTERVAL = dt.timedelta(seconds=0)
    # Tests never reach GOV.UK Notify, whatever the environment says.
    NOTIFIER = "log"
    # Browser journeys sign in with a password; the MFA tests turn this on.
    MFA_REQUIRED = False
    # Every test posts from 127.0.0.1; the throttling tests set a small limit themselves.
    LOGIN_RATE_LIMIT = "100000 per minute"


class ProductionConfig(Config):
    NAME = "production"
    SESSION_COOKIE_SECURE = True
    # The __Host- prefix: browsers accept the cookie only if Secure, for path /, with no
    # Domain, so no sibling subdomain can set or overwrite the session.
    SESSION_COOKIE_NAME = "__Host-hubs_session"
    FORCE_HTTPS = True


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_from_env() -> type[Config]:
    name = os.environ.get("HUBS_CONFIG", "development")
    try:
        return CONFIGS[name]
    except KeyError:
        raise RuntimeError(f"HUBS_CONFIG must be one of {sorted(CONFIGS)}, not {name!r}") from None


class UnsafeConfiguration(RuntimeError):
    """The app would run in production with a development secret or demo accounts."""


WEAK_SECRETS = {DEV_SECRET, "", "changeme", "secret"}


def check_production_secrets(config: dict[str, Any]) -> None:
    secret = config.get("SECRET_KEY") or ""
    if secret in WEAK_SECRETS or len(secret) < 32:
        raise UnsafeConfiguration("SECRET_KEY must be set to a random value of 32+ characters")
    if config.get("PSEUDONYM_KEY", "").startswith("dev-only") or len(config["PSEUDONYM_KEY"]) < 32:
        raise UnsafeConfiguration("HUBS_PSEUDONYM_KEY must be set to a random 32+ character value")
    if not config.get("MFA_REQUIRED"):
        raise UnsafeConfiguration("MFA_REQUIRED must be on in production")
    check_notify_settings(config)


def check_notify_settings(config: dict[str, Any]) -> None:
    """Production must not send through GOV.UK Notify with a test or team key by accident:
    a test key accepts every message and delivers none, a team key delivers only to the
    team, and both look like a live key. HUBS_NOTIFY_KEY_TYPE=live says it is one."""
    if config.get("NOTIFIER") != "govuk_notify":
        return
    if not config.get("NOTIFY_API_KEY"):
        raise UnsafeConfiguration("HUBS_NOTIFIER=govuk_notify needs HUBS_NOTIFY_API_KEY")
    if config.get("NOTIFY_KEY_TYPE") != "live":
        raise UnsafeConfiguration(
            "HUBS_NOTIFY_KEY_TYPE must be 'live' in production: test and team keys would "
            "silently deliver nothing, or only to the Notify team"
        )
    missing = sorted(set(NOTIFY_TEMPLATE_KEYS) - set(config.get("NOTIFY_TEMPLATE_IDS") or {}))
    if missing:
        raise UnsafeConfiguration(f"HUBS_NOTIFY_TEMPLATE_IDS has no Notify template for {missing}")
