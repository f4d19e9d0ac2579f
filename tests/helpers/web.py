"""Driving the web pages and reading what they render."""

from __future__ import annotations

import re

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from hubs.staff.models import User
from tests.conftest import csrf_token
from tests.factories import PASSWORD


def post_sign_in(
    client: FlaskClient, email: str, password: str, path: str = "/sign-in", **kw: object
) -> TestResponse:
    """Post the sign-in form as a browser would, with the CSRF token the page gave it."""
    token = csrf_token(client, "/sign-in")
    return client.post(path, data={"csrf_token": token, "email": email, "password": password}, **kw)


def sign_in_with_form(client: FlaskClient, user: User) -> None:
    """Sign the user in through the form, with the factories' password; it must succeed."""
    response = post_sign_in(client, user.email, PASSWORD)
    assert response.status_code == 302, f"sign-in answered {response.status}"


def mentions_path(html: str, path: str) -> bool:
    """Whether the page holds `path` (say "/people/12") anywhere, in a link, a form's action
    or a longer path under it ("/support/people/12/contacts/new"), but not as the start of
    another id ("/people/123"). Ids are what records are told apart by: a generated name
    can be part of another word on the page, and is escaped when it has an apostrophe."""
    return re.search(re.escape(path) + r"(?![0-9])", html) is not None
