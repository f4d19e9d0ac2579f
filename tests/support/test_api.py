"""`/api/v1/contacts`: the same access rules and field-level 422s as the pages."""

from __future__ import annotations

import datetime as dt

from hubs.support.models import Contact
from tests.conftest import csrf_token
from tests.helpers.db import count_rows


def _post(browser, body: dict[str, object]):  # type: ignore[no-untyped-def]
    token = csrf_token(browser, "/account/password")
    return browser.post("/api/v1/contacts/", json=body, headers={"X-CSRFToken": token})


def _body(world, **overrides: object) -> dict[str, object]:  # type: ignore[no-untyped-def]
    body: dict[str, object] = {
        "person_id": world.person_a.id,
        "contact_on": dt.date.today().isoformat(),
        "duration_minutes": 40,
        "mode": "accompanied",
        "reached": "yes",
        "activities": ["accompanying"],
        "needs": ["physical_health"],
        "notes": "Went to the GP practice together for the health check",
    }
    body.update(overrides)
    return body


def test_api_logs_a_contact_for_an_allocated_person(login_as, world, allocated):
    response = _post(login_as(world.users["vcse_worker"]), _body(world))
    assert response.status_code == 201
    data = response.get_json()
    assert data["activities"] == ["accompanying"] and data["is_attended"] is True


def test_api_answers_404_for_a_person_outside_the_connectors_allocation(login_as, world, allocated):
    response = _post(login_as(world.users["other_vcse_worker"]), _body(world))
    assert response.status_code == 404
    assert count_rows(Contact) == 0


def test_api_answers_422_naming_the_field_for_a_future_date(login_as, world, allocated):
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    response = _post(login_as(world.users["vcse_worker"]), _body(world, contact_on=tomorrow))
    assert response.status_code == 422
    assert response.get_json()["field"] == "contact_on"
    assert count_rows(Contact) == 0


def test_api_answers_422_naming_the_field_for_an_absurd_duration(login_as, world, allocated):
    response = _post(login_as(world.users["vcse_worker"]), _body(world, duration_minutes=1000))
    assert response.status_code == 422
    assert response.get_json()["field"] == "duration_minutes"
    assert count_rows(Contact) == 0


def test_api_answers_422_naming_the_field_for_an_unknown_mode(login_as, world, allocated):
    response = _post(login_as(world.users["vcse_worker"]), _body(world, mode="carrier_pigeon"))
    assert response.status_code == 422
    assert response.get_json()["field"] == "mode"


def test_api_lists_only_contacts_the_worker_may_see(login_as, world, allocated):
    _post(login_as(world.users["vcse_worker"]), _body(world))
    mine = login_as(world.users["vcse_worker"]).get("/api/v1/contacts/").get_json()
    others = login_as(world.users["other_vcse_worker"]).get("/api/v1/contacts/").get_json()
    elsewhere = login_as(world.users["other_hub_clinician"]).get("/api/v1/contacts/").get_json()
    assert mine["total"] == 1
    assert others["total"] == 0 and elsewhere["total"] == 0


def test_api_reads_one_contact_or_answers_404(login_as, world, allocated):
    created = _post(login_as(world.users["vcse_worker"]), _body(world)).get_json()
    path = f"/api/v1/contacts/{created['id']}"
    assert login_as(world.users["clinician"]).get(path).status_code == 200
    assert login_as(world.users["other_vcse_worker"]).get(path).status_code == 404
