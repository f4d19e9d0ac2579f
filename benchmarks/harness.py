"""An app on the benchmark database, signed-in test clients, and a statement counter."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from hubs import create_app
from hubs.extensions import db

SECRET = "benchmark-only-secret-not-for-production-use"  # noqa: S105 - local runs only


def bench_app(url: str, **settings: Any) -> Flask:
    """The app as a developer runs it (development settings) on the benchmark database."""
    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET, **settings})


def session_cookie(app: Flask, user_id: int) -> tuple[str, str]:
    """Sign a user in through a real session record; (cookie name, signed cookie value)."""
    from hubs.staff.models import User
    from hubs.staff.services import sign_in

    with app.app_context():
        user = db.session.get(User, user_id)
        assert user is not None, f"no user {user_id}"
        token = sign_in(db.session, user, ip_address="127.0.0.1", user_agent="benchmark")
        db.session.commit()
        value = app.session_interface.get_signing_serializer(app).dumps(  # type: ignore[attr-defined]
            {"_user_id": token, "_fresh": True}
        )
    return app.config["SESSION_COOKIE_NAME"], value


class IsolatedClient(FlaskClient):
    """Each request in its own application context, as on a server: inside an open app
    context Flask would reuse it, and `g` (the loaded user) would leak between clients."""

    def open(self, *args: Any, **kwargs: Any) -> Any:
        with self.application.app_context():
            return super().open(*args, **kwargs)


def signed_in_client(app: Flask, user_id: int) -> FlaskClient:
    client = IsolatedClient(app, app.response_class, use_cookies=True)
    name, value = session_cookie(app, user_id)
    client.set_cookie(name, value)
    return client


TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


@contextmanager
def counting(engine: sa.Engine) -> Iterator[list[str]]:
    """Every SQL statement sent to the database inside the block, except transaction
    control: SQLite's driver sends BEGIN through the cursor and psycopg does not, and what
    the count watches for is reads and writes that grow with the data (N+1)."""
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if not statement.lstrip().upper().startswith(TRANSACTION_CONTROL):
            statements.append(statement)

    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
