"""`/api/v1/outcomes`: the same services and rules as the pages, errors naming the field."""

from __future__ import annotations

import datetime as dt

from hubs.extensions import db
from hubs.outcomes.models import OutcomeMeasure
from hubs.people.models import ConsentSection
from hubs.people.services import grant_consent
from hubs.referrals import services as referral_services
from tests.careplans.test_outcome_matrix import DIALOG_KEYS, REQOL_KEYS, make_episode, record
from tests.helpers.api import bearer
from tests.helpers.db import count_rows

TODAY = dt.date.today()


def _body(episode, **extra: object) -> dict[str, object]:  # type: ignore[no-untyped-def]
    body: dict[str, object] = {
        "episode_id": episode.id,
        "kind": "dialog",
        "recorded_on": TODAY.isoformat(),
        "answers": dict.fromkeys(DIALOG_KEYS, 4) | {"accommodation": 6},
        "more_help": ["accommodation"],
    }
    body.update(extra)
    return body


def test_api_records_a_baseline_dialog_and_lists_it_for_the_episode(client, world):
    episode = make_episode(world)
    headers = bearer(world.users["clinician"])
    created = client.post("/api/v1/outcomes", json=_body(episode), headers=headers)
    assert created.status_code == 201, created.json
    assert created.json["is_baseline"] is True and created.json["kind"] == "dialog"
    assert created.json["score"] == 4.25 and created.json["secondary_score"] == 4.0
    assert created.json["more_help"] == ["accommodation"]
    listed = client.get(f"/api/v1/outcomes?episode_id={episode.id}", headers=headers)
    assert listed.status_code == 200
    assert [m["id"] for m in listed.json["items"]] == [created.json["id"]]
    assert listed.json["total"] == 1


def test_api_records_a_reqol10_with_its_total_and_physical_item(client, world):
    episode = make_episode(world)
    body = _body(
        episode, kind="reqol10", answers=dict.fromkeys(REQOL_KEYS, 3) | {"item_1": 1}, more_help=[]
    )
    created = client.post("/api/v1/outcomes", json=body, headers=bearer(world.users["manager"]))
    assert created.status_code == 201, created.json
    assert (created.json["score"], created.json["secondary_score"]) == (28.0, 3.0)


def _refused(client, world, episode, **changes: object):  # type: ignore[no-untyped-def]
    response = client.post(
        "/api/v1/outcomes",
        json=_body(episode, **changes),
        headers=bearer(world.users["clinician"]),
    )
    assert response.status_code == 422, response.json
    return response.json["field"]


def test_api_422_names_the_item_and_saves_nothing(client, world):
    episode = make_episode(world)
    answers = dict.fromkeys(DIALOG_KEYS, 4)
    assert _refused(client, world, episode, answers=answers | {"mental_health": 9}) == (
        "answers.mental_health"
    )
    del answers["friendships"]
    assert _refused(client, world, episode, answers=answers) == "answers.friendships"
    assert _refused(client, world, episode, answers=answers | {"friendships": "4"}) == (
        "answers.friendships"
    )
    assert _refused(client, world, episode, answers=answers | {"friendships": 4, "x": 1}) == (
        "answers.x"
    )
    assert count_rows(OutcomeMeasure) == 0


def test_api_422_for_dates_kind_and_more_help(client, world):
    episode = make_episode(world)
    tomorrow = (TODAY + dt.timedelta(days=1)).isoformat()
    assert _refused(client, world, episode, recorded_on=tomorrow) == "recorded_on"
    assert _refused(client, world, episode, kind="phq9") == "kind"
    assert _refused(client, world, episode, more_help=["money_debt"]) == "more_help"
    assert _refused(client, world, episode, episode_id="one") == "episode_id"
    assert count_rows(OutcomeMeasure) == 0


def test_api_404_for_an_episode_of_another_hub_or_none(client, world):
    theirs = make_episode(world, world.person_b, world.users["other_hub_clinician"])
    record(world, theirs, actor=world.users["other_hub_clinician"])
    headers = bearer(world.users["clinician"])
    for episode_id in (theirs.id, 999_999):
        listed = client.get(f"/api/v1/outcomes?episode_id={episode_id}", headers=headers)
        assert listed.status_code == 404
        body = _body(theirs, episode_id=episode_id)
        assert client.post("/api/v1/outcomes", json=body, headers=headers).status_code == 404
    assert count_rows(OutcomeMeasure) == 1


def test_api_list_without_an_episode_shows_only_what_the_caller_may_read(client, world):
    mine = record(world, make_episode(world))
    theirs = make_episode(world, world.person_b, world.users["other_hub_clinician"])
    record(world, theirs, actor=world.users["other_hub_clinician"])
    listed = client.get("/api/v1/outcomes", headers=bearer(world.users["clinician"]))
    assert listed.status_code == 200
    assert [m["id"] for m in listed.json["items"]] == [mine.id]


def test_api_vcse_care_team_worker_records_but_reads_only_with_an_outcome_consent(client, world):
    episode = make_episode(world)
    worker = world.users["vcse_worker"]
    referral_services.add_to_care_team(db.session, episode, worker)
    db.session.commit()
    headers = bearer(worker)
    assert client.post("/api/v1/outcomes", json=_body(episode), headers=headers).status_code == 201
    path = f"/api/v1/outcomes?episode_id={episode.id}"
    assert client.get(path, headers=headers).status_code == 404
    assert client.get("/api/v1/outcomes", headers=headers).json["items"] == []
    grant_consent(
        db.session,
        None,
        world.person_a,
        organisation_id=world.vcse.id,
        sections=[ConsentSection.OUTCOME_MEASURES],
        starts_on=TODAY,
    )
    db.session.commit()
    assert client.get(path, headers=headers).json["total"] == 1
    assert len(client.get("/api/v1/outcomes", headers=headers).json["items"]) == 1


def test_api_is_closed_to_people_and_hub_admins(client, world):
    episode = make_episode(world)
    for role in ("person", "hub_admin"):
        headers = bearer(world.users[role])
        response = client.get(f"/api/v1/outcomes?episode_id={episode.id}", headers=headers)
        assert response.status_code in {401, 403}
