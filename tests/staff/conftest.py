"""Fixtures for the staff account tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask, g, request_started


@pytest.fixture(autouse=True)
def fresh_request_globals(app: Flask) -> Iterator[None]:
    """Give every request its own `flask.g`, as a real server does.

    The shared `db` fixture keeps one app context open for the whole test and Flask reuses
    it for each test request, so `g` (where Flask-Login caches the current user, and the
    auth hook notes a token sign-in) would carry one request's identity into the next, even
    into another browser's request.
    """

    def clear(sender: Flask, **extra: object) -> None:
        for name in list(g):
            g.pop(name)

    request_started.connect(clear, app, weak=False)
    yield
    request_started.disconnect(clear, app)
