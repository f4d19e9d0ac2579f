"""Input that used to reach the database and answer 500 (security point 4): an id past the
column's range, a page number past it, a NUL byte in text. Checked on both databases."""

from __future__ import annotations

import datetime as dt

import pytest

from hubs.core.inputs import MAX_ID
from tests.conftest import csrf_token
from tests.helpers.api import bearer

HUGE = 2**63 + 1


@pytest.mark.parametrize(
    "path",
    [f"/people/{HUGE}", f"/referrals/{HUGE}", f"/people/{MAX_ID + 1}", f"/api/v1/referrals/{HUGE}"],
)
def test_an_id_past_the_column_range_in_a_url_is_not_found(login_as, world, path):
    response = login_as(world.users["clinician"]).get(path)

    assert response.status_code == 404


def test_the_largest_id_a_column_holds_is_looked_up_like_any_other(login_as, world):
    assert login_as(world.users["clinician"]).get(f"/people/{MAX_ID}").status_code == 404


@pytest.mark.parametrize(
    "path", ["/referrals/?page={n}", "/people/?page={n}", "/referrals/?team={n}"]
)
def test_a_page_or_id_past_the_range_in_a_query_is_refused_naming_the_field(login_as, world, path):
    response = login_as(world.users["clinician"]).get(path.format(n=HUGE))

    assert response.status_code == 422


def test_the_api_names_the_query_field_it_refuses(client, world):
    response = client.get(
        f"/api/v1/referrals/?page={HUGE}", headers=bearer(world.users["clinician"])
    )

    assert response.status_code == 422 and response.json["field"] == "page"


def test_an_id_past_the_range_in_a_json_body_is_refused_naming_the_field(client, world):
    body = {"person_id": HUGE, "source": "gp", "referrer_name": "Dr Example"}

    response = client.post(
        "/api/v1/referrals/", json=body, headers=bearer(world.users["clinician"])
    )

    assert response.status_code == 422 and response.json["field"] == "person_id"


def test_a_nul_byte_in_json_text_is_refused_naming_the_field_and_saves_nothing(client, world):
    from hubs.extensions import db
    from hubs.referrals.models import Referral
    from tests.helpers.db import count_rows

    before = count_rows(Referral)
    body = {
        "person_id": world.person_a.id,
        "source": "gp",
        "referrer_name": "Dr Example",
        "received_on": dt.date.today().isoformat(),
        "priority": "routine",
        "needs": [{"domain": "accommodation", "severity": "high", "own_words": "flat\x00"}],
    }

    response = client.post(
        "/api/v1/referrals/", json=body, headers=bearer(world.users["clinician"])
    )

    assert response.status_code == 422 and response.json["field"] == "needs.0.own_words"
    db.session.expire_all()
    assert count_rows(Referral) == before


def test_a_nul_byte_in_a_form_is_refused_before_anything_is_stored(login_as, world):
    browser = login_as(world.users["clinician"])
    token = csrf_token(browser, "/account/password")

    response = browser.post(
        "/account/password",
        data={"csrf_token": token, "current_password": "x\x00", "new_password": "y"},
    )

    assert response.status_code == 422
    assert "control characters" in response.get_data(as_text=True)


@pytest.mark.parametrize("received_on", ["0281-05-01", "1899-12-31", "2101-01-01"])
def test_a_date_outside_1900_to_2100_is_refused_naming_the_field(client, world, received_on):
    body = {
        "person_id": world.person_a.id,
        "source": "gp",
        "referrer_name": "Dr Example",
        "received_on": received_on,
        "priority": "routine",
        "needs": [{"domain": "accommodation", "severity": "high"}],
    }

    response = client.post(
        "/api/v1/referrals/", json=body, headers=bearer(world.users["clinician"])
    )

    assert response.status_code == 422 and response.json["field"] == "received_on"


def test_an_unknown_gp_practice_for_a_new_person_is_refused_naming_the_field(client, world):
    from hubs.people.models import Person
    from tests import factories
    from tests.helpers.db import count_rows

    people = count_rows(Person)
    body = {
        "source": "gp",
        "referrer_name": "Dr Example",
        "received_on": dt.date.today().isoformat(),
        "priority": "routine",
        "needs": [{"domain": "accommodation", "severity": "high"}],
        "person": {
            "nhs_number": factories.synthetic_nhs_number(),
            "given_name": "Fictional",
            "family_name": "Nopractice",
            "date_of_birth": "1991-02-03",
            "sex": "female",
            "gp_practice_id": MAX_ID,
        },
    }

    response = client.post(
        "/api/v1/referrals/", json=body, headers=bearer(world.users["hub_admin"])
    )

    assert response.status_code == 422 and response.json["field"] == "person.gp_practice_id"
    assert count_rows(Person) == people
