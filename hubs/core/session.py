"""The application's database session, for code in `hubs.core`.

`hubs.extensions` imports `hubs.core.db` (the declarative base), so core sits below it and
never imports the `db` object: it asks the current app for the Flask-SQLAlchemy extension
that `create_app` bound (`db.init_app` stores it as ``app.extensions["sqlalchemy"]``). The
session is looked up at each call, so whoever replaces `db.session` (the tests' rolled-back
transaction does) is followed here too.
"""

from __future__ import annotations

from typing import Any

from flask import current_app


def app_session() -> Any:
    """The current app's scoped session (needs an application context, as `db.session` does)."""
    return current_app.extensions["sqlalchemy"].session
