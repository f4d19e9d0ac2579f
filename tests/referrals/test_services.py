"""Referral rules: need not diagnosis, no wrong door, routing, history, episodes."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from hubs.core.audit import AuditEvent
from hubs.core.errors import InvalidTransition, PermissionDenied, ValidationError
from hubs.extensions import db
from hubs.people.models import Person
from hubs.referrals import services
from hubs.referrals.models import (
    CareTeamMember,
    LeadWorkerChange,
    NeedDomain,
    Priority,
    Referral,
    ReferralEvent,
    Severity,
)
from hubs.referrals.states import EpisodeStatus, ReferralStatus
from tests import factories
from tests.helpers.db import count_rows
from tests.referrals.conftest import referral_input


def test_referral_is_valid_with_needs_and_no_diagnosis(make_referral, world):
    referral = make_referral(diagnosis=None)
    assert referral.status == ReferralStatus.RECEIVED
    assert referral.diagnosis is None and [n.domain for n in referral.needs] == [
        NeedDomain.ACCOMMODATION
    ]


def test_routing_never_reads_diagnosis(make_referral, world):
    plain = make_referral(diagnosis=None)
    labelled = make_referral(diagnosis="Schizophrenia (recorded for reference only)")
    assert (plain.team_id, plain.service_id, plain.priority) == (
        labelled.team_id,
        labelled.service_id,
        labelled.priority,
    )


def test_referral_is_routed_to_the_hub_of_the_persons_gp_practice(
    make_referral, world, named_services
):
    referral = make_referral()
    assert referral.team_id == world.hub_a.id
    assert referral.service_id == named_services.hub_a_team.id


def test_staff_can_send_to_another_hub_only_with_a_reason(make_referral, world, named_services):
    with pytest.raises(ValidationError) as error:
        make_referral(team_id=world.hub_b.id)
    assert error.value.field == "team_override_reason"
    referral = make_referral(
        team_id=world.hub_b.id, team_override_reason="Lives in hub B's area now"
    )
    assert referral.team_id == world.hub_b.id
    assert referral.events[0].note == "Lives in hub B's area now"


def test_person_with_no_registered_practice_needs_a_chosen_hub(make_referral, world):
    world.person_a.gp_practice_id = None
    db.session.flush()
    with pytest.raises(ValidationError) as error:
        make_referral()
    assert error.value.field == "team_id"


def test_referral_without_needs_is_refused_and_nothing_is_saved(make_referral):
    before = count_rows(Referral)
    with pytest.raises(ValidationError) as error:
        make_referral(needs=[])
    assert error.value.field == "needs" and count_rows(Referral) == before


def test_referral_received_in_the_future_is_refused(make_referral):
    with pytest.raises(ValidationError) as error:
        make_referral(received_on=dt.date.today() + dt.timedelta(days=1))
    assert error.value.field == "received_on"


def test_open_referral_for_the_same_person_is_warned_about_until_confirmed(make_referral):
    first = make_referral()
    with pytest.raises(services.DuplicateReferral) as warning:
        make_referral(confirm_duplicate=False)
    assert warning.value.status_code == 409 and warning.value.field == "confirm_duplicate"
    second = make_referral(confirm_duplicate=True)
    assert second.id != first.id


def test_double_submit_with_the_same_key_creates_one_referral(make_referral):
    first = make_referral(submission_key="form-abc")
    again = make_referral(submission_key="form-abc")
    assert again.id == first.id
    assert (
        db.session.scalar(
            sa.select(sa.func.count(Referral.id)).where(Referral.submission_key == "form-abc")
        )
        == 1
    )


@pytest.mark.parametrize("priority", [Priority.EMERGENCY, Priority.VERY_URGENT])
def test_emergency_and_very_urgent_referrals_are_flagged_for_crisis_routing_and_stay_open(
    make_referral, priority
):
    referral = make_referral(priority=priority)
    assert referral.is_crisis_routed and referral.status.is_open


def test_routine_referral_is_not_crisis_routed(make_referral):
    assert not make_referral(priority=Priority.ROUTINE).is_crisis_routed


def test_referral_cannot_close_without_a_named_destination(make_referral, world, named_services):
    referral = make_referral()
    nurse = world.users["clinician"]
    cases = [
        (
            {"service_id": None, "handover_note": "Spoke to Sam", "confirmed_on": dt.date.today()},
            "service_id",
        ),
        (
            {
                "service_id": named_services.crisis.id,
                "handover_note": " ",
                "confirmed_on": dt.date.today(),
            },
            "handover_note",
        ),
        (
            {
                "service_id": named_services.crisis.id,
                "handover_note": "Spoke to Sam",
                "confirmed_on": None,
            },
            "confirmed_on",
        ),
    ]
    for values, field in cases:
        with pytest.raises(ValidationError) as error:
            services.signpost(db.session, nurse, referral, **values)
        assert error.value.field == field
    assert referral.status == ReferralStatus.RECEIVED


def test_database_refuses_a_signposted_referral_with_no_destination(make_referral):
    referral = make_referral()
    # The savepoint must be inside pytest.raises: it rolls back when the update fails (PostgreSQL
    # refuses to release a savepoint of a failed statement).
    with pytest.raises(sa.exc.IntegrityError), db.session.begin_nested():
        db.session.execute(
            sa.update(Referral)
            .where(Referral.id == referral.id)
            .values(status="signposted", closed_on=dt.date.today())
        )
    db.session.expire_all()


def test_signpost_with_warm_handover_closes_the_referral(make_referral, world, named_services):
    referral = make_referral(priority=Priority.EMERGENCY)
    services.signpost(
        db.session,
        world.users["clinician"],
        referral,
        service_id=named_services.crisis.id,
        handover_note="Spoke to the duty worker at Dial House",
        confirmed_on=dt.date.today(),
    )
    assert referral.status == ReferralStatus.SIGNPOSTED and referral.closed_on == dt.date.today()
    assert referral.signposted_service_id == named_services.crisis.id


def test_withdrawal_needs_the_persons_reason(make_referral, world):
    referral = make_referral()
    with pytest.raises(ValidationError):
        services.withdraw(db.session, world.users["hub_admin"], referral, reason="")
    services.withdraw(
        db.session, world.users["hub_admin"], referral, reason="Feeling better, found a group"
    )
    assert referral.status == ReferralStatus.WITHDRAWN


def test_every_transition_appends_a_history_row_and_an_audit_row(make_referral, world):
    referral = make_referral()
    services.triage(
        db.session,
        world.users["clinician"],
        referral,
        rationale="Housing need first",
        priority=Priority.URGENT,
    )
    events = db.session.scalars(
        sa.select(ReferralEvent)
        .where(ReferralEvent.referral_id == referral.id)
        .order_by(ReferralEvent.id)
    ).all()
    assert [(e.action, e.from_status, e.to_status) for e in events] == [
        ("receive", None, "received"),
        ("triage", "received", "triaged"),
    ]
    actions = db.session.scalars(
        sa.select(AuditEvent.action).where(
            AuditEvent.record_type == "referral", AuditEvent.record_id == str(referral.id)
        )
    ).all()
    assert {"referral.create", "referral.triage"} <= set(actions)


def test_illegal_transition_is_a_conflict(make_referral, world):
    referral = make_referral()
    with pytest.raises(InvalidTransition):
        services.accept(
            db.session,
            world.users["clinician"],
            referral,
            lead_worker_id=world.users["clinician"].id,
        )
    assert referral.status == ReferralStatus.RECEIVED


def test_staff_of_another_hub_cannot_act_on_a_referral(make_referral, world):
    referral = make_referral()
    with pytest.raises(PermissionDenied):
        services.triage(
            db.session,
            world.users["other_hub_clinician"],
            referral,
            rationale="x",
            priority=Priority.ROUTINE,
        )


def test_hub_administrator_cannot_triage(make_referral, world):
    with pytest.raises(PermissionDenied):
        services.triage(
            db.session,
            world.users["hub_admin"],
            make_referral(),
            rationale="x",
            priority=Priority.ROUTINE,
        )


def _accepted(make_referral, world):
    referral = make_referral()
    nurse = world.users["clinician"]
    services.triage(
        db.session, nurse, referral, rationale="Needs the hub", priority=Priority.ROUTINE
    )
    episode = services.accept(db.session, nurse, referral, lead_worker_id=nurse.id)
    return referral, episode


def test_acceptance_opens_a_planned_episode_with_the_lead_worker_in_the_care_team(
    make_referral, world
):
    referral, episode = _accepted(make_referral, world)
    assert referral.status == ReferralStatus.ACCEPTED and referral.closed_on is not None
    assert episode.status == EpisodeStatus.PLANNED and episode.team_id == world.hub_a.id
    care_team = db.session.scalars(
        sa.select(CareTeamMember).where(CareTeamMember.episode_id == episode.id)
    ).all()
    assert [(m.user_id, m.role) for m in care_team] == [
        (world.users["clinician"].id, world.users["clinician"].role)
    ]


def test_lead_worker_must_belong_to_the_receiving_hub(make_referral, world):
    referral = make_referral()
    nurse = world.users["clinician"]
    services.triage(db.session, nurse, referral, rationale="ok", priority=Priority.ROUTINE)
    with pytest.raises(ValidationError) as error:
        services.accept(
            db.session, nurse, referral, lead_worker_id=world.users["other_hub_clinician"].id
        )
    assert error.value.field == "lead_worker_id" and referral.status == ReferralStatus.TRIAGED


def test_reassignment_is_recorded_with_a_reason_by_the_manager_only(make_referral, world):
    _, episode = _accepted(make_referral, world)
    connector = world.users["vcse_worker"]
    with pytest.raises(PermissionDenied):
        services.reassign_lead_worker(
            db.session,
            world.users["clinician"],
            episode,
            lead_worker_id=connector.id,
            reason="Housing focus",
        )
    with pytest.raises(ValidationError):
        services.reassign_lead_worker(
            db.session, world.users["manager"], episode, lead_worker_id=connector.id, reason=""
        )
    services.reassign_lead_worker(
        db.session,
        world.users["manager"],
        episode,
        lead_worker_id=connector.id,
        reason="Housing focus",
    )
    change = db.session.scalar(
        sa.select(LeadWorkerChange).where(LeadWorkerChange.episode_id == episode.id)
    )
    assert (change.from_user_id, change.to_user_id, change.reason) == (
        world.users["clinician"].id,
        connector.id,
        "Housing focus",
    )
    assert episode.lead_worker_id == connector.id


def test_new_person_and_referral_are_recorded_together(world, named_services):
    practice = world.person_a.gp_practice
    referral = services.receive_referral_for_new_person(
        db.session,
        world.users["hub_admin"],
        {
            "nhs_number": factories.synthetic_nhs_number(),
            "given_name": "Fictional",
            "family_name": "Newperson",
            "date_of_birth": dt.date(1995, 1, 2),
            "sex": "female",
            "gp_practice_id": practice.id,
        },
        referral_input(),
    )
    assert referral.person.family_name == "Newperson" and referral.team_id == world.hub_a.id


def test_new_person_with_invalid_nhs_number_saves_nothing(world, named_services):
    people_before = count_rows(Person)
    with pytest.raises(ValidationError) as error:
        services.receive_referral_for_new_person(
            db.session,
            world.users["hub_admin"],
            {
                "nhs_number": "1234567890",
                "given_name": "A",
                "family_name": "B",
                "date_of_birth": dt.date(1990, 1, 1),
                "sex": "male",
                "gp_practice_id": None,
            },
            referral_input(),
        )
    assert error.value.field == "person.nhs_number"
    assert count_rows(Person) == people_before


def test_needs_keep_severity_and_the_persons_own_words(make_referral):
    referral = make_referral(
        needs=[
            services.NeedInput(NeedDomain.MONEY_DEBT, Severity.MODERATE, "Bills are piling up"),
            services.NeedInput(NeedDomain.FRIENDSHIPS, Severity.LOW, "I'd like to meet people"),
        ]
    )
    assert [(n.domain, n.severity, n.own_words) for n in referral.needs] == [
        (NeedDomain.MONEY_DEBT, Severity.MODERATE, "Bills are piling up"),
        (NeedDomain.FRIENDSHIPS, Severity.LOW, "I'd like to meet people"),
    ]
    assert referral.highest_severity == Severity.MODERATE
