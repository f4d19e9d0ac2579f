"""The portal (/my/): a person sees their own record and who has looked at it (DESIGN §3
rules 5 and 7); nobody else's details ever appear, and staff cannot use it."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import g

from hubs.core.audit import AuditEvent
from hubs.staff.models import AccountKind
from hubs.staff.services import create_user
from tests import factories

STAFF_ROLES = [
    "clinician",
    "other_hub_clinician",
    "vcse_worker",
    "other_vcse_worker",
    "hub_admin",
    "manager",
    "analyst",
    "sysadmin",
]


@pytest.fixture
def sign_in(login_as):
    """`login_as`, forgetting whoever the previous request loaded.

    The `db` fixture keeps one app context open for the whole test, so `g` (where Flask-Login
    caches the request's user) outlives each request; switching users needs it cleared.
    """

    def _sign_in(user):
        client = login_as(user)
        g.pop("_login_user", None)
        return client

    return _sign_in


@pytest.fixture
def named_world(db, world):
    """The world with names distinctive enough to search a page for."""
    world.person_a.given_name, world.person_a.family_name = "Ottoline", "Quarrington"
    world.person_b.given_name, world.person_b.family_name = "Canarybee", "Otherperson"
    world.person_shared.given_name, world.person_shared.family_name = "Canaryshared", "Elsewhere"
    db.session.flush()
    return world


def test_person_sees_their_own_record_in_the_portal(named_world, sign_in):
    client = sign_in(named_world.users["person"])

    response = client.get("/my/")

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Ottoline Quarrington" in html
    assert named_world.person_a.nhs_number in html
    assert named_world.person_a.gp_practice.name in html


def test_portal_shows_staff_who_looked_at_the_record(named_world, sign_in):
    clinician = named_world.users["clinician"]
    assert sign_in(clinician).get(f"/people/{named_world.person_a.id}").status_code == 200

    html = sign_in(named_world.users["person"]).get("/my/").get_data(as_text=True)

    assert "Who has looked at your record" in html
    assert clinician.email in html
    assert "Looked at your details" in html
    assert "clinician" in html


def test_portal_history_lists_only_accesses_to_the_persons_own_record(named_world, sign_in):
    other_clinician = named_world.users["other_hub_clinician"]
    assert sign_in(other_clinician).get(f"/people/{named_world.person_b.id}").status_code == 200

    html = sign_in(named_world.users["person"]).get("/my/").get_data(as_text=True)

    assert other_clinician.email not in html


def test_portal_never_shows_another_persons_details(named_world, sign_in):
    # Both people have been looked at, so both have history to (wrongly) leak.
    sign_in(named_world.users["clinician"]).get(f"/people/{named_world.person_a.id}")
    sign_in(named_world.users["other_hub_clinician"]).get(f"/people/{named_world.person_b.id}")

    html = sign_in(named_world.users["person"]).get("/my/").get_data(as_text=True)

    for name in ("Canarybee", "Otherperson", "Canaryshared", "Elsewhere"):
        assert name not in html
    assert named_world.person_b.nhs_number not in html
    assert named_world.person_shared.nhs_number not in html


def test_other_person_sees_only_their_own_record(named_world, sign_in):
    html = sign_in(named_world.users["other_person"]).get("/my/").get_data(as_text=True)

    assert "Canarybee Otherperson" in html
    assert "Ottoline" not in html and "Quarrington" not in html


def test_viewing_the_portal_is_audited_as_the_person_reading_their_own_record(
    db, named_world, sign_in
):
    person_user = named_world.users["person"]

    sign_in(person_user).get("/my/")

    rows = db.session.scalars(
        sa.select(AuditEvent).where(
            AuditEvent.action == "person.view", AuditEvent.actor_user_id == person_user.id
        )
    ).all()
    assert [(r.person_id, r.actor_role) for r in rows] == [(named_world.person_a.id, "person")]


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_staff_cannot_use_the_portal(world, sign_in, role):
    response = sign_in(world.users[role]).get("/my/")

    assert response.status_code == 403


def test_portal_needs_sign_in(client):
    response = client.get("/my/")

    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]


def test_person_account_not_linked_to_a_record_is_not_found(db, login_as):
    user = create_user(
        db.session,
        email="unlinked@test.invalid",
        display_name="Unlinked Person",
        password=factories.PASSWORD,
        kind=AccountKind.PERSON,
    )

    response = login_as(user).get("/my/")

    assert response.status_code == 404


def test_access_history_words_describe_each_kind_of_access():
    from hubs.portal.views import access_words

    assert access_words("care_plan.view") == "looked at your care plan"
    assert access_words("person.break_glass") == "used emergency access to your details"
    assert access_words("outcome_measure.create") == "added your scores"
    assert access_words("something.else") == "worked on your record"
