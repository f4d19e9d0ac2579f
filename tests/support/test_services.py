"""Contacts and signposting: who may log them, the bad-input rules, clock events, audit."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
import time_machine

from hubs.core.audit import AuditEvent
from hubs.core.errors import NotFound, PermissionDenied, ValidationError
from hubs.directory.models import ServiceKind
from hubs.extensions import db
from hubs.referrals import queries as referral_queries
from hubs.referrals import services as referral_services
from hubs.referrals.models import ClockEvent, ClockEventKind, Episode, NeedDomain
from hubs.referrals.states import EpisodeStatus
from hubs.support import services
from hubs.support.models import (
    ActivityType,
    Contact,
    ContactMode,
    Reached,
    Signposting,
    SignpostingOutcome,
)
from tests import factories
from tests.builders import RECEIVED_DAYS_AGO, contact_input
from tests.helpers.db import count_rows


def _events(person_id: int) -> list[tuple[ClockEventKind, dt.date]]:
    rows = db.session.execute(
        sa.select(ClockEvent.kind, ClockEvent.occurred_on)
        .where(ClockEvent.person_id == person_id)
        .order_by(ClockEvent.kind, ClockEvent.occurred_on)
    )
    return [(kind, on) for kind, on in rows]


# --- Who may log ----------------------------------------------------------------------------


def test_connector_logs_a_contact_for_a_person_in_a_care_team_they_belong_to(world, allocated):
    contact = services.log_contact(
        db.session, world.users["vcse_worker"], world.person_a.id, contact_input()
    )
    assert contact.worker_id == world.users["vcse_worker"].id
    assert contact.person_id == world.person_a.id


def test_connector_cannot_log_for_a_person_outside_their_allocation(world, allocated):
    with pytest.raises(NotFound):
        services.log_contact(
            db.session, world.users["other_vcse_worker"], world.person_a.id, contact_input()
        )
    assert count_rows(Contact) == 0


def test_connector_cannot_log_for_a_person_who_only_consented_to_share(world, allocated):
    # Consent lets a VCSE worker read a summary; it does not allocate the person to them.
    with pytest.raises(NotFound):
        services.log_contact(
            db.session, world.users["vcse_worker"], world.person_shared.id, contact_input()
        )


def test_connector_loses_the_support_log_when_they_leave_the_care_team(world, allocated):
    nurse, connector = world.users["clinician"], world.users["vcse_worker"]
    referral_services.leave_care_team(db.session, nurse, allocated, connector.id)
    with pytest.raises(NotFound):
        services.log_contact(db.session, connector, world.person_a.id, contact_input())


def test_connector_loses_the_support_log_when_the_episode_finishes(world, allocated):
    allocated.status = EpisodeStatus.FINISHED
    db.session.flush()
    with pytest.raises(NotFound):
        services.log_contact(
            db.session, world.users["vcse_worker"], world.person_a.id, contact_input()
        )


def test_clinician_of_another_hub_cannot_log_for_the_person(world, allocated):
    with pytest.raises(NotFound):
        services.log_contact(
            db.session, world.users["other_hub_clinician"], world.person_a.id, contact_input()
        )


def test_hub_administrator_cannot_log_support(world, allocated):
    with pytest.raises(PermissionDenied):
        services.log_contact(
            db.session, world.users["hub_admin"], world.person_a.id, contact_input()
        )


# --- Bad input: a field-level error and nothing saved ---------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"contact_on": dt.date.today() + dt.timedelta(days=1)}, "contact_on"),
        ({"contact_on": dt.date.today() - dt.timedelta(days=RECEIVED_DAYS_AGO + 1)}, "contact_on"),
        ({"contact_on": None}, "contact_on"),
        ({"duration_minutes": -5}, "duration_minutes"),
        ({"duration_minutes": 721}, "duration_minutes"),
        ({"duration_minutes": None}, "duration_minutes"),
    ],
    ids=["future", "before-first-referral", "no-date", "negative", "over-12-hours", "no-duration"],
)
def test_contact_with_a_bad_date_or_duration_is_refused_naming_the_field_and_nothing_is_saved(
    world, allocated, overrides, field
):
    before = (count_rows(Contact), count_rows(AuditEvent), count_rows(ClockEvent))
    with pytest.raises(ValidationError) as refused:
        services.log_contact(
            db.session, world.users["vcse_worker"], world.person_a.id, contact_input(**overrides)
        )
    assert refused.value.field == field
    assert (count_rows(Contact), count_rows(AuditEvent), count_rows(ClockEvent)) == before


def test_contact_on_the_day_of_the_first_referral_and_of_twelve_hours_is_accepted(world, allocated):
    first_day = dt.date.today() - dt.timedelta(days=RECEIVED_DAYS_AGO)
    contact = services.log_contact(
        db.session,
        world.users["vcse_worker"],
        world.person_a.id,
        contact_input(contact_on=first_day, duration_minutes=720),
    )
    assert contact.contact_on == first_day and contact.duration_minutes == 720


def test_next_planned_contact_cannot_be_before_the_contact(world, allocated):
    details = services.ContactDetails(next_contact_on=dt.date.today() - dt.timedelta(days=5))
    with pytest.raises(ValidationError) as refused:
        services.log_contact(
            db.session,
            world.users["vcse_worker"],
            world.person_a.id,
            contact_input(days_ago=1, details=details),
        )
    assert refused.value.field == "next_contact_on"


# --- Clock events ---------------------------------------------------------------------------


def test_first_and_second_attended_contacts_record_clock_events(world, allocated):
    worker = world.users["vcse_worker"]
    first, second = (dt.date.today() - dt.timedelta(days=d) for d in (10, 4))
    services.log_contact(db.session, worker, world.person_a.id, contact_input(contact_on=first))
    services.log_contact(db.session, worker, world.person_a.id, contact_input(contact_on=second))
    services.log_contact(db.session, worker, world.person_a.id, contact_input(days_ago=1))
    assert _events(world.person_a.id) == [
        (ClockEventKind.FIRST_CONTACT, first),
        (ClockEventKind.SECOND_CONTACT, second),
    ]


def test_a_back_dated_contact_becomes_the_first_and_moves_the_second(world, allocated):
    worker = world.users["vcse_worker"]
    later, earlier = (dt.date.today() - dt.timedelta(days=d) for d in (3, 12))
    services.log_contact(db.session, worker, world.person_a.id, contact_input(contact_on=later))
    services.log_contact(db.session, worker, world.person_a.id, contact_input(contact_on=earlier))
    clocks = referral_queries.clocks_for_many(db.session, [allocated.referral])
    milestones = {
        kind: min(d for k, d in _events(world.person_a.id) if k == kind)
        for kind in (ClockEventKind.FIRST_CONTACT, ClockEventKind.SECOND_CONTACT)
    }
    assert milestones == {
        ClockEventKind.FIRST_CONTACT: earlier,
        ClockEventKind.SECOND_CONTACT: later,
    }
    assert clocks[allocated.referral_id].second_contact.stopped_on == later


@pytest.mark.parametrize(
    ("mode", "reached"),
    [
        (ContactMode.TEXT, Reached.YES),
        (ContactMode.PHONE, Reached.NO),
        (ContactMode.PHONE, Reached.CARER_OR_OTHER),
    ],
    ids=["text-message", "not-reached", "carer-only"],
)
def test_a_contact_that_is_not_attended_by_the_person_moves_no_clock(
    world, allocated, mode, reached
):
    services.log_contact(
        db.session,
        world.users["vcse_worker"],
        world.person_a.id,
        contact_input(mode=mode, reached=reached),
    )
    assert _events(world.person_a.id) == []
    assert allocated.status == EpisodeStatus.PLANNED


def test_the_first_attended_contact_starts_the_planned_episode(world, allocated):
    on = dt.date.today() - dt.timedelta(days=6)
    services.log_contact(
        db.session, world.users["vcse_worker"], world.person_a.id, contact_input(contact_on=on)
    )
    episode = db.session.get(Episode, allocated.id)
    assert episode.status == EpisodeStatus.ACTIVE and episode.started_on == on


def test_second_contact_after_acceptance_stops_the_second_contact_clock(world, allocated):
    worker = world.users["vcse_worker"]
    for days_ago in (8, 2):
        services.log_contact(db.session, worker, world.person_a.id, contact_input(days_ago))
    reading = referral_queries.clocks_for_many(db.session, [allocated.referral])[
        allocated.referral_id
    ].second_contact
    assert reading.stopped_on == dt.date.today() - dt.timedelta(days=2)
    assert not reading.is_breached


# --- Expanding a quick-logged contact -------------------------------------------------------


def test_the_worker_who_logged_a_contact_expands_it_with_details(world, allocated):
    worker = world.users["vcse_worker"]
    contact = services.log_contact(db.session, worker, world.person_a.id, contact_input())
    details = services.ContactDetails(
        location="The library",
        activities=[ActivityType.COMMUNITY_GROUP, ActivityType.COMMUNITY_GROUP],
        needs=[NeedDomain.FRIENDSHIPS],
        notes="Went to the walking group together",
        is_staff_only=True,
        next_step="Meet at the group next week",
        next_contact_on=dt.date.today() + dt.timedelta(days=7),
    )
    services.expand_contact(db.session, worker, contact, details)
    assert [a.activity for a in contact.activities] == [ActivityType.COMMUNITY_GROUP]
    assert [n.domain for n in contact.needs] == [NeedDomain.FRIENDSHIPS]
    assert contact.is_staff_only and contact.location == "The library"
    assert contact.duration_minutes == 45  # the facts of the contact stay as logged


def test_only_the_worker_who_logged_a_contact_can_expand_it(world, allocated):
    contact = services.log_contact(
        db.session, world.users["vcse_worker"], world.person_a.id, contact_input()
    )
    with pytest.raises(PermissionDenied):
        services.expand_contact(
            db.session, world.users["clinician"], contact, services.ContactDetails(notes="Mine")
        )


def test_logging_and_expanding_a_contact_write_audit_rows_for_the_person(world, allocated):
    worker = world.users["vcse_worker"]
    contact = services.log_contact(db.session, worker, world.person_a.id, contact_input())
    services.expand_contact(db.session, worker, contact, services.ContactDetails(notes="Ok"))
    actions = db.session.scalars(
        sa.select(AuditEvent.action).where(
            AuditEvent.person_id == world.person_a.id, AuditEvent.record_type == "contact"
        )
    ).all()
    assert actions == ["contact.create", "contact.update"]


# --- Signposting ------------------------------------------------------------------------------


@pytest.fixture
def offer():
    return factories.ServiceFactory(name="Walking group (fictional)")


def _signpost(world, offer, **overrides: object) -> Signposting:  # type: ignore[no-untyped-def]
    values: dict[str, object] = {
        "service_id": offer.id,
        "signposted_on": dt.date.today(),
        "follow_up_on": dt.date.today() + dt.timedelta(days=14),
    }
    values.update(overrides)
    return services.signpost(
        db.session,
        world.users["vcse_worker"],
        world.person_a.id,
        **values,  # type: ignore[arg-type]
    )


def test_signposting_links_the_person_to_an_offer_with_a_follow_up_date(world, allocated, offer):
    record = _signpost(world, offer)
    assert record.outcome == SignpostingOutcome.NOT_YET
    assert not record.is_follow_up_due


def test_signposting_needs_a_follow_up_date_on_or_after_the_day(world, allocated, offer):
    with pytest.raises(ValidationError) as refused:
        _signpost(world, offer, follow_up_on=dt.date.today() - dt.timedelta(days=1))
    assert refused.value.field == "follow_up_on"
    assert count_rows(Signposting) == 0


def test_signposting_to_a_hub_team_is_refused(world, allocated):
    hub_team = factories.ServiceFactory(kind=ServiceKind.HUB_TEAM, team=world.hub_b)
    with pytest.raises(ValidationError) as refused:
        _signpost(world, hub_team)
    assert refused.value.field == "service_id"


def test_follow_up_becomes_due_on_its_date(world, allocated, offer):
    record = _signpost(world, offer)
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(days=14), tick=False):
        assert record.is_follow_up_due


def test_not_yet_needs_a_later_follow_up_date_and_moves_the_reminder(world, allocated, offer):
    record = _signpost(world, offer)
    worker = world.users["vcse_worker"]
    with pytest.raises(ValidationError) as refused:
        services.record_signposting_outcome(
            db.session, worker, record, outcome=SignpostingOutcome.NOT_YET
        )
    assert refused.value.field == "follow_up_on"
    later = dt.date.today() + dt.timedelta(days=30)
    services.record_signposting_outcome(
        db.session, worker, record, outcome=SignpostingOutcome.NOT_YET, follow_up_on=later
    )
    assert record.follow_up_on == later


def test_recording_that_the_person_attended_closes_the_follow_up(world, allocated, offer):
    record = _signpost(world, offer)
    services.record_signposting_outcome(
        db.session, world.users["vcse_worker"], record, outcome=SignpostingOutcome.ATTENDED
    )
    assert record.outcome == SignpostingOutcome.ATTENDED
    assert record.outcome_on == dt.date.today()
    assert not record.is_follow_up_due


def test_expanding_again_replaces_what_was_done_and_keeps_what_stays(world, allocated):
    worker = world.users["vcse_worker"]
    contact = services.log_contact(db.session, worker, world.person_a.id, contact_input())
    first = [ActivityType.HOUSING, ActivityType.BENEFITS_MONEY]
    services.expand_contact(db.session, worker, contact, services.ContactDetails(activities=first))
    kept_id = next(a.id for a in contact.activities if a.activity == ActivityType.HOUSING)
    again = [ActivityType.HOUSING, ActivityType.PEER_SUPPORT]
    services.expand_contact(db.session, worker, contact, services.ContactDetails(activities=again))
    db.session.expire_all()
    stored = db.session.get(Contact, contact.id).activities
    assert {a.activity for a in stored} == set(again)
    assert kept_id in {a.id for a in stored}
