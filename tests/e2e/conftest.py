"""Browser tests: the real app on a live loopback server, driven by Debian's Chromium.

The live server always runs on its own fresh SQLite file, migrated by Alembic and loaded with
the demo data, even in the PostgreSQL half of `make test`. The journeys need committed data
that a real server thread can read, which the rest of the suite's rolled-back transaction on
HUBS_TEST_DATABASE_URL cannot give, and a separate file keeps that database untouched. The
PostgreSQL behaviour of the same pages is covered by the view and service tests.

Playwright never downloads a browser here (no `playwright install`): it drives
/usr/bin/chromium, which `make test` installs (scripts/ensure-chromium.sh). A missing browser
fails the run rather than skipping it. Every request to anywhere but the loopback server is
aborted and fails the test: pages must not depend on the internet.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import flask_migrate
import pytest
import sqlalchemy as sa
from flask import Flask
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Playwright,
    Response,
    Route,
    sync_playwright,
)
from werkzeug.serving import BaseWSGIServer, make_server

from hubs import create_app
from hubs.config import Config, TestingConfig
from hubs.demo import load_demo
from hubs.extensions import db
from tests.e2e.helpers import CHROMIUM

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
LOOPBACK = {"127.0.0.1", "localhost"}
NOT_LOOPBACK = re.compile(r"^(?!(?:https?|wss?)://(?:127\.0\.0\.1|localhost)(?::\d+)?/)")
VIEWPORT = {"width": 1280, "height": 900}


@dataclass
class LiveServer:
    app: Flask
    url: str


@dataclass
class PageWatch:
    """What a page did that no page should: reach outside, or log an error (a CSP refusal,
    a script error)."""

    blocked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def one_request_at_a_time(app: Flask) -> Callable[..., Iterable[bytes]]:
    """Serve concurrent connections but run the app for one request at a time.

    A browser fetches a page's stylesheet, scripts and icon in parallel, and every request
    loads the signed-in user and touches the server-side session record (at once in testing).
    On SQLite two such write transactions collide with "database is locked" instead of
    waiting, so the assets would fail at random. One request at a time is what a single
    SQLite worker gives; the collision itself is reported for the app to fix."""
    lock = threading.Lock()

    def serialised(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        with lock:
            body = app(environ, start_response)
            try:
                return list(body)
            finally:
                if hasattr(body, "close"):
                    body.close()

    return serialised


def _throwaway_sqlite(engine: sa.Engine) -> None:
    """The database lives only as long as the test run: skip fsync on every commit, as the
    throwaway PostgreSQL server does (fsync = off)."""

    @sa.event.listens_for(engine, "connect")
    def _no_sync(dbapi_connection: Any, record: Any) -> None:
        dbapi_connection.execute("PRAGMA synchronous=OFF")


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    database = tmp_path_factory.mktemp("e2e") / "hubs-e2e.db"

    class LiveServerConfig(TestingConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{database}"
        # As deployed: a session's "last seen" is written at most every 30 seconds, not on
        # every request (the unit tests use 0 to test idle expiry exactly).
        SESSION_TOUCH_INTERVAL = Config.SESSION_TOUCH_INTERVAL

    app = create_app(LiveServerConfig)
    with app.app_context():
        _throwaway_sqlite(db.engine)
        flask_migrate.upgrade()
        load_demo(db.session, app.config["DEMO_PASSWORD"])
        db.session.commit()
        db.session.remove()
    server: BaseWSGIServer = make_server("127.0.0.1", 0, one_request_at_a_time(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="e2e-live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(app=app, url=f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium is missing at {CHROMIUM}: install Debian's package "
            "(sudo apt-get install -y chromium, or run `make test` as root)",
            pytrace=False,
        )
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


def _guard(context: BrowserContext, watch: PageWatch) -> None:
    def route(route: Route) -> None:
        if urlsplit(route.request.url).hostname in LOOPBACK:
            route.continue_()
        else:
            watch.blocked.append(route.request.url)
            route.abort()

    # A regular expression is matched inside Playwright's driver, so only requests leaving
    # the loopback server come back to Python to be aborted (fast, and every one recorded).
    context.route(NOT_LOOPBACK, route)


def open_page(
    browser: Browser, server: LiveServer, watch: PageWatch, **context_options: object
) -> Page:
    """A new, isolated browser context (its own cookies) with one page on the live server."""
    options: dict[str, object] = {"viewport": VIEWPORT, "base_url": server.url}
    options.update(context_options)
    context = browser.new_context(**options)  # type: ignore[arg-type]
    _guard(context, watch)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.on("pageerror", lambda error: watch.errors.append(f"page error: {error}"))
    page.on("console", lambda message: _console(message, watch))
    page.on("response", lambda response: _response(response, watch))
    return page


def _console(message: ConsoleMessage, watch: PageWatch) -> None:
    # Chromium logs every 4xx as "Failed to load resource", the page itself included; the
    # journeys open 403/404/422 pages on purpose, so subresources are checked in _response.
    if message.type == "error" and not message.text.startswith("Failed to load resource"):
        watch.errors.append(f"console error: {message.text}")


def _response(response: Response, watch: PageWatch) -> None:
    if response.request.resource_type != "document" and response.status >= 400:
        watch.errors.append(f"{response.status} for {response.url}")


@pytest.fixture
def page_watch() -> PageWatch:
    return PageWatch()


@pytest.fixture
def new_page(
    browser: Browser, live_server: LiveServer, page_watch: PageWatch
) -> Iterator[Callable[..., Page]]:
    """Open more pages (other users, other viewports) in the same test; all are closed and
    checked for outside requests and errors at the end."""
    contexts: list[BrowserContext] = []

    def _open(**context_options: object) -> Page:
        page = open_page(browser, live_server, page_watch, **context_options)
        contexts.append(page.context)
        return page

    yield _open
    for context in contexts:
        context.close()
    assert not page_watch.blocked, f"pages tried to reach outside: {page_watch.blocked}"
    assert not page_watch.errors, "pages logged errors:\n" + "\n".join(page_watch.errors)


@pytest.fixture
def page(new_page: Callable[..., Page]) -> Page:
    """A fresh browser context per test at 1280 x 900."""
    return new_page()
