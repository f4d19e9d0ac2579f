"""`/api/v1/careplans`: version conflicts and access rules as on the pages."""

from __future__ import annotations

from hubs.careplans import services
from hubs.extensions import db
from tests.helpers.api import bearer


def test_api_saves_a_draft_then_refuses_a_stale_revision_with_409(client, world, episode):
    draft = services.open_draft(db.session, world.users["clinician"], episode)
    db.session.commit()
    headers = bearer(world.users["clinician"])
    opened = draft.revision
    first = client.put(
        f"/api/v1/careplans/{draft.id}",
        headers=headers,
        json={"revision": opened, "what_matters": "First", "goals": [{"own_words": "Job"}]},
    )
    assert first.status_code == 200 and first.json["revision"] == opened + 1
    stale = client.put(
        f"/api/v1/careplans/{draft.id}",
        headers=headers,
        json={"revision": opened, "what_matters": "Second"},
    )
    assert stale.status_code == 409 and stale.json["field"] == "revision"
    assert "What matters to me" in stale.json["message"]


def test_api_agree_then_reading_the_episode_shows_the_current_plan(client, world, episode):
    nurse = world.users["clinician"]
    draft = services.open_draft(db.session, nurse, episode)
    services.save_draft(
        db.session,
        nurse,
        draft,
        revision=draft.revision,
        content=services.CarePlanContent(what_matters="Home", staff_notes="Apicanary"),
    )
    db.session.commit()
    headers = bearer(nurse)
    agreed = client.post(
        f"/api/v1/careplans/{draft.id}/agree",
        headers=headers,
        json={"revision": draft.revision, "method": "portal"},
    )
    assert agreed.status_code == 200 and agreed.json["status"] == "agreed"
    plans = client.get(f"/api/v1/careplans/episodes/{episode.id}", headers=headers).json
    assert (
        plans["current"]["what_matters"] == "Home"
        and plans["current"]["staff_notes"] == "Apicanary"
    )


def test_api_hides_staff_notes_from_vcse_readers_and_refuses_their_edits(client, world, episode):
    import datetime as dt

    from hubs.people.models import ConsentSection
    from hubs.people.services import grant_consent

    nurse = world.users["clinician"]
    draft = services.open_draft(db.session, nurse, episode)
    services.save_draft(
        db.session,
        nurse,
        draft,
        revision=draft.revision,
        content=services.CarePlanContent(what_matters="Home", staff_notes="Apicanary"),
    )
    plan = services.agree(
        db.session, nurse, draft, revision=draft.revision, method=services.AgreementMethod.PHONE
    )
    grant_consent(
        db.session,
        None,
        world.person_a,
        organisation_id=world.vcse.id,
        sections=[ConsentSection.CARE_PLAN],
        starts_on=dt.date.today(),
    )
    db.session.commit()
    headers = bearer(world.users["vcse_worker"])
    body = client.get(f"/api/v1/careplans/{plan.id}", headers=headers)
    assert (
        body.status_code == 200 and "staff_notes" not in body.json and "Apicanary" not in body.text
    )
    assert (
        client.put(
            f"/api/v1/careplans/{plan.id}", headers=headers, json={"revision": plan.revision}
        ).status_code
        == 403
    )


def test_api_agree_without_a_method_is_422_naming_the_field(client, world, episode):
    draft = services.open_draft(db.session, world.users["clinician"], episode)
    db.session.commit()
    response = client.post(
        f"/api/v1/careplans/{draft.id}/agree",
        headers=bearer(world.users["clinician"]),
        json={"revision": draft.revision},
    )
    assert response.status_code == 422 and response.json["field"] == "method"


def test_api_other_hub_gets_404(client, world, episode):
    draft = services.open_draft(db.session, world.users["clinician"], episode)
    db.session.commit()
    headers = bearer(world.users["other_hub_clinician"])
    assert client.get(f"/api/v1/careplans/{draft.id}", headers=headers).status_code == 404
    assert (
        client.get(f"/api/v1/careplans/episodes/{episode.id}", headers=headers).status_code == 404
    )
