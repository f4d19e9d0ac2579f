"""`/api/v1/safetyplans`: the same services and access rules as the pages, 409 on a stale
version or revision, 422 naming the field."""

from __future__ import annotations

import pytest
from openapi_spec_validator import validate

from hubs.careplans.models import PlanStatus
from hubs.extensions import db
from hubs.safetyplans import services as safety
from tests.careplans.conftest_safety import (
    REASONS,
    WARNING,
    agreed_plan,
    crisis_directory,
    draft_plan,
    make_episode,
    share_safety_plan,
)
from tests.helpers.api import bearer


@pytest.fixture
def involved(world):
    return make_episode(world)


def _url(world, suffix: str = "", person=None) -> str:
    return f"/api/v1/safetyplans/{(person or world.person_a).id}{suffix}"


def test_read_before_any_plan_gives_a_blank_version(client, world, involved):
    response = client.get(_url(world), headers=bearer(world.users["clinician"]))
    assert response.status_code == 200
    assert response.json["version"] is None and response.json["revision"] is None


def test_save_then_agree_through_the_api(client, world, involved):
    headers = bearer(world.users["clinician"])
    samaritans = crisis_directory()["SAMARITANS"]
    body = {
        "version": None,
        "warning_signs": WARNING,
        "reasons_for_living": REASONS,
        "service_ids": [samaritans.id],
    }
    saved = client.put(_url(world), json=body, headers=headers)
    assert saved.status_code == 200, saved.json
    assert (saved.json["version"], saved.json["status"]) == (1, "draft")
    assert saved.json["services"][0]["phone"] == "116 123"
    read = client.get(_url(world), headers=headers).json
    assert (read["version"], read["revision"]) == (1, saved.json["revision"])
    agreed = client.post(
        _url(world, "/agree"),
        json={"version": 1, "revision": read["revision"], "method": "phone"},
        headers=headers,
    )
    assert agreed.status_code == 200, agreed.json
    assert agreed.json["status"] == "agreed" and agreed.json["review_due_on"]


def test_two_stale_editors_through_the_api_the_second_gets_409(client, world, involved):
    draft = draft_plan(world)
    db.session.commit()
    headers = bearer(world.users["clinician"])
    opened = client.get(_url(world), headers=headers).json
    first = {"version": opened["version"], "revision": opened["revision"], "distractions": "Gym"}
    assert client.post(_url(world), json=first, headers=headers).status_code == 200
    second = {**first, "distractions": "Swimming", "warning_signs": "Second editor"}
    refused = client.put(_url(world), json=second, headers=headers)
    assert refused.status_code == 409
    assert refused.json["field"] == "revision"
    assert "Changed since" in refused.json["message"]
    db.session.refresh(draft)
    assert draft.distractions == "Gym" and draft.warning_signs == ""


def test_editing_an_agreed_version_someone_else_has_moved_on_from_is_409(client, world, involved):
    v1 = agreed_plan(world)
    headers = bearer(world.users["clinician"])
    body = {"version": v1.version, "revision": v1.revision, "warning_signs": "First"}
    assert client.put(_url(world), json=body, headers=headers).json["version"] == 2
    refused = client.put(_url(world), json={**body, "warning_signs": "Second"}, headers=headers)
    assert refused.status_code == 409 and refused.json["field"] == "version"
    assert safety.current_draft(db.session, world.person_a.id).warning_signs == "First"


def test_api_422_names_the_field(client, world, involved):
    headers = bearer(world.users["clinician"])
    too_long = client.put(
        _url(world), json={"version": 0, "warning_signs": "x" * 4001}, headers=headers
    )
    assert too_long.status_code == 422 and too_long.json["field"] == "warning_signs"
    missing = client.put(_url(world), json={"warning_signs": "Hello"}, headers=headers)
    assert missing.status_code == 422 and missing.json["field"] == "version"
    unknown = client.put(_url(world), json={"version": 0, "service_ids": [987654]}, headers=headers)
    assert unknown.status_code == 422 and unknown.json["field"] == "service_ids"
    draft = draft_plan(world)
    db.session.commit()
    bad_method = client.post(
        _url(world, "/agree"),
        json={"version": draft.version, "revision": draft.revision, "method": "telepathy"},
        headers=headers,
    )
    assert bad_method.status_code == 422 and bad_method.json["field"] == "method"


def test_api_follows_the_same_access_rules(client, world, involved):
    agreed_plan(world)
    draft_plan(world, warning_signs="Draft words")
    db.session.commit()
    assert (
        client.get(_url(world), headers=bearer(world.users["other_hub_clinician"])).status_code
        == 404
    )
    vcse = bearer(world.users["vcse_worker"])
    assert client.get(_url(world), headers=vcse).status_code == 404
    share_safety_plan(world, world.person_a)
    read = client.get(_url(world), headers=vcse)
    assert read.status_code == 200
    assert read.json["status"] == PlanStatus.AGREED and read.json["warning_signs"] == WARNING
    listed = client.get(_url(world, "/versions"), headers=vcse).json
    assert [v["status"] for v in listed] == ["agreed"]  # never the draft
    assert client.put(_url(world), json={"version": 2}, headers=vcse).status_code == 403
    staff = client.get(_url(world, "/versions"), headers=bearer(world.users["clinician"])).json
    assert [v["version"] for v in staff] == [2, 1]


def test_openapi_document_describes_the_safety_plans_api(login_as, world):
    spec = login_as(world.users["clinician"]).get("/api/v1/openapi.json").json
    validate(spec)
    item = spec["paths"]["/api/v1/safetyplans/{safety_person_id}"]
    assert {"get", "put", "post"} <= set(item)
    assert "post" in spec["paths"]["/api/v1/safetyplans/{safety_person_id}/agree"]
