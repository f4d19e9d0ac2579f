"""Care plan pages and the portal: conflicts shown on the form, what each viewer sees."""

from __future__ import annotations

import datetime as dt
import re

import sqlalchemy as sa
import time_machine

from hubs.careplans import services
from hubs.careplans.models import (
    CarePlan,
    PlanStatus,
)
from hubs.core.audit import AuditEvent
from hubs.extensions import db
from hubs.notifications.models import StaffTask
from hubs.people.models import BreakGlassAccess, Consent, ConsentSection
from hubs.people.services import grant_consent
from tests import factories
from tests.conftest import csrf_token

STAFF_NOTE = "Staffonlycanary: discuss safeguarding at MDT"


def _agreed(world, episode, **extra) -> CarePlan:
    values = {
        "what_matters": "Keeping my flat",
        "staff_notes": STAFF_NOTE,
        "goals": ["Pay off the rent arrears"],
    }
    values.update(extra)
    plan = factories.CarePlanFactory(episode=episode, agreed=True, **values)
    db.session.commit()
    return plan


def _edit_body(revision: int, about_me: str) -> dict[str, str]:
    return {
        "revision": str(revision),
        "about_me": about_me,
        "what_matters": "Home",
        "goals-0-own_words": "Keep my flat",
        "goals-0-status": "not_started",
        "actions-0-category": "social",
        "actions-0-what": "",
    }


def test_two_stale_editors_in_the_browser_the_second_gets_a_409_showing_what_changed(
    login_as, world, episode
):
    draft = services.open_draft(db.session, world.users["clinician"], episode)
    db.session.commit()
    path = f"/care-plans/{draft.id}/edit"
    first, second = login_as(world.users["clinician"]), login_as(world.users["manager"])
    first_token, second_token = csrf_token(first, path), csrf_token(second, path)
    revision = draft.revision
    saved = first.post(
        path, data={**_edit_body(revision, "From the first editor"), "csrf_token": first_token}
    )
    assert saved.status_code == 302
    stale = second.post(
        path, data={**_edit_body(revision, "From the second editor"), "csrf_token": second_token}
    )
    html = stale.get_data(as_text=True)
    assert stale.status_code == 409 and "after you opened it" in html and "About me" in html
    db.session.expire_all()
    assert db.session.get(CarePlan, draft.id).about_me == "From the first editor"


def test_the_person_sees_their_agreed_plan_but_never_staff_notes_or_drafts(
    login_as, world, episode
):
    plan = _agreed(world, episode)
    draft = services.open_draft(db.session, world.users["clinician"], episode)
    services.save_draft(
        db.session,
        world.users["clinician"],
        draft,
        revision=draft.revision,
        content=services.CarePlanContent(what_matters="Draftcanary not agreed yet"),
    )
    db.session.commit()
    browser = login_as(world.users["person"])
    html = browser.get("/my/care-plan").get_data(as_text=True)
    assert "Keeping my flat" in html and f"Version {plan.version}" in html
    assert "Staffonlycanary" not in html and "Draftcanary" not in html
    assert browser.get(f"/my/care-plan/{draft.id}").status_code == 404


def test_another_person_cannot_reach_this_persons_plan(login_as, world, episode):
    plan = _agreed(world, episode)
    browser = login_as(world.users["other_person"])
    assert browser.get(f"/my/care-plan/{plan.id}").status_code == 404
    assert "Keeping my flat" not in browser.get("/my/care-plan").get_data(as_text=True)
    assert browser.get(f"/care-plans/{plan.id}").status_code == 403


def test_vcse_worker_reads_the_plan_only_under_consent_and_never_the_staff_notes(
    login_as, world, episode
):
    plan = _agreed(world, episode)
    browser = login_as(world.users["vcse_worker"])
    assert browser.get(f"/care-plans/{plan.id}").status_code == 404
    grant_consent(
        db.session,
        None,
        world.person_a,
        organisation_id=world.vcse.id,
        sections=[ConsentSection.CARE_PLAN],
        starts_on=dt.date.today(),
    )
    db.session.commit()
    html = browser.get(f"/care-plans/{plan.id}").get_data(as_text=True)
    assert "Keeping my flat" in html and "Staffonlycanary" not in html


def test_clinician_in_the_hub_sees_staff_notes(login_as, world, episode):
    plan = _agreed(world, episode)
    html = login_as(world.users["clinician"]).get(f"/care-plans/{plan.id}").get_data(as_text=True)
    assert "Staffonlycanary" in html


def test_other_hub_clinician_gets_404_for_the_care_plan(login_as, world, episode):
    plan = _agreed(world, episode)
    browser = login_as(world.users["other_hub_clinician"])
    assert browser.get(f"/care-plans/{plan.id}").status_code == 404
    assert browser.get(f"/episodes/{episode.id}/care-plan").status_code == 404


def test_agreeing_in_the_browser_makes_the_plan_visible_in_the_portal(login_as, world, episode):
    nurse = world.users["clinician"]
    draft = services.open_draft(db.session, nurse, episode)
    services.save_draft(
        db.session,
        nurse,
        draft,
        revision=draft.revision,
        content=services.CarePlanContent(what_matters="Seeing my grandchildren"),
    )
    db.session.commit()
    browser = login_as(nurse)
    path = f"/care-plans/{draft.id}/agree"
    response = browser.post(
        path,
        data={
            "revision": str(draft.revision),
            "method": "in_person",
            "csrf_token": csrf_token(browser, path),
        },
    )
    assert response.status_code == 302
    assert "Seeing my grandchildren" in login_as(world.users["person"]).get(
        "/my/care-plan"
    ).get_data(as_text=True)


def test_agree_without_a_method_shows_the_error_summary(login_as, world, episode):
    draft = services.open_draft(db.session, world.users["clinician"], episode)
    db.session.commit()
    browser = login_as(world.users["clinician"])
    path = f"/care-plans/{draft.id}/agree"
    response = browser.post(
        path, data={"revision": str(draft.revision), "csrf_token": csrf_token(browser, path)}
    )
    assert response.status_code == 422 and "There is a problem" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(CarePlan, draft.id).status == PlanStatus.DRAFT


def test_person_comments_on_their_plan(login_as, world, episode):
    plan = _agreed(world, episode)
    browser = login_as(world.users["person"])
    response = browser.post(
        f"/my/care-plan/{plan.id}/comments",
        data={"body": "Please add my sister", "csrf_token": csrf_token(browser, "/my/care-plan")},
    )
    assert response.status_code == 302
    html = login_as(world.users["clinician"]).get(f"/care-plans/{plan.id}").get_data(as_text=True)
    assert "Please add my sister" in html


def test_person_sees_their_care_team_with_roles(login_as, world, episode):
    html = login_as(world.users["person"]).get("/my/care-team").get_data(as_text=True)
    assert world.users["clinician"].display_name in html and "Mental health nurse" in html
    assert "your lead worker" in html


def test_person_shares_and_stops_sharing_with_an_organisation(login_as, world, episode):
    browser = login_as(world.users["person"])
    token = csrf_token(browser, "/my/consent")
    response = browser.post(
        "/my/consent",
        data={
            "organisation_id": str(world.vcse.id),
            "sections": ["care_plan", "safety_plan"],
            "csrf_token": token,
        },
    )
    assert response.status_code == 302
    consent = db.session.scalar(sa.select(Consent).where(Consent.person_id == world.person_a.id))
    assert sorted(consent.sections) == ["care_plan", "safety_plan"]
    browser.post(f"/my/consent/{consent.id}/withdraw", data={"csrf_token": token})
    db.session.expire_all()
    assert db.session.get(Consent, consent.id).withdrawal is not None


def test_person_sharing_nothing_gets_a_field_error(login_as, world, episode):
    browser = login_as(world.users["person"])
    response = browser.post(
        "/my/consent",
        data={
            "organisation_id": str(world.vcse.id),
            "csrf_token": csrf_token(browser, "/my/consent"),
        },
    )
    assert response.status_code == 422 and "Choose at least one section" in response.get_data(
        as_text=True
    )


def test_person_cannot_withdraw_someone_elses_consent(login_as, world, episode):
    other = db.session.scalar(sa.select(Consent).where(Consent.person_id == world.person_shared.id))
    browser = login_as(world.users["person"])
    response = browser.post(
        f"/my/consent/{other.id}/withdraw", data={"csrf_token": csrf_token(browser, "/my/consent")}
    )
    assert response.status_code == 404


def test_break_glass_opens_the_record_for_hours_with_a_reason_and_alerts_managers(
    login_as, world, episode
):
    outsider = world.users["other_hub_clinician"]
    browser = login_as(outsider)
    assert browser.get(f"/people/{world.person_a.id}").status_code == 404
    refused = browser.post(
        "/break-glass",
        data={
            "nhs_number": world.person_a.nhs_number,
            "reason": "",
            "csrf_token": csrf_token(browser, "/break-glass"),
        },
    )
    assert refused.status_code == 422
    granted = browser.post(
        "/break-glass",
        data={
            "nhs_number": world.person_a.nhs_number,
            "reason": "Found in crisis at A&E, no records",
            "hours": "2",
            "csrf_token": csrf_token(browser, "/break-glass"),
        },
    )
    assert granted.status_code == 302
    assert browser.get(f"/people/{world.person_a.id}").status_code == 200
    alert = db.session.scalar(
        sa.select(StaffTask).where(StaffTask.recipient_id == world.users["manager"].id)
    )
    assert alert.kind == "break_glass_review" and alert.person_id == world.person_a.id
    assert "emergency access" in alert.detail.lower()
    audit_row = db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.action == "person.break_glass")
    )
    assert audit_row.person_id == world.person_a.id and audit_row.actor_user_id == outsider.id
    grant = db.session.scalar(sa.select(BreakGlassAccess))
    with time_machine.travel(grant.expires_at + dt.timedelta(minutes=1), tick=False):
        later = login_as(outsider)
        assert later.get(f"/people/{world.person_a.id}").status_code == 404


def test_manager_sees_the_break_glass_alert_in_my_tasks(login_as, world, episode):
    from hubs.people.services import break_glass

    break_glass(
        db.session,
        world.users["other_hub_clinician"],
        nhs_number=world.person_a.nhs_number,
        reason="Emergency at the crisis cafe",
        hours=1,
    )
    db.session.commit()
    html = login_as(world.users["manager"]).get("/tasks/").get_data(as_text=True)
    assert "Emergency access to review" in html and "crisis cafe" in html
    assert f'href="/people/{world.person_a.id}"' in html


def test_assessment_and_action_start_are_recorded_from_the_pages(login_as, world, episode):
    plan = _agreed(world, episode, actions=[(services.ActionCategory.SOCIAL, "Advice")])
    browser = login_as(world.users["clinician"])
    token = csrf_token(browser, f"/episodes/{episode.id}/care-plan")
    assert (
        browser.post(
            f"/episodes/{episode.id}/assessment",
            data={"on": dt.date.today().isoformat(), "csrf_token": token},
        ).status_code
        == 302
    )
    action_id = plan.actions[0].id
    assert (
        browser.post(
            f"/care-plans/{plan.id}/actions/{action_id}/start", data={"csrf_token": token}
        ).status_code
        == 302
    )
    html = browser.get(f"/episodes/{episode.id}/care-plan").get_data(as_text=True)
    assert re.search(r"Started|started", html)


def test_compare_shows_the_changed_sections(login_as, world, episode):
    first = _agreed(world, episode, superseded=True)
    second = _agreed(world, episode, what_matters="Keeping my flat and my job")
    html = (
        login_as(world.users["clinician"])
        .get(f"/care-plans/{first.id}/compare/{second.id}")
        .get_data(as_text=True)
    )
    assert "What matters to me" in html and "Keeping my flat and my job" in html
