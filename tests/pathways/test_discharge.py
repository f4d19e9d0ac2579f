"""Discharge needs an onward support plan and an updated safety plan (DESIGN §3 rule 4),
never leaves a gap in a transition, and a re-referral within 6 months is fast-tracked."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
import time_machine

from hubs.core.audit import AuditEvent
from hubs.core.errors import InvalidTransition, PermissionDenied, ValidationError
from hubs.core.types import today
from hubs.extensions import db
from hubs.pathways import discharge as discharging
from hubs.pathways.models import OnwardSupport, TransitionKind
from hubs.pathways.states import TransitionState
from hubs.referrals import services as referral_services
from hubs.referrals.models import Referral
from hubs.referrals.states import EpisodeStatus
from tests.pathways.conftest import advance, agree_safety_plan, make_episode, start, tick_all

S = TransitionState


def onward(**overrides: object) -> discharging.OnwardPlanInput:
    values: dict[str, object] = {
        "support": OnwardSupport.GP,
        "named_contact": "Dr Example (fictional)",
        "what": "Your GP reviews your medication every 3 months",
        "how_to_come_back": "Call the hub within 6 months: no new referral needed",
    }
    values.update(overrides)
    return discharging.OnwardPlanInput(**values)  # type: ignore[arg-type]


def discharge(pw, episode, **overrides):  # type: ignore[no-untyped-def]
    return discharging.discharge(db.session, pw.users["clinician"], episode, onward(**overrides))


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"support": None}, "support"),
        ({"what": "  "}, "what"),
        ({"how_to_come_back": ""}, "how_to_come_back"),
        ({"support": OnwardSupport.SERVICE, "service_id": None}, "service_id"),
    ],
)
def test_discharge_without_a_complete_onward_plan_names_the_missing_field(
    pw, hub_episode, overrides, field
):
    agree_safety_plan(pw.world.person_a, pw.users["clinician"])
    with pytest.raises(ValidationError) as refused:
        discharge(pw, hub_episode, **overrides)
    assert refused.value.field == field and refused.value.status_code == 422
    assert hub_episode.status != EpisodeStatus.FINISHED


def test_discharge_to_a_gp_needs_the_person_to_be_registered_with_one(pw, hub_episode):
    agree_safety_plan(pw.world.person_a, pw.users["clinician"])
    pw.world.person_a.gp_practice_id = None
    with pytest.raises(ValidationError) as refused:
        discharge(pw, hub_episode)
    assert refused.value.field == "support"


def test_discharge_without_an_agreed_safety_plan_is_refused(pw, hub_episode):
    with pytest.raises(ValidationError) as refused:
        discharge(pw, hub_episode)
    assert refused.value.field == "safety_plan"


def test_a_safety_plan_agreed_before_discharge_planning_started_must_be_reviewed(pw, hub_episode):
    nurse = pw.users["clinician"]
    agree_safety_plan(pw.world.person_a, nurse)
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(days=3), tick=False):
        discharging.save_onward_plan(db.session, nurse, hub_episode, onward())
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(days=5), tick=False):
        with pytest.raises(ValidationError) as refused:
            discharge(pw, hub_episode)
        assert refused.value.field == "safety_plan"
        assert "before discharge planning started" in refused.value.message

        agree_safety_plan(pw.world.person_a, nurse)  # reviewed and agreed again
        plan = discharge(pw, hub_episode)
    assert plan.discharged_on is not None


def test_a_safety_plan_reviewed_the_day_planning_starts_is_enough(pw, hub_episode):
    agree_safety_plan(pw.world.person_a, pw.users["clinician"])
    plan = discharge(pw, hub_episode)  # planning starts and ends today
    assert plan.planning_started_on == today()


def test_a_newer_draft_does_not_count_as_the_updated_safety_plan(pw, hub_episode):
    from hubs.safetyplans import services as safety

    nurse, person = pw.users["clinician"], pw.world.person_a
    agree_safety_plan(person, nurse)
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(days=2), tick=False):
        discharging.save_onward_plan(db.session, nurse, hub_episode, onward())
        safety.open_safety_draft(db.session, nurse, person)
        with pytest.raises(ValidationError) as refused:
            discharge(pw, hub_episode)
    assert refused.value.field == "safety_plan"


def test_discharge_records_the_plan_ends_the_episode_and_tells_other_features(
    pw, hub_episode, listen
):
    discharged = listen("episode-discharged")
    agree_safety_plan(pw.world.person_a, pw.users["clinician"])

    plan = discharge(pw, hub_episode, support=OnwardSupport.SERVICE, service_id=pw.offer.id)

    assert hub_episode.status == EpisodeStatus.FINISHED and hub_episode.finished_on == today()
    assert plan.discharged_on == today() and plan.service_id == pw.offer.id
    assert plan.fast_track_until == discharging.rules.fast_track_until(today())
    assert plan.safety_plan_id is not None
    assert discharged.calls == [
        (hub_episode, {"actor": pw.users["clinician"], "onward_plan": plan})
    ]
    actions = db.session.scalars(
        sa.select(AuditEvent.action).where(AuditEvent.person_id == pw.world.person_a.id)
    ).all()
    assert "episode.discharge" in actions and "episode.finish" in actions


def test_an_ended_episode_cannot_be_discharged_again(pw, hub_episode):
    agree_safety_plan(pw.world.person_a, pw.users["clinician"])
    discharge(pw, hub_episode)
    with pytest.raises(InvalidTransition):
        discharge(pw, hub_episode)


def test_only_clinicians_of_the_episode_discharge(pw, hub_episode):
    agree_safety_plan(pw.world.person_a, pw.users["clinician"])
    for user in (pw.users["other_hub_clinician"], pw.users["vcse_worker"]):
        with pytest.raises(PermissionDenied):
            discharging.discharge(db.session, user, hub_episode, onward())


# --- No gap -------------------------------------------------------------------------------


@pytest.mark.parametrize("state", [S.IDENTIFIED, S.PLANNING, S.ESCALATED, S.ACCEPTED])
def test_a_step_down_not_yet_in_parallel_support_blocks_discharge(pw, hub_episode, state):
    agree_safety_plan(pw.world.person_a, pw.users["clinician"])
    advance(pw, start(pw, hub_episode, TransitionKind.HUB_STEP_DOWN), state)
    with pytest.raises(InvalidTransition) as refused:
        discharge(pw, hub_episode)
    assert refused.value.status_code == 409
    assert hub_episode.status != EpisodeStatus.FINISHED


def test_discharge_completes_a_step_down_in_parallel_support(pw, hub_episode, listen):
    completed = listen("transition-completed")
    transition = advance(
        pw, start(pw, hub_episode, TransitionKind.HUB_STEP_DOWN), S.PARALLEL_SUPPORT
    )
    tick_all(pw, transition)
    agree_safety_plan(pw.world.person_a, pw.users["clinician"])

    discharge(pw, hub_episode, support=OnwardSupport.SERVICE, service_id=pw.offer.id)

    assert transition.state == S.COMPLETED
    assert completed.calls == [(transition, {"actor": pw.users["clinician"]})]


def test_a_step_down_started_earlier_starts_discharge_planning(pw, hub_episode):
    nurse, now = pw.users["clinician"], dt.datetime.now(dt.UTC)
    agree_safety_plan(pw.world.person_a, nurse)
    with time_machine.travel(now + dt.timedelta(days=2), tick=False):
        transition = start(pw, hub_episode, TransitionKind.HUB_STEP_DOWN)
    with time_machine.travel(now + dt.timedelta(days=4), tick=False):
        advance(pw, transition, S.PARALLEL_SUPPORT)
        tick_all(pw, transition)
        # The onward plan is first saved today, but planning began with the step-down.
        with pytest.raises(ValidationError) as refused, db.session.begin_nested():
            discharge(pw, hub_episode, support=OnwardSupport.SERVICE, service_id=pw.offer.id)
        assert refused.value.field == "safety_plan"

        agree_safety_plan(pw.world.person_a, nurse)
        plan = discharge(pw, hub_episode, support=OnwardSupport.SERVICE, service_id=pw.offer.id)
    assert plan.planning_started_on == (now + dt.timedelta(days=4)).date()
    assert transition.state == S.COMPLETED


def test_an_aspire_episode_in_transition_cannot_be_discharged_around_it(pw, aspire_episode):
    agree_safety_plan(pw.world.person_a, pw.users["clinician"])
    transition = advance(pw, start(pw, aspire_episode, TransitionKind.ASPIRE_TO_HUB), S.ACCEPTED)
    for episode in (aspire_episode, transition.receiving_episode):
        actor = pw.users["clinician" if episode is aspire_episode else "other_hub_clinician"]
        with pytest.raises(InvalidTransition):
            discharging.discharge(db.session, actor, episode, onward())


# --- Fast-track ---------------------------------------------------------------------------


def _discharged(pw, hub_episode):  # type: ignore[no-untyped-def]
    agree_safety_plan(pw.world.person_a, pw.users["clinician"])
    return discharge(pw, hub_episode)


def test_a_referral_back_to_a_hub_within_6_months_is_fast_tracked(pw, hub_episode):
    plan = _discharged(pw, hub_episode)
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(days=150), tick=False):
        back = make_episode(pw.world.person_a, None, pw.world.hub_a, pw.users["clinician"])
    referral = db.session.get(Referral, back.referral_id)
    assert referral.is_fast_tracked
    assert plan.episode.team.name in referral.fast_track_reason
    assert referral.events[0].action == "receive"
    assert any(e.action == "fast_track" for e in referral.events)


def test_a_referral_after_6_months_or_to_another_service_is_not_fast_tracked(pw, hub_episode):
    plan = _discharged(pw, hub_episode)
    after = dt.datetime.combine(plan.fast_track_until + dt.timedelta(days=1), dt.time(12))
    with time_machine.travel(after.replace(tzinfo=dt.UTC), tick=False):
        late = make_episode(
            pw.world.person_a, None, pw.world.hub_a, pw.users["clinician"], received_on=today()
        )
    aspire = make_episode(pw.world.person_a, pw.aspire, pw.world.hub_a, pw.users["clinician"])
    assert not db.session.get(Referral, late.referral_id).is_fast_tracked
    assert not db.session.get(Referral, aspire.referral_id).is_fast_tracked


def test_the_triage_queue_shows_fast_tracked_referrals_first_within_their_priority(pw, hub_episode):
    from hubs.referrals import queries
    from hubs.referrals import services as referral_services
    from tests.referrals.conftest import referral_input

    _discharged(pw, hub_episode)
    older = referral_services.receive_referral(
        db.session,
        pw.users["clinician"],
        pw.world.person_shared,
        referral_input(
            received_on=today() - dt.timedelta(days=20),
            team_id=pw.world.hub_a.id,
            team_override_reason="Moved house",
        ),
    )
    returning = referral_services.receive_referral(
        db.session,
        pw.users["clinician"],
        pw.world.person_a,
        referral_input(received_on=today(), confirm_duplicate=True),
    )

    results = queries.triage_queue(
        db.session, pw.users["clinician"], queries.QueueFilters(team_id=pw.world.hub_a.id)
    )

    ids = [r.id for r in results.items]
    assert returning.is_fast_tracked and not older.is_fast_tracked
    assert ids.index(returning.id) < ids.index(older.id)


def test_no_feature_can_end_an_episode_into_nothing(pw, hub_episode):
    # Rule 4 holds at the episode itself: ending it directly, with no onward plan and no
    # completed transition, is refused whoever asks.
    with pytest.raises(ValidationError) as refused, db.session.begin_nested():
        referral_services.finish_episode(db.session, None, hub_episode, today())
    assert refused.value.field == "onward_plan"
    assert hub_episode.status != EpisodeStatus.FINISHED
