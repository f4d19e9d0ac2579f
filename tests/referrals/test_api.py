"""`/api/v1/referrals`: same services and rules as the pages, JSON errors naming the field."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from openapi_spec_validator import validate

from hubs.extensions import db
from hubs.referrals.models import Referral
from tests.helpers.api import bearer


def _body(world, **extra):
    body = {
        "person_id": world.person_a.id,
        "source": "gp",
        "referrer_name": "Dr Example",
        "received_on": dt.date.today().isoformat(),
        "priority": "routine",
        "needs": [{"domain": "accommodation", "severity": "high", "own_words": "My flat"}],
    }
    body.update(extra)
    return body


def test_api_creates_a_referral_and_reads_it_back_with_its_clock(client, world, named_services):
    headers = bearer(world.users["clinician"])
    created = client.post("/api/v1/referrals/", json=_body(world), headers=headers)
    assert created.status_code == 201, created.json
    assert created.json["status"] == "received" and created.json["team_id"] == world.hub_a.id
    again = client.get(f"/api/v1/referrals/{created.json['id']}", headers=headers)
    assert again.status_code == 200 and again.json["clock"]["days_left"] == 28


def test_api_refuses_a_referral_without_needs_naming_the_field(client, world, named_services):
    response = client.post(
        "/api/v1/referrals/", json=_body(world, needs=[]), headers=bearer(world.users["clinician"])
    )
    assert response.status_code == 422 and response.json["field"] == "needs"
    assert db.session.scalar(sa.select(sa.func.count(Referral.id))) == 0


def test_api_refuses_an_unknown_need_domain_naming_the_field(client, world, named_services):
    body = _body(world, needs=[{"domain": "diagnosis", "severity": "high"}])
    response = client.post(
        "/api/v1/referrals/", json=body, headers=bearer(world.users["clinician"])
    )
    assert response.status_code == 422 and response.json["field"].startswith("needs")


def test_api_refuses_a_future_received_date_naming_the_field(client, world, named_services):
    future = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    response = client.post(
        "/api/v1/referrals/",
        json=_body(world, received_on=future),
        headers=bearer(world.users["clinician"]),
    )
    assert response.status_code == 422 and response.json["field"] == "received_on"


def test_api_refuses_an_unknown_service_naming_the_field(client, world, named_services):
    response = client.post(
        "/api/v1/referrals/",
        json=_body(world, service_id=999999),
        headers=bearer(world.users["clinician"]),
    )
    assert response.status_code == 422 and response.json["field"] == "service_id"


def test_api_signpost_without_destination_is_422_and_illegal_action_is_409(
    client, world, make_referral
):
    referral = make_referral()
    db.session.commit()
    headers = bearer(world.users["clinician"])
    signpost = client.post(
        f"/api/v1/referrals/{referral.id}/signpost", json={"handover_note": "x"}, headers=headers
    )
    assert signpost.status_code == 422 and signpost.json["field"] == "service_id"
    accept = client.post(
        f"/api/v1/referrals/{referral.id}/accept",
        json={"lead_worker_id": world.users["clinician"].id},
        headers=headers,
    )
    assert accept.status_code == 409 and "cannot be given the action" in accept.json["message"]


def test_api_transition_triages_a_referral(client, world, make_referral):
    referral = make_referral()
    db.session.commit()
    response = client.post(
        f"/api/v1/referrals/{referral.id}/triage",
        json={"rationale": "MDT agreed", "priority": "urgent"},
        headers=bearer(world.users["clinician"]),
    )
    assert response.status_code == 200 and response.json["status"] == "triaged"
    assert response.json["priority"] == "urgent"


def test_api_applies_the_same_access_rule_other_hub_gets_404(client, world, make_referral):
    referral = make_referral()
    db.session.commit()
    headers = bearer(world.users["other_hub_clinician"])
    assert client.get(f"/api/v1/referrals/{referral.id}", headers=headers).status_code == 404
    listed = client.get("/api/v1/referrals/", headers=headers).json
    assert listed["total"] == 0 and listed["items"] == []


def test_api_list_filters_and_pages(client, world, make_referral):
    from hubs.referrals.models import Priority

    for _ in range(3):
        make_referral(priority=Priority.URGENT)
    make_referral(priority=Priority.ROUTINE)
    db.session.commit()
    headers = bearer(world.users["clinician"])
    page = client.get("/api/v1/referrals/?priority=urgent&per_page=2", headers=headers).json
    assert page["total"] == 3 and len(page["items"]) == 2 and page["pages"] == 2
    assert {item["priority"] for item in page["items"]} == {"urgent"}
    bad = client.get("/api/v1/referrals/?priority=whenever", headers=headers)
    assert bad.status_code == 422 and bad.json["field"] == "priority"


def test_api_analyst_token_is_refused(client, world, named_services):
    response = client.get("/api/v1/referrals/", headers=bearer(world.users["analyst"]))
    assert response.status_code == 403


def test_openapi_document_is_valid_and_describes_the_referrals_api(client, world, login_as):
    browser = login_as(world.users["clinician"])
    spec = browser.get("/api/v1/openapi.json").json
    validate(spec)
    assert "/api/v1/referrals/" in spec["paths"]
    assert "post" in spec["paths"]["/api/v1/referrals/{referral_id}/{action}"]


def test_swagger_ui_is_served_from_our_own_static_files(login_as, world):
    html = login_as(world.users["clinician"]).get("/api/v1/docs").get_data(as_text=True)
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in html
    assert "http" not in html.replace("http-equiv", "")


def test_api_registers_a_new_person_with_their_referral(client, world, named_services):
    from tests import factories

    body = _body(
        world,
        person={
            "nhs_number": factories.synthetic_nhs_number(),
            "given_name": "Fictional",
            "family_name": "Apiperson",
            "date_of_birth": "1991-02-03",
            "sex": "female",
            "gp_practice_id": world.person_a.gp_practice_id,
        },
    )
    del body["person_id"]
    response = client.post(
        "/api/v1/referrals/", json=body, headers=bearer(world.users["hub_admin"])
    )
    assert response.status_code == 201 and response.json["team_id"] == world.hub_a.id


def test_api_refuses_an_invalid_nhs_number_naming_the_field_and_saves_nothing(
    client, world, named_services
):
    from hubs.people.models import Person

    people = db.session.scalar(sa.select(sa.func.count(Person.id)))
    body = _body(
        world,
        person={
            "nhs_number": "1234567890",
            "given_name": "A",
            "family_name": "B",
            "date_of_birth": "1991-02-03",
            "sex": "male",
        },
    )
    del body["person_id"]
    response = client.post(
        "/api/v1/referrals/", json=body, headers=bearer(world.users["hub_admin"])
    )
    assert response.status_code == 422 and response.json["field"] == "person.nhs_number"
    assert db.session.scalar(sa.select(sa.func.count(Person.id))) == people


def test_api_needs_exactly_one_way_to_name_the_person(client, world, named_services):
    body = _body(world)
    del body["person_id"]
    response = client.post(
        "/api/v1/referrals/", json=body, headers=bearer(world.users["clinician"])
    )
    assert response.status_code == 422 and response.json["field"] == "person_id"
