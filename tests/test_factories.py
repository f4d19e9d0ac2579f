"""The care factories make rows the database accepts (its CHECK constraints, on SQLite and
PostgreSQL alike), in the state each trait names, and nothing the services would add."""

from __future__ import annotations

import pytest

from hubs.careplans.models import PlanStatus
from hubs.core.audit import AuditEvent
from hubs.pathways.models import TransitionKind
from hubs.pathways.states import TransitionState
from hubs.referrals.models import ClockEvent, ReferralEvent
from hubs.referrals.states import EpisodeStatus, ReferralStatus
from hubs.reporting.models import ActivityEvent
from tests import factories
from tests.helpers.db import count_rows

REFERRAL_TRAITS = {
    "": ReferralStatus.RECEIVED,
    "triaged": ReferralStatus.TRIAGED,
    "accepted": ReferralStatus.ACCEPTED,
    "signposted": ReferralStatus.SIGNPOSTED,
    "withdrawn": ReferralStatus.WITHDRAWN,
    "entered_in_error": ReferralStatus.ENTERED_IN_ERROR,
}


@pytest.mark.parametrize(("trait", "status"), REFERRAL_TRAITS.items())
def test_a_referral_in_each_state_is_accepted_by_the_database(db, trait, status):
    referral = factories.ReferralFactory(**({trait: True} if trait else {}))
    db.session.expire_all()
    assert referral.status == status and (referral.closed_on is None) == status.is_open
    assert [(n.domain, n.severity) for n in referral.needs] == list(factories.DEFAULT_NEEDS)
    assert referral.service == factories.hub_team(referral.team)


def test_an_episode_has_its_accepted_referral_and_its_lead_and_team_in_the_care_team(db):
    colleague = factories.UserFactory()
    episode = factories.EpisodeFactory(care_team=[colleague], active=True)
    db.session.expire_all()
    assert episode.referral.status == ReferralStatus.ACCEPTED
    assert (episode.referral.person, episode.referral.team) == (episode.person, episode.team)
    assert [m.user for m in episode.care_team] == [episode.lead_worker, colleague]
    assert episode.status == EpisodeStatus.ACTIVE and episode.started_on is not None
    assert episode.lead_worker.memberships[0].team == episode.team


TRANSITION_TRAITS = ["planning", "joint_meeting_held", "accepted", "parallel_support", "completed"]


@pytest.mark.parametrize("trait", ["", *TRANSITION_TRAITS, "escalated"])
@pytest.mark.parametrize("into_hub", [False, True])
def test_a_transition_in_each_state_is_accepted_by_the_database(db, trait, into_hub):
    kind = TransitionKind.ASPIRE_TO_HUB if into_hub else TransitionKind.HUB_STEP_DOWN
    transition = factories.TransitionFactory(kind=kind, **({trait: True} if trait else {}))
    db.session.expire_all()
    assert transition.state == (TransitionState(trait) if trait else TransitionState.IDENTIFIED)
    assert (transition.receiving_team is not None) == into_hub
    expected = transition.kind.sending_service_kind
    assert transition.sending_episode.referral.service.kind == expected
    if transition.state.is_accepted and into_hub:
        assert transition.receiving_episode.team == transition.receiving_team


@pytest.mark.parametrize("trait", ["", "agreed", "under_review", "superseded"])
def test_plans_in_each_state_are_accepted_by_the_database(db, trait):
    state = {trait: True} if trait else {}
    care_plan = factories.CarePlanFactory(**state, goals=["Keep my flat"], actions=[])
    again = factories.CarePlanFactory(episode=care_plan.episode, **state)
    safety_plan = factories.SafetyPlanFactory(**state)
    db.session.expire_all()
    status = PlanStatus(trait) if trait else PlanStatus.DRAFT
    assert care_plan.status == safety_plan.status == status
    assert (care_plan.version, again.version, safety_plan.version) == (1, 2, 1)
    assert [g.own_words for g in care_plan.goals] == ["Keep my flat"]


def test_the_first_measure_of_an_episode_is_its_baseline_and_is_scored(db):
    first = factories.OutcomeMeasureFactory()
    second = factories.OutcomeMeasureFactory(episode=first.episode, reqol10=True)
    assert first.is_baseline and not second.is_baseline
    assert (first.score, first.secondary_score) == (4.0, 4.0)
    assert (second.score, second.secondary_score) == (20.0, 2.0)


def test_support_records_are_accepted_by_the_database(db):
    factories.ContactFactory(not_reached=True)
    factories.SignpostingFactory(attended=True)
    factories.HealthCheckRecordFactory()
    db.session.flush()


def test_the_care_factories_write_no_history_audit_activity_or_clock_rows(db):
    factories.TransitionFactory(completed=True)
    factories.CarePlanFactory(agreed=True)
    factories.OutcomeMeasureFactory()
    factories.ContactFactory()
    written = [count_rows(m) for m in (ReferralEvent, AuditEvent, ActivityEvent, ClockEvent)]
    assert written == [0, 0, 0, 0]


def test_an_accepted_transition_into_a_hub_names_its_receiving_episodes_lead(db):
    lead = factories.UserFactory()
    transition = factories.TransitionFactory(
        kind=TransitionKind.CAMHS_TO_ADULT, accepted=True, receiving_episode__lead_worker=lead
    )
    assert transition.receiving_lead_worker == transition.receiving_episode.lead_worker == lead
    assert transition.receiving_episode.person == transition.person
