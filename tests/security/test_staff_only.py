"""Staff-only text never reaches VCSE staff or the person (DESIGN §3 rule 5; security point 2).

Before: a nurse's contact note marked "staff only" was shown to the VCSE connector on the
support log and in the API (`"is_staff_only": true, "notes": …`). A unique string goes into
every staff-only field (a contact's notes, a care plan's staff notes); then every page and
endpoint the VCSE worker and the person can reach is fetched and searched for it.
"""

from __future__ import annotations

import pytest
from flask import url_for

from hubs.careplans import services as care_plan_services
from hubs.careplans.models import AgreementMethod
from hubs.support import services as support_services
from tests.security.test_access_matrix import (
    client_for,
    crawl,
    page_text,
    plan_fixtures,
    start_pages,
    support_fixtures,
)

CANARY = "staffonlycanary"


@pytest.fixture
def staff_only_world(db, world):  # type: ignore[no-untyped-def]
    """The nurse's contact with person_a carries a staff-only note; person_a's newest agreed
    care plan (shared with the VCSE worker's organisation) carries staff-only notes."""
    nurse = world.users["clinician"]
    contact_id = support_fixtures(world).contacts["clinician"]
    contact = support_services.get_contact_for(db.session, nurse, contact_id)
    support_services.expand_contact(
        db.session,
        nurse,
        contact,
        support_services.ContactDetails(notes=f"Concern {CANARY} noted", is_staff_only=True),
    )
    draft = plan_fixtures(world).draft
    care_plan_services.save_draft(
        db.session,
        nurse,
        draft,
        revision=draft.revision,
        content=care_plan_services.CarePlanContent(
            what_matters="Home", staff_notes=f"Impression {CANARY}"
        ),
    )
    care_plan_services.agree(
        db.session, nurse, draft, revision=draft.revision, method=AgreementMethod.IN_PERSON
    )
    db.session.commit()
    world.staff_only_contact_id = contact_id
    return world


def _pages(app, db, client, login_as, world, role):  # type: ignore[no-untyped-def]
    browser = client_for(login_as, client, world, role)
    with app.test_request_context():
        direct = [
            url_for("support.contact", contact_id=world.staff_only_contact_id),
            url_for("support.person", person_id=world.person_a.id),
            f"/api/v1/contacts/{world.staff_only_contact_id}",
            f"/api/v1/contacts/?person_id={world.person_a.id}",
        ]
    return crawl(browser, direct + start_pages(app, db, world, role), limit=250)


@pytest.mark.parametrize("role", ["vcse_worker", "person"])
def test_staff_only_text_never_reaches_vcse_staff_or_the_person(
    app, db, client, login_as, staff_only_world, role
):
    pages = _pages(app, db, client, login_as, staff_only_world, role)

    leaks = [path for path, r in pages.items() if CANARY in page_text(r).lower()]
    assert not leaks, f"{role} read staff-only text on {leaks}"


def test_the_vcse_worker_is_told_a_note_was_withheld_on_the_support_log(
    app, db, client, login_as, staff_only_world
):
    pages = _pages(app, db, client, login_as, staff_only_world, "vcse_worker")

    log = pages[f"/support/people/{staff_only_world.person_a.id}"]
    assert log.status_code == 200 and 'data-withheld="notes"' in page_text(log)
    api = pages[f"/api/v1/contacts/{staff_only_world.staff_only_contact_id}"]
    assert api.status_code == 200 and api.json["is_staff_only"] and api.json["notes"] is None


def test_clinical_staff_do_read_staff_only_text_so_the_search_can_find_it(
    app, db, client, login_as, staff_only_world
):
    # The control: the same crawl finds the canary for a clinician of the person's hub.
    pages = _pages(app, db, client, login_as, staff_only_world, "clinician")

    found = {path for path, r in pages.items() if CANARY in page_text(r).lower()}
    assert f"/api/v1/contacts/{staff_only_world.staff_only_contact_id}" in found
    assert any(path.startswith("/care-plans") or "plan" in path for path in found)
