"""Errors: NHS-styled pages for browsers, JSON naming the field for the API, domain errors
mapped to their status codes, and a 500 that shows a reference and nothing else.

Domain errors are raised from a test-only blueprint on a separate app (in-memory SQLite, no
tables; its routes never touch the database), registered before that app's first request.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from flask import Blueprint, Flask
from flask.testing import FlaskClient

import hubs.core.access as access
from hubs import create_app
from hubs.config import TestingConfig
from hubs.core import errors
from hubs.core.session import app_session
from hubs.directory.models import Neighbourhood
from tests import factories

SECRET = "secret-internal-detail"
CANARY_NHS_NUMBER = "9990001234"
CANARY_NAME = "Zephyrine Canarylog"

DOMAIN_ERRORS = [
    pytest.param(errors.PermissionDenied, 403, id="permission-denied"),
    pytest.param(errors.NotFound, 404, id="not-found"),
    pytest.param(errors.Conflict, 409, id="conflict"),
    pytest.param(errors.InvalidTransition, 409, id="invalid-transition"),
    pytest.param(errors.ValidationError, 422, id="validation"),
]
ERRORS_BY_NAME = {p.values[0].__name__: p.values[0] for p in DOMAIN_ERRORS}


def _message(name: str) -> str:
    return f"Test message for {name}"


def _test_blueprint() -> Blueprint:
    bp = Blueprint("errors_test", __name__)

    def raise_domain(name: str) -> str:
        raise ERRORS_BY_NAME[name](_message(name), field="email")

    def boom() -> str:
        raise RuntimeError(SECRET)

    def db_boom() -> str:
        # A real database error carrying a person's details as parameters, then an error
        # whose own message quotes them (as a careless `raise ValueError(value)` would).
        try:
            app_session().execute(
                sa.text("SELECT * FROM no_such_table WHERE nhs = :nhs AND name = :name"),
                {"nhs": CANARY_NHS_NUMBER, "name": CANARY_NAME},
            )
        except sa.exc.DBAPIError as error:
            raise ValueError(f"{CANARY_NAME} {CANARY_NHS_NUMBER}") from error
        return "unreachable"

    def undeclared() -> str:
        return "this route is not in the access matrix"

    bp.add_url_rule("/errors-test/domain/<name>", "domain", raise_domain)
    bp.add_url_rule("/api/errors-test/domain/<name>", "api_domain", raise_domain)
    bp.add_url_rule("/errors-test/boom", "boom", boom)
    bp.add_url_rule("/api/errors-test/boom", "api_boom", boom)
    bp.add_url_rule("/errors-test/db-boom", "db_boom", db_boom)
    bp.add_url_rule("/errors-test/undeclared", "undeclared", undeclared)
    return bp


def _test_rules() -> dict[str, access.RouteRule]:
    return {
        f"errors_test.{name}": access.RouteRule(
            endpoint=f"errors_test.{name}",
            methods=frozenset({"GET"}),
            roles=frozenset({access.ANONYMOUS}),
            relationship=None,
            why="test-only route raising an error",
        )
        for name in ("domain", "api_domain", "boom", "api_boom", "db_boom")
    }


@pytest.fixture(scope="module", autouse=True)
def declared_test_routes() -> Iterator[None]:
    real = access.load_matrix()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(access, "load_matrix", lambda *a, **k: {**real, **_test_rules()})
        yield


@pytest.fixture(scope="module")
def error_app() -> Iterator[Flask]:
    settings = {k: getattr(TestingConfig, k) for k in dir(TestingConfig) if k.isupper()}
    settings["SQLALCHEMY_DATABASE_URI"] = "sqlite://"
    app = create_app(settings)
    app.register_blueprint(_test_blueprint())
    yield app


@pytest.fixture
def error_client(error_app: Flask) -> FlaskClient:
    return error_app.test_client()


def _is_nhs_page(html: str, title: str) -> bool:
    return (
        "nhsuk-header" in html
        and f"<title>{title} \N{EN DASH}" in html
        and f"<h1>{title}</h1>" in html
    )


# --- Pages for HTTP errors -------------------------------------------------------------


def test_unknown_url_shows_the_nhs_styled_page_not_found(client):
    response = client.get("/there-is-no-such-page")
    assert response.status_code == 404
    assert _is_nhs_page(response.get_data(as_text=True), "Page not found")


def test_a_role_without_permission_gets_the_nhs_styled_403_page(login_as, world):
    response = login_as(world.users["analyst"]).get("/people/")
    assert response.status_code == 403
    html = response.get_data(as_text=True)
    assert _is_nhs_page(html, "You do not have permission to see this page")


def test_wrong_method_gets_the_nhs_styled_405_page_naming_the_allowed_methods(client):
    response = client.get("/sign-out")
    assert response.status_code == 405
    assert "POST" in response.headers.get("Allow", "")
    assert _is_nhs_page(response.get_data(as_text=True), "This action is not allowed here")


def test_a_route_missing_from_the_access_matrix_is_refused_not_left_open(error_client):
    response = error_client.get("/errors-test/undeclared")
    assert response.status_code == 403
    assert "not in the access matrix" not in response.get_data(as_text=True)


# --- Domain errors -----------------------------------------------------------------------


@pytest.mark.parametrize(("error", "status"), DOMAIN_ERRORS)
def test_domain_error_in_a_page_gives_its_status_and_message(error_client, error, status):
    response = error_client.get(f"/errors-test/domain/{error.__name__}")
    assert response.status_code == status
    html = response.get_data(as_text=True)
    assert _is_nhs_page(html, error.title)
    assert _message(error.__name__) in html


@pytest.mark.parametrize(("error", "status"), DOMAIN_ERRORS)
def test_domain_error_in_the_api_gives_json_with_status_message_and_field(
    error_client, error, status
):
    response = error_client.get(f"/api/errors-test/domain/{error.__name__}")
    assert response.status_code == status
    assert response.is_json
    body = response.get_json()
    assert body["status"] == status
    assert body["message"] == _message(error.__name__)
    assert body["field"] == "email"
    assert body["request_id"] == response.headers["X-Request-ID"]


def test_validation_error_in_the_api_names_the_field_with_its_message(error_client):
    body = error_client.get("/api/errors-test/domain/ValidationError").get_json()
    assert body["errors"] == {"email": [_message("ValidationError")]}


def test_a_browser_asking_for_json_gets_json(error_client):
    response = error_client.get(
        "/errors-test/domain/Conflict", headers={"Accept": "application/json"}
    )
    assert response.status_code == 409 and response.is_json


def test_domain_error_handler_rolls_back_the_requests_unsaved_work(app, db):
    with app.test_request_context("/people/"):
        place = factories.PlaceFactory()
        db.session.add(Neighbourhood(code="TROLLBK", name="Half-saved LCP", place=place))
        db.session.flush()
        assert db.session.scalar(
            sa.select(sa.func.count(Neighbourhood.id)).where(Neighbourhood.code == "TROLLBK")
        )
        _response, status = errors.handle_domain_error(
            errors.ValidationError("Nothing is saved", field="name")
        )
        assert status == 422
        count = db.session.scalar(
            sa.select(sa.func.count(Neighbourhood.id)).where(Neighbourhood.code == "TROLLBK")
        )
        assert count == 0


# --- Unexpected errors -------------------------------------------------------------------


def test_unexpected_error_page_shows_only_a_reference_equal_to_the_request_id(error_client):
    response = error_client.get("/errors-test/boom")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "nhsuk-header" in html
    reference = re.search(r'class="app-reference">([^<]+)<', html)
    assert reference and reference.group(1) == response.headers["X-Request-ID"]
    assert SECRET not in html and "Traceback" not in html and "RuntimeError" not in html


def test_unexpected_error_in_the_api_gives_json_with_only_a_reference(error_client):
    response = error_client.get(
        "/api/errors-test/boom", headers={"X-Request-ID": "upstream-id-0001"}
    )
    assert response.status_code == 500
    assert response.is_json
    body = response.get_json()
    assert body["request_id"] == response.headers["X-Request-ID"] == "upstream-id-0001"
    text = response.get_data(as_text=True)
    assert SECRET not in text and "Traceback" not in text and "RuntimeError" not in text


def test_a_500_logs_its_reference_route_and_error_type_but_no_personal_data(error_client, capsys):
    capsys.readouterr()

    response = error_client.get("/errors-test/db-boom", headers={"X-Request-ID": "canary-log-01"})

    assert response.status_code == 500
    logged = capsys.readouterr()
    text = logged.out + logged.err
    assert "canary-log-01" in text and "errors_test.db_boom" in text
    assert re.search(r"ValueError <- \w*Error", text)  # the chain's types, not their text
    assert CANARY_NHS_NUMBER not in text and CANARY_NAME not in text
    assert "no_such_table" not in text  # nor the SQL itself
