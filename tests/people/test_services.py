"""People services: registration rules, consent as append-only events, and the access scope.

DESIGN §3 rule 1 (need, not diagnosis), rule 6 (share by consent) and rule 7 (every access is
attributable).
"""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
import time_machine

from hubs.core.audit import AuditEvent
from hubs.core.errors import NotFound, ValidationError
from hubs.core.types import today
from hubs.people import services
from hubs.people.access import get_person_for, person_scope
from hubs.people.models import Consent, ConsentSection, ConsentWithdrawal, Person, Sex
from hubs.staff.models import User
from tests import factories
from tests.helpers.db import count_rows

# Valid Modulus 11 check digits, in the 999 range that is never issued to a real person.
VALID_NHS_NUMBER = "9998765439"
OTHER_VALID_NHS_NUMBER = "9997654323"


def _audit_rows(db, action: str) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        )
    )


def _person_values(practice, **overrides) -> dict:
    values = {
        "nhs_number": VALID_NHS_NUMBER,
        "given_name": "Ottoline",
        "family_name": "Quarrington",
        "date_of_birth": dt.date(1988, 3, 14),
        "sex": Sex.FEMALE,
        "ethnic_category": "C",
        "gp_practice_id": practice.id,
        "is_synthetic": True,
    }
    values.update(overrides)
    return values


@pytest.fixture
def practice(db):
    return factories.GpPracticeFactory()


# --- Registering a person -----------------------------------------------------------------


def test_valid_nhs_number_is_accepted_and_stored_without_spaces(db, practice):
    person = services.register_person(
        db.session, None, **_person_values(practice, nhs_number=" 999 876 5439 ")
    )
    db.session.commit()

    stored = db.session.scalar(sa.select(Person.nhs_number).where(Person.id == person.id))
    assert stored == VALID_NHS_NUMBER


@pytest.mark.parametrize(
    "bad_number",
    [
        "9998765430",  # wrong Modulus 11 check digit
        "999 876 5438",  # wrong check digit, formatted
        "999876543",  # 9 digits
        "99987654391",  # 11 digits
        "99987654AB",  # letters
        "999-876-5439",  # punctuation is not a digit
    ],
)
def test_invalid_nhs_number_is_refused_naming_the_field_and_nothing_is_saved(
    db, practice, bad_number
):
    before = count_rows(Person)

    with pytest.raises(ValidationError) as refused:
        services.register_person(
            db.session, None, **_person_values(practice, nhs_number=bad_number)
        )

    assert refused.value.field == "nhs_number"
    assert count_rows(Person) == before
    assert _audit_rows(db, "person.create") == []


def test_person_without_nhs_number_can_be_registered(db, practice):
    person = services.register_person(db.session, None, **_person_values(practice, nhs_number=" "))

    assert person.id is not None
    assert person.nhs_number is None


def test_duplicate_nhs_number_is_refused(db, practice):
    services.register_person(db.session, None, **_person_values(practice))
    before = count_rows(Person)

    with pytest.raises(ValidationError) as refused:
        services.register_person(
            db.session,
            None,
            **_person_values(practice, nhs_number="999 876 5439", given_name="Someone"),
        )

    assert refused.value.field == "nhs_number"
    assert count_rows(Person) == before


def test_date_of_birth_in_the_future_is_refused(db, practice):
    tomorrow = today() + dt.timedelta(days=1)

    with pytest.raises(ValidationError) as refused:
        services.register_person(
            db.session, None, **_person_values(practice, date_of_birth=tomorrow)
        )

    assert refused.value.field == "date_of_birth"
    assert count_rows(Person) == 0


def test_date_of_birth_today_is_accepted(db, practice):
    person = services.register_person(
        db.session, None, **_person_values(practice, date_of_birth=today())
    )
    assert person.date_of_birth == today()


def test_unknown_ethnic_category_is_refused(db, practice):
    with pytest.raises(ValidationError) as refused:
        services.register_person(db.session, None, **_person_values(practice, ethnic_category="X"))

    assert refused.value.field == "ethnic_category"
    assert count_rows(Person) == 0


def test_person_needs_no_diagnosis_field_at_all(db, practice):
    columns = {column.name for column in Person.__table__.columns}
    assert not any("diagnos" in name for name in columns)

    person = services.register_person(db.session, None, **_person_values(practice))
    db.session.commit()
    assert db.session.get(Person, person.id) is not None


def test_registering_a_person_writes_a_person_create_audit_row(db, world, practice):
    actor = world.users["hub_admin"]

    person = services.register_person(db.session, actor, **_person_values(practice))
    db.session.commit()

    (row,) = [r for r in _audit_rows(db, "person.create") if r.person_id == person.id]
    assert row.actor_user_id == actor.id
    assert row.actor_label == actor.email
    assert row.record_type == "person"
    assert row.record_id == str(person.id)


# --- Consent --------------------------------------------------------------------------------


def _grant(db, world, person=None, organisation=None, **overrides) -> Consent:
    values = {
        "organisation_id": (organisation or world.vcse).id,
        "sections": [ConsentSection.CARE_PLAN],
        "starts_on": dt.date(2024, 1, 1),
    }
    values.update(overrides)
    return services.grant_consent(
        db.session, world.users["clinician"], person or world.person_a, **values
    )


def test_consent_grant_needs_at_least_one_section(db, world):
    with pytest.raises(ValidationError) as refused:
        _grant(db, world, sections=[])
    assert refused.value.field == "sections"


def test_consent_grant_with_an_unknown_section_is_refused_naming_the_field(db, world):
    with pytest.raises(ValidationError) as refused:
        _grant(db, world, sections=[ConsentSection.CARE_PLAN, "diagnosis"])
    assert refused.value.field == "sections"


def test_consent_grant_needs_end_date_on_or_after_start_date(db, world):
    with pytest.raises(ValidationError) as refused:
        _grant(db, world, starts_on=dt.date(2025, 6, 2), ends_on=dt.date(2025, 6, 1))
    assert refused.value.field == "ends_on"

    same_day = _grant(db, world, starts_on=dt.date(2025, 6, 2), ends_on=dt.date(2025, 6, 2))
    assert same_day.id is not None


def test_consent_grant_needs_a_real_organisation(db, world):
    missing = (db.session.scalar(sa.select(sa.func.max(Consent.id))) or 0) + 10_000

    with pytest.raises(ValidationError) as refused:
        _grant(db, world, organisation_id=missing)
    assert refused.value.field == "organisation_id"


def test_refused_consent_grant_saves_nothing(db, world):
    before = db.session.scalar(sa.select(sa.func.count(Consent.id)))

    with pytest.raises(ValidationError):
        _grant(db, world, sections=[])

    assert db.session.scalar(sa.select(sa.func.count(Consent.id))) == before


def test_consent_grant_writes_an_audit_row(db, world):
    consent = _grant(db, world)
    db.session.commit()

    (row,) = [r for r in _audit_rows(db, "consent.grant") if r.record_id == str(consent.id)]
    assert row.person_id == world.person_a.id
    assert row.actor_user_id == world.users["clinician"].id


def test_withdrawing_consent_adds_a_withdrawal_and_leaves_the_grant_unchanged(db, world):
    consent = _grant(db, world, sections=[ConsentSection.CARE_PLAN, ConsentSection.SUPPORT_LOG])
    db.session.commit()
    columns = [c.key for c in sa.inspect(Consent).column_attrs]
    before = {key: getattr(consent, key) for key in columns}

    withdrawal = services.withdraw_consent(
        db.session, world.users["clinician"], consent.id, reason="Changed their mind"
    )
    db.session.commit()
    db.session.expire_all()

    reloaded = db.session.get(Consent, consent.id)
    assert {key: getattr(reloaded, key) for key in columns} == before
    rows = db.session.scalars(
        sa.select(ConsentWithdrawal).where(ConsentWithdrawal.consent_id == consent.id)
    ).all()
    assert [r.id for r in rows] == [withdrawal.id]
    assert rows[0].reason == "Changed their mind"
    assert rows[0].recorded_by_id == world.users["clinician"].id
    assert [r.record_id for r in _audit_rows(db, "consent.withdraw")] == [str(consent.id)]


def test_withdrawing_a_consent_twice_is_refused(db, world):
    consent = _grant(db, world)
    services.withdraw_consent(db.session, None, consent.id)

    with pytest.raises(ValidationError) as refused:
        services.withdraw_consent(db.session, None, consent.id)

    assert refused.value.field == "consent_id"
    count = db.session.scalar(
        sa.select(sa.func.count(ConsentWithdrawal.id)).where(
            ConsentWithdrawal.consent_id == consent.id
        )
    )
    assert count == 1


def test_withdrawing_an_unknown_consent_is_not_found(db, world):
    with pytest.raises(NotFound):
        services.withdraw_consent(db.session, None, 987_654_321)


def test_shared_sections_reflect_only_active_consents_for_that_organisation(db, world):
    day = dt.date(2026, 6, 15)
    _grant(db, world, sections=[ConsentSection.CARE_PLAN, ConsentSection.SAFETY_PLAN])
    _grant(db, world, organisation=world.other_vcse, sections=[ConsentSection.REFERRALS])
    withdrawn = _grant(db, world, sections=[ConsentSection.SUPPORT_LOG])
    services.withdraw_consent(db.session, None, withdrawn.id)
    _grant(
        db, world, sections=[ConsentSection.OUTCOME_MEASURES], ends_on=day - dt.timedelta(days=1)
    )
    _grant(db, world, sections=[ConsentSection.DEMOGRAPHICS], starts_on=day + dt.timedelta(days=1))
    # Another person's consent with the same organisation shares nothing of this person.
    _grant(db, world, person=world.person_b, sections=[ConsentSection.REFERRALS])

    shared = services.shared_sections(db.session, world.person_a.id, world.vcse.id, on=day)

    assert shared == {"care_plan", "safety_plan"}
    assert services.shared_sections(db.session, world.person_a.id, world.other_vcse.id, on=day) == {
        "referrals"
    }
    assert services.shared_sections(db.session, world.person_a.id, world.trust.id, on=day) == set()


def test_withdrawn_consent_stops_vcse_access_at_once(db, world):
    worker = world.users["vcse_worker"]
    consent = _grant(db, world, starts_on=today())
    assert get_person_for(db.session, worker, world.person_a.id) == world.person_a

    services.withdraw_consent(db.session, None, consent.id)

    with pytest.raises(NotFound):
        get_person_for(db.session, worker, world.person_a.id)


def test_expired_consent_no_longer_gives_the_vcse_worker_access(db, world):
    worker = world.users["vcse_worker"]
    with time_machine.travel(dt.datetime(2030, 6, 1, 9, tzinfo=dt.UTC), tick=False) as clock:
        _grant(db, world, starts_on=dt.date(2030, 6, 1), ends_on=dt.date(2030, 6, 30))
        db.session.commit()

        clock.move_to(dt.datetime(2030, 6, 30, 23, 59, tzinfo=dt.UTC))
        assert get_person_for(db.session, worker, world.person_a.id) == world.person_a

        clock.move_to(dt.datetime(2030, 7, 1, 0, 1, tzinfo=dt.UTC))
        with pytest.raises(NotFound):
            get_person_for(db.session, worker, world.person_a.id)
        listed = services.list_people(db.session, worker, per_page=100).items
        assert world.person_a not in listed
        assert services.shared_sections(db.session, world.person_a.id, world.vcse.id) == set()


def test_consent_starting_in_the_future_gives_no_access_yet(db, world):
    worker = world.users["vcse_worker"]
    with time_machine.travel(dt.datetime(2030, 6, 1, 9, tzinfo=dt.UTC), tick=False) as clock:
        _grant(db, world, starts_on=dt.date(2030, 6, 10))
        db.session.commit()

        with pytest.raises(NotFound):
            get_person_for(db.session, worker, world.person_a.id)
        assert world.person_a not in services.list_people(db.session, worker).items

        clock.move_to(dt.datetime(2030, 6, 10, 0, 1, tzinfo=dt.UTC))
        assert get_person_for(db.session, worker, world.person_a.id) == world.person_a


def test_consent_to_one_organisation_gives_no_access_to_another(db, world):
    _grant(db, world, organisation=world.vcse)

    assert get_person_for(db.session, world.users["vcse_worker"], world.person_a.id)
    with pytest.raises(NotFound):
        get_person_for(db.session, world.users["other_vcse_worker"], world.person_a.id)


# --- Who sees whom --------------------------------------------------------------------------

EXPECTED_SCOPE = {
    "clinician": {"person_a"},
    "other_hub_clinician": {"person_b", "person_shared"},
    "vcse_worker": {"person_shared"},
    "other_vcse_worker": set(),
    "hub_admin": {"person_a"},
    "manager": {"person_a"},
    "analyst": set(),
    "sysadmin": set(),
    "person": {"person_a"},
    "other_person": {"person_b"},
}


def _readable_ids(db, user: User) -> set[int]:
    readable = set()
    for person_id in db.session.scalars(sa.select(Person.id)):
        try:
            get_person_for(db.session, user, person_id)
        except NotFound:
            continue
        readable.add(person_id)
    return readable


@pytest.mark.parametrize("role", sorted(EXPECTED_SCOPE))
def test_list_people_shows_exactly_whom_a_single_read_allows(db, world, role):
    user = world.users[role]
    expected = {getattr(world, name).id for name in EXPECTED_SCOPE[role]}

    page = services.list_people(db.session, user, per_page=100)

    listed = {p.id for p in page.items}
    assert listed == expected
    assert page.total == len(expected)
    assert _readable_ids(db, user) == expected
    in_scope = set(db.session.scalars(sa.select(Person.id).where(person_scope(user))))
    assert in_scope == expected


def test_list_people_searches_by_name_case_insensitively(db, world):
    world.person_a.given_name, world.person_a.family_name = "Ottoline", "Quarrington"
    world.person_b.given_name, world.person_b.family_name = "Ottoline", "Quennell"
    db.session.flush()
    clinician = world.users["clinician"]

    assert services.list_people(db.session, clinician, search="ottoline QUAR").items == [
        world.person_a
    ]
    assert services.list_people(db.session, clinician, search="Quarr").items == [world.person_a]
    # Searching never widens the scope: person_b is in another hub.
    assert services.list_people(db.session, clinician, search="Quennell").items == []
    assert services.list_people(db.session, clinician, search="nobody-called-this").total == 0


def test_list_people_search_treats_wildcard_characters_literally(db, world):
    world.person_a.given_name, world.person_a.family_name = "Ottoline", "Quarrington"
    db.session.flush()
    clinician = world.users["clinician"]

    assert services.list_people(db.session, clinician, search="%").items == []
    assert services.list_people(db.session, clinician, search="_").items == []
    assert services.list_people(db.session, clinician, search="Ott_line").items == []
    assert services.list_people(db.session, clinician, search="ottoline").items == [world.person_a]


def test_list_people_searches_by_nhs_number_with_or_without_spaces(db, world):
    world.person_a.nhs_number = VALID_NHS_NUMBER
    world.person_b.nhs_number = OTHER_VALID_NHS_NUMBER
    db.session.flush()
    clinician = world.users["clinician"]

    assert services.list_people(db.session, clinician, search="999 876 5439").items == [
        world.person_a
    ]
    assert services.list_people(db.session, clinician, search=VALID_NHS_NUMBER).items == [
        world.person_a
    ]
    assert services.list_people(db.session, clinician, search=OTHER_VALID_NHS_NUMBER).items == []


def test_list_people_pages_through_everyone_in_scope(db, world):
    practice = world.person_a.gp_practice
    for n in range(4):
        factories.PersonFactory(gp_practice=practice, family_name=f"Pager{n}")
    clinician = world.users["clinician"]
    everyone = services.list_people(db.session, clinician, per_page=100).items
    assert len(everyone) == 5

    pages = [services.list_people(db.session, clinician, page=n, per_page=2) for n in (1, 2, 3)]

    assert [len(p.items) for p in pages] == [2, 2, 1]
    assert {(p.total, p.pages) for p in pages} == {(5, 3)}
    assert [person for p in pages for person in p.items] == everyone
    assert services.list_people(db.session, clinician, page=4, per_page=2).items == []


def test_listing_people_writes_a_person_list_audit_row(db, world):
    clinician = world.users["clinician"]

    services.list_people(db.session, clinician, search="x", page=2, per_page=10)
    db.session.commit()

    (row,) = _audit_rows(db, "person.list")
    assert row.actor_user_id == clinician.id
    assert row.actor_role == "clinician"
    assert row.record_type == "person_list"
    assert row.record_id == "page-2"


def test_viewing_a_person_writes_a_person_view_audit_row(db, world):
    clinician = world.users["clinician"]

    person = services.view_person(db.session, clinician, world.person_a.id)
    db.session.commit()

    assert person == world.person_a
    (row,) = _audit_rows(db, "person.view")
    assert row.person_id == world.person_a.id
    assert row.record_id == str(world.person_a.id)
    assert row.actor_user_id == clinician.id
    assert row.actor_organisation_id == world.trust.id


def test_viewing_a_person_out_of_scope_is_not_found_and_records_no_view(db, world):
    with pytest.raises(NotFound):
        services.view_person(db.session, world.users["clinician"], world.person_b.id)

    assert _audit_rows(db, "person.view") == []


def test_access_history_lists_only_that_persons_events_newest_first(db, world):
    services.view_person(db.session, world.users["clinician"], world.person_a.id)
    services.view_person(db.session, world.users["manager"], world.person_a.id)
    services.view_person(db.session, world.users["other_hub_clinician"], world.person_b.id)
    db.session.commit()

    history = services.access_history(db.session, world.person_a.id)

    assert {e.person_id for e in history} == {world.person_a.id}
    views = [e.actor_user_id for e in history if e.action == "person.view"]
    assert views == [world.users["manager"].id, world.users["clinician"].id]
