"""Counting what the database holds and what it is asked."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa

from hubs.extensions import db


def count_rows(model: type) -> int:
    """How many rows the model's table holds, in the test's session."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(model)) or 0


@contextmanager
def counting_statements(target: object | None = None) -> Iterator[list[str]]:
    """Collect every SQL statement sent on `target` (an engine or connection) while the
    block runs. By default that is the connection the `db` fixture shares with the app, so
    the count covers everything a request does."""
    statements: list[str] = []
    bind = db.engines[None] if target is None else target

    def count(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        statements.append(statement)

    sa.event.listen(bind, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        sa.event.remove(bind, "before_cursor_execute", count)
