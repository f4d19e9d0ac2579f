"""Transition services: identifying, planning, the receiver's decision, escalation, the
handover, the checklist, history, audit rows and signals."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from hubs.core.audit import AuditEvent
from hubs.core.errors import Conflict, InvalidTransition, PermissionDenied, ValidationError
from hubs.core.types import today
from hubs.extensions import db
from hubs.pathways import rules, services
from hubs.pathways.access import get_transition_for, sides_of
from hubs.pathways.models import ChecklistItem, EscalationReason, Transition, TransitionKind
from hubs.pathways.queries import days_without_lead_worker
from hubs.pathways.states import Side, TransitionAction, TransitionState
from hubs.people.access import get_person_for
from hubs.referrals import services as referral_services
from hubs.referrals.models import ReferralSource
from hubs.referrals.states import EpisodeStatus, ReferralStatus
from tests.pathways.conftest import advance, plan_input, receiver, start, tick_all

K, S = TransitionKind, TransitionState


def _audit_actions(transition: Transition) -> list[str]:
    return list(
        db.session.scalars(
            sa.select(AuditEvent.action)
            .where(
                AuditEvent.record_type == "transition", AuditEvent.record_id == str(transition.id)
            )
            .order_by(AuditEvent.id)
        )
    )


# --- Starting -----------------------------------------------------------------------------


def test_starting_an_aspire_transition_plans_it_for_the_end_of_the_three_years(
    pw, aspire_episode, listen
):
    started = listen("transition-started")
    transition = start(pw, aspire_episode, K.ASPIRE_TO_HUB)

    assert transition.state == S.IDENTIFIED
    assert transition.planned_on == rules.aspire_episode_ends(aspire_episode.opened_at.date())
    assert transition.receiving_team_id == pw.world.hub_b.id
    assert [(e.action, e.to_state) for e in transition.events] == [("identify", "identified")]
    assert _audit_actions(transition) == ["transition.create"]
    assert started.calls == [(transition, {"actor": pw.users["clinician"]})]


def test_a_camhs_transition_goes_by_default_to_the_young_persons_own_hub_by_their_18th(
    pw, camhs_episode
):
    transition = services.start_transition(
        db.session,
        pw.users["clinician"],
        camhs_episode,
        services.StartInput(kind=K.CAMHS_TO_ADULT),
    )

    # Registered with a practice in hub B's area, though CAMHS care was held by hub A.
    assert transition.receiving_team_id == pw.world.hub_b.id
    assert transition.planned_on == rules.camhs_handover_by(pw.young_person.date_of_birth)


def test_a_transition_must_start_from_an_episode_with_the_matching_service(pw, aspire_episode):
    with pytest.raises(ValidationError) as refused:
        start(pw, aspire_episode, K.CAMHS_TO_ADULT)
    assert refused.value.field == "kind"


def test_an_episode_has_at_most_one_transition_under_way(pw, aspire_episode):
    start(pw, aspire_episode, K.ASPIRE_TO_HUB)
    with pytest.raises(ValidationError) as refused:
        start(pw, aspire_episode, K.ASPIRE_TO_HUB)
    assert refused.value.field == "kind"


def test_only_clinicians_of_the_sending_episode_start_a_transition(pw, aspire_episode):
    for user in (pw.users["other_hub_clinician"], pw.users["hub_admin"]):
        with pytest.raises(PermissionDenied):
            services.start_transition(
                db.session, user, aspire_episode, services.StartInput(kind=K.ASPIRE_TO_HUB)
            )


def test_a_step_down_needs_a_primary_care_or_vcse_offer_and_a_date(pw, hub_episode):
    crisis = pw.aspire  # not a step-down destination
    with pytest.raises(ValidationError) as wrong:
        start(pw, hub_episode, K.HUB_STEP_DOWN, receiving_service_id=crisis.id)
    assert wrong.value.field == "receiving_service_id"
    with pytest.raises(ValidationError) as past:
        start(pw, hub_episode, K.HUB_STEP_DOWN, planned_on=today() - dt.timedelta(days=1))
    assert past.value.field == "planned_on"


# --- Planning -----------------------------------------------------------------------------


def test_planning_names_a_worker_on_each_side_from_their_own_hub(pw, aspire_episode):
    transition = start(pw, aspire_episode, K.ASPIRE_TO_HUB)
    wrong_side = plan_input(pw, transition)
    wrong_side.receiving_worker_id = pw.users["clinician"].id  # hub A, not the receiving hub
    with pytest.raises(ValidationError) as refused:
        services.plan(db.session, pw.users["clinician"], transition, wrong_side)
    assert refused.value.field == "receiving_worker_id"

    services.plan(db.session, pw.users["clinician"], transition, plan_input(pw, transition))
    assert transition.state == S.PLANNING
    assert transition.sending_worker_id == pw.users["clinician"].id
    assert transition.receiving_worker_id == pw.users["other_hub_clinician"].id


def test_the_joint_meeting_is_before_the_handover(pw, aspire_episode):
    transition = start(pw, aspire_episode, K.ASPIRE_TO_HUB)
    data = plan_input(pw, transition, days=5)
    data.joint_meeting_on = today() + dt.timedelta(days=6)
    with pytest.raises(ValidationError) as refused:
        services.plan(db.session, pw.users["clinician"], transition, data)
    assert refused.value.field == "joint_meeting_on"


def test_the_receiving_team_may_plan_too(pw, aspire_episode):
    transition = start(pw, aspire_episode, K.ASPIRE_TO_HUB)
    services.plan(
        db.session, pw.users["other_hub_clinician"], transition, plan_input(pw, transition)
    )
    assert transition.state == S.PLANNING


def test_a_meeting_cannot_be_recorded_in_the_future(pw, aspire_episode):
    transition = advance(pw, start(pw, aspire_episode, K.ASPIRE_TO_HUB), S.PLANNING)
    with pytest.raises(ValidationError) as refused:
        services.record_meeting(
            db.session, pw.users["clinician"], transition, held_on=today() + dt.timedelta(days=1)
        )
    assert refused.value.field == "held_on"


# --- The receiver decides -----------------------------------------------------------------


def test_acceptance_opens_an_episode_in_the_receiving_hub_with_the_named_lead_worker(
    pw, aspire_episode, listen
):
    moved = listen("transition-transitioned")
    transition = advance(pw, start(pw, aspire_episode, K.ASPIRE_TO_HUB), S.JOINT_MEETING_HELD)
    taker = pw.users["other_hub_clinician"]

    services.accept(db.session, taker, transition, lead_worker_id=taker.id)

    received = transition.receiving_episode
    assert transition.state == S.ACCEPTED and transition.accepted_at is not None
    assert received.team_id == pw.world.hub_b.id and received.lead_worker_id == taker.id
    assert received.referral.source == ReferralSource.ASPIRE
    assert received.referral.status == ReferralStatus.ACCEPTED
    assert [n.domain for n in received.referral.needs] == [
        n.domain for n in aspire_episode.referral.needs
    ]
    # No gap: the sending episode is still open and responsible.
    assert aspire_episode.status != EpisodeStatus.FINISHED
    assert moved.of(action=TransitionAction.ACCEPT) == [
        (transition, {"actor": taker, "action": "accept", "before": S.JOINT_MEETING_HELD})
    ]


def test_only_the_receiving_side_accepts(pw, aspire_episode):
    transition = advance(pw, start(pw, aspire_episode, K.ASPIRE_TO_HUB), S.JOINT_MEETING_HELD)
    with pytest.raises(PermissionDenied):
        services.accept(
            db.session,
            pw.users["clinician"],
            transition,
            lead_worker_id=pw.users["other_hub_clinician"].id,
        )


def test_the_new_lead_worker_is_from_the_receiving_hub(pw, aspire_episode):
    transition = advance(pw, start(pw, aspire_episode, K.ASPIRE_TO_HUB), S.JOINT_MEETING_HELD)
    with pytest.raises(ValidationError) as refused:
        services.accept(
            db.session,
            pw.users["other_hub_clinician"],
            transition,
            lead_worker_id=pw.users["clinician"].id,
        )
    assert refused.value.field == "lead_worker_id"


def test_accepting_before_the_joint_meeting_is_a_conflict(pw, aspire_episode):
    transition = advance(pw, start(pw, aspire_episode, K.ASPIRE_TO_HUB), S.PLANNING)
    taker = pw.users["other_hub_clinician"]
    with pytest.raises(InvalidTransition) as refused:
        services.accept(db.session, taker, transition, lead_worker_id=taker.id)
    assert refused.value.status_code == 409


def test_a_decline_escalates_at_once_to_both_managers(pw, aspire_episode, listen):
    alerts = listen("staff-alert")
    moved = listen("transition-transitioned")
    transition = advance(pw, start(pw, aspire_episode, K.ASPIRE_TO_HUB), S.PLANNING)

    services.decline(
        db.session, pw.users["other_hub_clinician"], transition, reason="No capacity this month"
    )

    assert transition.state == S.ESCALATED
    assert transition.escalation_reason == EscalationReason.DECLINED
    assert [a for _, a in [(c[0], c[1]["action"]) for c in moved.calls]][-2:] == [
        TransitionAction.DECLINE,
        TransitionAction.ESCALATE,
    ]
    [(sender, alert)] = alerts.of(kind="transition-escalated")
    assert sender is transition
    assert alert["recipient_ids"] == sorted([pw.users["manager"].id, pw.other_manager.id])
    assert alert["person_id"] == pw.world.person_a.id
    assert alert["link"] == f"/transitions/{transition.id}"
    assert alert["dedupe_key"] == f"transition-escalated:{transition.id}:1"
    assert "No capacity" not in alert["title"]  # no clinical free text in alerts
    # The sender keeps the person.
    assert aspire_episode.status != EpisodeStatus.FINISHED


def test_declining_needs_a_reason(pw, aspire_episode):
    transition = advance(pw, start(pw, aspire_episode, K.ASPIRE_TO_HUB), S.PLANNING)
    with pytest.raises(ValidationError) as refused:
        services.decline(db.session, pw.users["other_hub_clinician"], transition, reason=" ")
    assert refused.value.field == "reason"


def test_managers_send_an_escalated_transition_back_to_planning_with_a_new_date(pw, aspire_episode):
    transition = advance(pw, start(pw, aspire_episode, K.ASPIRE_TO_HUB), S.ESCALATED)
    new_date = today() + dt.timedelta(days=30)
    kept = services.PlanInput(new_date, joint_meeting_on=None, sending_worker_id=None)
    with pytest.raises(PermissionDenied):
        services.replan(db.session, pw.users["clinician"], transition, kept, reason="Agreed")

    services.replan(db.session, pw.other_manager, transition, kept, reason="Capacity found")

    assert transition.state == S.PLANNING and transition.planned_on == new_date
    assert transition.sending_worker_id == pw.users["clinician"].id  # kept
    assert transition.events[-1].note == "Capacity found"


def test_a_transition_escalated_before_planning_is_replanned_with_its_workers(pw, aspire_episode):
    transition = start(pw, aspire_episode, K.ASPIRE_TO_HUB)
    services.escalate(db.session, pw.users["manager"], transition, reason="Nobody has started")
    data = services.PlanInput(today() + dt.timedelta(days=20), today(), sending_worker_id=None)
    with pytest.raises(ValidationError) as unnamed:
        services.replan(db.session, pw.users["manager"], transition, data, reason="Agreed")
    assert unnamed.value.field == "sending_worker_id"

    named = plan_input(pw, transition, days=20)
    services.replan(db.session, pw.users["manager"], transition, named, reason="Agreed")
    assert transition.state == S.PLANNING and transition.receiving_worker_id is not None


def test_a_manager_escalates_by_hand_with_a_reason_and_both_managers_hear(
    pw, aspire_episode, listen
):
    alerts = listen("staff-alert")
    transition = advance(pw, start(pw, aspire_episode, K.ASPIRE_TO_HUB), S.PLANNING)
    services.escalate(db.session, pw.users["manager"], transition, reason="No reply in 3 weeks")

    assert transition.escalation_reason == EscalationReason.MANAGER
    assert alerts.of(kind="transition-escalated")[0][1]["recipient_ids"] == sorted(
        [pw.users["manager"].id, pw.other_manager.id]
    )
    with pytest.raises(InvalidTransition):
        services.escalate(db.session, pw.users["manager"], transition, reason="Again")


def test_a_stalled_transition_escalates_once(pw, aspire_episode):
    transition = start(pw, aspire_episode, K.ASPIRE_TO_HUB)
    later = transition.planned_on + dt.timedelta(days=1)

    assert services.escalate_if_stalled(db.session, transition, transition.planned_on) is False
    assert services.escalate_if_stalled(db.session, transition, later) is True
    assert services.escalate_if_stalled(db.session, transition, later) is False
    assert transition.escalation_count == 1


# --- Handover -----------------------------------------------------------------------------


def test_completion_needs_the_whole_checklist(pw, aspire_episode):
    transition = advance(pw, start(pw, aspire_episode, K.ASPIRE_TO_HUB), S.PARALLEL_SUPPORT)
    with pytest.raises(ValidationError) as refused:
        services.complete(db.session, pw.users["clinician"], transition)
    assert refused.value.field == "checklist"
    assert "gp informed" in refused.value.message


def test_completion_ends_the_sending_episode_and_the_receiving_lead_worker_carries_on(
    pw, aspire_episode, listen
):
    completed = listen("transition-completed")
    transition = advance(pw, start(pw, aspire_episode, K.ASPIRE_TO_HUB), S.PARALLEL_SUPPORT)
    tick_all(pw, transition)

    services.complete(db.session, pw.users["clinician"], transition)

    assert transition.state == S.COMPLETED and transition.completed_at is not None
    assert aspire_episode.status == EpisodeStatus.FINISHED
    assert aspire_episode.finished_on == today()
    assert transition.receiving_episode.status != EpisodeStatus.FINISHED
    assert completed.calls == [(transition, {"actor": pw.users["clinician"]})]
    assert days_without_lead_worker(transition, today() + dt.timedelta(days=30)) == 0
    assert "transition.complete" in _audit_actions(transition)


def test_parallel_support_needs_an_end_date_not_in_the_past(pw, aspire_episode):
    transition = advance(pw, start(pw, aspire_episode, K.ASPIRE_TO_HUB), S.ACCEPTED)
    with pytest.raises(ValidationError) as refused:
        services.start_parallel_support(
            db.session,
            pw.users["clinician"],
            transition,
            overlap_ends_on=today() - dt.timedelta(days=1),
        )
    assert refused.value.field == "overlap_ends_on"


def test_a_step_down_is_accepted_by_a_named_contact_recorded_by_the_sending_team(pw, hub_episode):
    transition = advance(pw, start(pw, hub_episode, K.HUB_STEP_DOWN), S.JOINT_MEETING_HELD)
    assert receiver(pw, transition) == pw.users["clinician"]
    with pytest.raises(ValidationError) as unnamed:
        services.accept(db.session, pw.users["clinician"], transition, lead_name="")
    assert unnamed.value.field == "lead_name"

    services.accept(db.session, pw.users["clinician"], transition, lead_name="Sam (walk leader)")

    assert transition.state == S.ACCEPTED and transition.receiving_episode_id is None


def test_a_step_down_completes_only_with_the_discharge(pw, hub_episode):
    transition = advance(pw, start(pw, hub_episode, K.HUB_STEP_DOWN), S.PARALLEL_SUPPORT)
    tick_all(pw, transition)
    with pytest.raises(ValidationError) as refused:
        services.complete(db.session, pw.users["clinician"], transition)
    assert refused.value.field == "onward_plan"


# --- The no-gap rule holds whoever ends an episode ----------------------------------------


def test_the_sending_episode_cannot_finish_until_the_transition_completes(pw, aspire_episode):
    transition = advance(pw, start(pw, aspire_episode, K.ASPIRE_TO_HUB), S.PLANNING)
    with pytest.raises(InvalidTransition) as refused, db.session.begin_nested():
        referral_services.finish_episode(db.session, None, aspire_episode, today())
    assert "stays open and responsible" in refused.value.message
    assert transition.state == S.PLANNING


def test_the_receiving_episode_cannot_finish_while_the_transition_is_under_way(pw, aspire_episode):
    transition = advance(pw, start(pw, aspire_episode, K.ASPIRE_TO_HUB), S.PARALLEL_SUPPORT)
    with pytest.raises(InvalidTransition), db.session.begin_nested():
        referral_services.finish_episode(db.session, None, transition.receiving_episode, today())


def test_reassigning_the_lead_worker_keeps_a_lead_worker_on_both_sides(pw, aspire_episode):
    transition = advance(pw, start(pw, aspire_episode, K.ASPIRE_TO_HUB), S.ACCEPTED)
    referral_services.reassign_lead_worker(
        db.session,
        pw.users["manager"],
        aspire_episode,
        lead_worker_id=pw.users["hub_admin"].id,
        reason="Leave",
    )
    assert aspire_episode.lead_worker_id == pw.users["hub_admin"].id
    assert transition.receiving_episode.lead_worker_id is not None
    assert days_without_lead_worker(transition, today()) == 0


# --- The checklist ------------------------------------------------------------------------


def test_either_team_and_the_care_teams_connector_tick_the_checklist_once_each(pw, hub_episode):
    transition = start(pw, hub_episode, K.HUB_STEP_DOWN)
    first = services.tick(
        db.session, pw.users["vcse_worker"], transition, ChecklistItem.CARERS_INVOLVED
    )
    again = services.tick(
        db.session, pw.users["clinician"], transition, ChecklistItem.CARERS_INVOLVED
    )

    assert again is first and first.recorded_by_id == pw.users["vcse_worker"].id
    assert first.done_on == today()
    assert _audit_actions(transition) == ["transition.create", "transition.checklist"]


def test_staff_with_no_side_cannot_tick_and_a_completed_checklist_is_closed(pw, aspire_episode):
    transition = start(pw, aspire_episode, K.ASPIRE_TO_HUB)
    with pytest.raises(PermissionDenied):
        services.tick(
            db.session, pw.users["other_vcse_worker"], transition, ChecklistItem.GP_INFORMED
        )
    advance(pw, transition, S.COMPLETED)
    with pytest.raises(InvalidTransition):
        services.tick(db.session, pw.users["clinician"], transition, ChecklistItem.GP_INFORMED)


def test_a_checklist_date_cannot_be_in_the_future(pw, aspire_episode):
    transition = start(pw, aspire_episode, K.ASPIRE_TO_HUB)
    with pytest.raises(ValidationError):
        services.tick(
            db.session,
            pw.users["clinician"],
            transition,
            ChecklistItem.GP_INFORMED,
            done_on=today() + dt.timedelta(days=1),
        )


# --- Who sees what ------------------------------------------------------------------------


def test_the_receiving_hub_sees_the_person_and_the_transition_while_it_is_under_way(
    pw, aspire_episode
):
    outsider = pw.users["other_hub_clinician"]
    person = pw.world.person_a
    with pytest.raises(Exception):  # noqa: B017 - NotFound before any transition
        get_person_for(db.session, outsider, person.id)

    transition = start(pw, aspire_episode, K.ASPIRE_TO_HUB)

    assert get_person_for(db.session, outsider, person.id) is person
    assert get_transition_for(db.session, outsider, transition.id) is transition
    assert sides_of(db.session, outsider, transition) == {Side.RECEIVING}
    assert sides_of(db.session, pw.users["clinician"], transition) == {Side.SENDING}
    assert sides_of(db.session, None, transition) == frozenset()


def test_a_racing_second_transition_for_the_same_episode_is_a_conflict(pw, aspire_episode):
    start(pw, aspire_episode, K.ASPIRE_TO_HUB)
    duplicate = Transition(
        kind=K.ASPIRE_TO_HUB,
        person_id=aspire_episode.person_id,
        sending_episode_id=aspire_episode.id,
        receiving_team_id=pw.world.hub_b.id,
        planned_on=today(),
    )
    with pytest.raises(Conflict), db.session.begin_nested():
        db.session.add(duplicate)
        services.flush_transition(db.session)
