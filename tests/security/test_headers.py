"""Security headers on every kind of page, no inline script, request ids and HSTS in production."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from flask import Flask

from hubs import create_app
from hubs.config import ProductionConfig
from tests.security.test_access_matrix import client_for, crawl, start_pages

PAGES = [
    pytest.param(("anonymous", "/sign-in"), id="public-sign-in"),
    pytest.param(("clinician", "/people/"), id="clinician-people"),
    pytest.param(("person", "/my/"), id="person-portal"),
    pytest.param(("clinician", "/no-such-page"), id="signed-in-404"),
    pytest.param(("analyst", "/people/"), id="signed-in-403"),
]


def _csp(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.fixture
def page(client, login_as, world, request):  # type: ignore[no-untyped-def]
    role, path = request.param
    return client_for(login_as, client, world, role).get(path)


@pytest.mark.parametrize("page", PAGES, indirect=True)
def test_content_security_policy_forbids_framing_and_inline_script(page):
    header = page.headers.get("Content-Security-Policy", "")
    csp = _csp(header)
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["script-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert "unsafe-inline" not in header and "unsafe-eval" not in header


@pytest.mark.parametrize("page", PAGES, indirect=True)
def test_every_page_sets_nosniff_referrer_policy_and_refuses_framing(page):
    assert page.headers.get("X-Content-Type-Options") == "nosniff"
    assert page.headers.get("Referrer-Policy") in {"same-origin", "no-referrer", "strict-origin"}
    assert page.headers.get("X-Frame-Options") == "DENY"


@pytest.mark.parametrize("page", [p for p in PAGES if p.values[0][0] != "anonymous"], indirect=True)
def test_signed_in_pages_are_never_stored_by_the_browser(page):
    # A shared computer's cache must not keep pages with personal data.
    assert "no-store" in page.headers.get("Cache-Control", "")


INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<[^>]+\sstyle\s*=", re.IGNORECASE)


def test_the_inline_patterns_recognise_what_the_policy_would_block():
    assert INLINE_SCRIPT.search("<script>alert(1)</script>")
    assert INLINE_SCRIPT.search('<script type="module">x()</script>')
    assert not INLINE_SCRIPT.search('<script type="module" src="/static/js/init.js"></script>')
    assert INLINE_HANDLER.search('<button onclick="x()">')
    assert INLINE_STYLE.search('<div style="color: red">')


@pytest.mark.parametrize("role", ["anonymous", "clinician", "person"])
def test_no_page_a_role_can_reach_has_inline_script_handlers_or_styles(
    app, db, client, login_as, world, role
):
    browser = client_for(login_as, client, world, role)
    pages = crawl(browser, [*start_pages(app, db, world, role), "/no-such-page"])
    html_pages = {p: r for p, r in pages.items() if r.mimetype == "text/html"}
    assert len(html_pages) >= 4
    for path, response in html_pages.items():
        html = response.get_data(as_text=True)
        assert not INLINE_SCRIPT.search(html), f"inline <script> on {path}"
        assert not INLINE_HANDLER.search(html), f"inline event handler on {path}"
        assert not INLINE_STYLE.search(html), f"inline style on {path}"
        assert "javascript:" not in html.lower(), f"javascript: URL on {path}"


def test_a_sane_request_id_from_upstream_is_echoed(client):
    response = client.get("/sign-in", headers={"X-Request-ID": "lb-0123456789abcdef"})
    assert response.headers["X-Request-ID"] == "lb-0123456789abcdef"


@pytest.mark.parametrize("incoming", ["", "short", "bad id with spaces", "x" * 65, "<script>"])
def test_an_unsafe_or_missing_request_id_is_replaced_with_a_fresh_one(client, incoming):
    headers = {"X-Request-ID": incoming} if incoming else {}
    first = client.get("/sign-in", headers=headers).headers["X-Request-ID"]
    second = client.get("/sign-in", headers=headers).headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", first) and first != second


# --- Production -------------------------------------------------------------------------


def _production_settings() -> dict[str, object]:
    settings = {k: getattr(ProductionConfig, k) for k in dir(ProductionConfig) if k.isupper()}
    settings.update(
        SECRET_KEY="s" * 40,
        PSEUDONYM_KEY="p" * 40,
        SQLALCHEMY_DATABASE_URI="sqlite://",
    )
    return settings


@pytest.fixture
def production_app(app: Flask) -> Iterator[Flask]:
    """A production app on an empty database (extension state is per app)."""
    yield create_app(_production_settings())


def test_production_sends_strict_transport_security_over_https(production_app):
    assert production_app.config["NAME"] == "production"
    response = production_app.test_client().get("/sign-in", base_url="https://localhost")
    assert response.status_code == 200
    assert "max-age=" in response.headers.get("Strict-Transport-Security", "")
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_production_redirects_plain_http_to_https(production_app):
    response = production_app.test_client().get("/sign-in", base_url="http://localhost")
    assert response.status_code in {301, 302}
    assert response.headers["Location"].startswith("https://")


def test_development_and_tests_send_no_strict_transport_security(production_app, client):
    # The control: HSTS is the production app's setting, not something every app sends, and
    # building a production app must not change the settings of another app in the process.
    response = client.get("/sign-in", base_url="https://localhost")
    assert "Strict-Transport-Security" not in response.headers
    assert client.get("/sign-in", base_url="http://localhost").status_code == 200


def test_every_response_isolates_its_window_from_other_origins(client):
    response = client.get("/sign-in")

    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"


def test_production_names_the_session_cookie_with_the_host_prefix(production_app):
    response = production_app.test_client().get("/sign-in", base_url="https://localhost")

    cookie = response.headers["Set-Cookie"]  # the sign-in form's CSRF token starts a session
    assert cookie.startswith("__Host-hubs_session=")
    assert "Secure" in cookie and "Path=/" in cookie and "Domain" not in cookie
