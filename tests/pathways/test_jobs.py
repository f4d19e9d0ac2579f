"""Pathways jobs: each finds what is due, changes it once for its period (a second run for
the same moment changes nothing), alerts staff, and never commits."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
import time_machine
from sqlalchemy.orm import Session

from hubs.core.types import today
from hubs.extensions import db
from hubs.pathways import jobs, rules
from hubs.pathways.models import EscalationReason, Transition, TransitionKind
from hubs.pathways.states import TransitionState
from hubs.referrals import services as referral_services
from hubs.referrals.states import EpisodeStatus
from tests import factories
from tests.pathways.conftest import accepted_episode, advance, start

NOON = dt.time(12, tzinfo=dt.UTC)


def at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, NOON)


@pytest.fixture
def commits(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Every explicit `Session.commit()` while the test runs (jobs must make none; the runner
    commits once). Savepoints released by `begin_nested()` are not commits and don't count."""
    seen: list[object] = []
    original = Session.commit

    def counting_commit(session: Session) -> None:
        seen.append(session)
        original(session)

    monkeypatch.setattr(Session, "commit", counting_commit)
    return seen


def _transitions(kind: TransitionKind) -> list[Transition]:
    return list(db.session.scalars(sa.select(Transition).where(Transition.kind == kind)))


# --- CAMHS at 17½ -------------------------------------------------------------------------


def test_camhs_job_identifies_a_transition_for_a_young_person_reaching_17_and_a_half_once(
    pw, listen, commits
):
    born = dt.date(2009, 3, 10)
    young = factories.PersonFactory(gp_practice=pw.world.person_b.gp_practice, date_of_birth=born)
    birthday = rules.camhs_planning_from(born)  # 10 September 2026
    with time_machine.travel(at(birthday - dt.timedelta(days=60)), tick=False):
        episode = accepted_episode(young, pw.camhs, pw.world.hub_a, pw.users["clinician"])
    db.session.commit()
    alerts = listen("staff-alert")
    commits.clear()

    with time_machine.travel(at(birthday - dt.timedelta(days=1)), tick=False):
        assert jobs.identify_camhs_transitions(at(today())) == 0
    with time_machine.travel(at(birthday), tick=False):
        assert jobs.identify_camhs_transitions(at(today())) == 1
        assert jobs.identify_camhs_transitions(at(today())) == 0

    [transition] = _transitions(TransitionKind.CAMHS_TO_ADULT)
    assert transition.sending_episode_id == episode.id
    assert transition.state == TransitionState.IDENTIFIED
    assert transition.planned_on == dt.date(2027, 3, 10)  # handover by 18
    assert transition.receiving_team_id == pw.world.hub_b.id  # the young person's own hub
    [(_, alert)] = alerts.of(kind="transition-identified")
    assert alert["recipient_ids"] == sorted(
        {pw.users["clinician"].id, pw.users["manager"].id, pw.other_manager.id}
    )
    assert alert["dedupe_key"] == f"transition-identified:{transition.id}"
    assert commits == []


def test_camhs_job_leaves_young_people_with_a_transition_or_a_finished_episode_alone(pw):
    born = today() - dt.timedelta(days=int(17.8 * 365.25))
    planned = factories.PersonFactory(gp_practice=pw.world.person_b.gp_practice, date_of_birth=born)
    ended = factories.PersonFactory(gp_practice=pw.world.person_b.gp_practice, date_of_birth=born)
    with_plan = accepted_episode(planned, pw.camhs, pw.world.hub_a, pw.users["clinician"])
    factories.TransitionFactory(
        sending_episode=with_plan, kind=TransitionKind.CAMHS_TO_ADULT, receiving_team=pw.world.hub_b
    )
    finished = accepted_episode(ended, pw.camhs, pw.world.hub_a, pw.users["clinician"])
    finished.status, finished.finished_on = EpisodeStatus.FINISHED, today()

    assert jobs.identify_camhs_transitions(at(today())) == 0


# --- Aspire at 30 months ------------------------------------------------------------------


def test_aspire_job_identifies_the_step_down_30_months_into_the_episode_once(pw, listen, commits):
    began = dt.date(2024, 1, 15)
    with time_machine.travel(at(began), tick=False):
        episode = accepted_episode(
            pw.world.person_a,
            pw.aspire,
            pw.world.hub_a,
            pw.users["clinician"],
            received_on=began,
        )
    db.session.commit()
    alerts = listen("staff-alert")
    due = rules.aspire_planning_from(began)  # 15 July 2026
    commits.clear()

    with time_machine.travel(at(due - dt.timedelta(days=1)), tick=False):
        assert jobs.identify_aspire_transitions(at(today())) == 0
    with time_machine.travel(at(due), tick=False):
        assert jobs.identify_aspire_transitions(at(today())) == 1
        assert jobs.identify_aspire_transitions(at(today())) == 0

    [transition] = _transitions(TransitionKind.ASPIRE_TO_HUB)
    assert transition.sending_episode_id == episode.id
    assert transition.planned_on == dt.date(2027, 1, 15)  # the end of the 3 years
    assert transition.receiving_team_id == pw.world.hub_a.id  # person A's own hub
    assert len(alerts.of(kind="transition-identified")) == 1
    assert commits == []


def test_aspire_job_counts_from_the_first_contact_when_it_is_recorded(pw):
    with time_machine.travel(at(dt.date(2024, 1, 15)), tick=False):
        episode = accepted_episode(
            pw.world.person_a, pw.aspire, pw.world.hub_a, pw.users["clinician"]
        )
        referral_services.start_episode(
            db.session, pw.users["clinician"], episode, dt.date(2024, 3, 1)
        )
    with time_machine.travel(at(dt.date(2026, 8, 1)), tick=False):
        assert jobs.identify_aspire_transitions(at(today())) == 0
    with time_machine.travel(at(dt.date(2026, 9, 1)), tick=False):
        assert jobs.identify_aspire_transitions(at(today())) == 1


# --- Stalled transitions ------------------------------------------------------------------


def test_stalled_job_escalates_a_transition_past_its_date_to_both_managers_once(
    pw, aspire_episode, listen, commits
):
    transition = factories.TransitionFactory(
        sending_episode=aspire_episode,
        kind=TransitionKind.ASPIRE_TO_HUB,
        receiving_team=pw.world.hub_b,
        planning=True,
    )
    db.session.commit()
    alerts = listen("staff-alert")
    commits.clear()

    with time_machine.travel(at(transition.planned_on), tick=False):
        assert jobs.escalate_stalled_transitions(at(today())) == 0
    with time_machine.travel(at(transition.planned_on + dt.timedelta(days=1)), tick=False):
        assert jobs.escalate_stalled_transitions(at(today())) == 1
        assert jobs.escalate_stalled_transitions(at(today())) == 0

    assert transition.state == TransitionState.ESCALATED
    assert transition.escalation_reason == EscalationReason.STALLED
    assert transition.events[-1].actor_id is None  # the system escalated it
    [(_, alert)] = alerts.of(kind="transition-escalated")
    assert alert["recipient_ids"] == sorted([pw.users["manager"].id, pw.other_manager.id])
    assert commits == []


def test_stalled_job_leaves_accepted_and_already_escalated_transitions_alone(
    pw, aspire_episode, camhs_episode
):
    accepted = factories.TransitionFactory(
        sending_episode=aspire_episode,
        kind=TransitionKind.ASPIRE_TO_HUB,
        receiving_team=pw.world.hub_b,
        accepted=True,
        receiving_episode__lead_worker=pw.users["other_hub_clinician"],
    )
    escalated = factories.TransitionFactory(
        sending_episode=camhs_episode,
        kind=TransitionKind.CAMHS_TO_ADULT,
        receiving_team=pw.world.hub_b,
        escalated=True,
    )
    later = max(accepted.planned_on, escalated.planned_on) + dt.timedelta(days=10)

    with time_machine.travel(at(later), tick=False):
        assert jobs.escalate_stalled_transitions(at(today())) == 0
    assert escalated.escalation_count == 1


def test_a_replanned_transition_can_stall_and_escalate_again(pw, aspire_episode, listen):
    from hubs.pathways import services

    alerts = listen("staff-alert")
    transition = advance(
        pw, start(pw, aspire_episode, TransitionKind.ASPIRE_TO_HUB), TransitionState.ESCALATED
    )
    new_date = today() + dt.timedelta(days=7)
    services.replan(
        db.session,
        pw.users["manager"],
        transition,
        services.PlanInput(new_date, joint_meeting_on=today(), sending_worker_id=None),
        reason="Agreed",
    )
    with time_machine.travel(at(new_date + dt.timedelta(days=1)), tick=False):
        assert jobs.escalate_stalled_transitions(at(today())) == 1
    keys = [kw["dedupe_key"] for _, kw in alerts.of(kind="transition-escalated")]
    assert keys == [
        f"transition-escalated:{transition.id}:1",
        f"transition-escalated:{transition.id}:2",
    ]
