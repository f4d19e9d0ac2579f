"""How many sign-in requests one client may send: Flask-Limiter, keyed by client address.

Storage is each process's memory (`memory://`): a limit counts per worker process and
starts again when it restarts, which is enough to slow a guessing script from one address
without any shared service; several workers each allow the limit. Behind a reverse proxy,
the proxy must pass the client's address (werkzeug's ProxyFix), or every request shares
the proxy's. Lockouts per account and client are kept in the database (`hubs.staff.lockout`).
"""

from __future__ import annotations

from flask import Flask, current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

limiter = Limiter(key_func=get_remote_address, storage_uri="memory://", default_limits=[])


def _sign_in_rate() -> str:
    return str(current_app.config["LOGIN_RATE_LIMIT"])


# The password and the code pages share one allowance per client.
sign_in_limit = limiter.shared_limit(_sign_in_rate, scope="sign-in", methods=["POST"])


def init_throttle(app: Flask) -> None:
    limiter.init_app(app)
