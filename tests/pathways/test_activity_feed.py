"""Transitions and discharges reach staff tasks and the pseudonymised activity store in the same
transaction, and the rebuild gives the same rows as the live path."""

from __future__ import annotations

import sqlalchemy as sa

from hubs.activity.rebuild import rebuild
from hubs.extensions import db
from hubs.notifications.models import StaffTask
from hubs.pathways import services
from hubs.pathways.models import OnwardSupport, TransitionKind
from hubs.pathways.states import TransitionState
from hubs.reporting.models import ActivityType
from tests.activity import store
from tests.pathways.conftest import advance, agree_safety_plan, start
from tests.pathways.test_discharge import discharge

T = ActivityType
S = TransitionState
PATHWAY_TYPES = (T.TRANSITION_STARTED, T.TRANSITION_COMPLETED, T.DISCHARGED)


def test_a_completed_transition_feeds_started_and_completed_with_zero_days_without_a_lead(
    pw, aspire_episode
):
    transition = start(pw, aspire_episode, TransitionKind.ASPIRE_TO_HUB)
    assert [r["detail"] for r in store.rows(T.TRANSITION_STARTED)] == ["aspire_to_hub"]
    assert store.rows(T.TRANSITION_COMPLETED) == []

    advance(pw, transition, TransitionState.COMPLETED)

    (completed,) = store.rows(T.TRANSITION_COMPLETED)
    assert completed["value"] == 0.0 and completed["detail"] == "aspire_to_hub"
    assert completed["case_key"] == store.rows(T.TRANSITION_STARTED)[0]["case_key"]


def test_a_discharge_feeds_its_onward_support_kind(pw, hub_episode):
    agree_safety_plan(pw.world.person_a, pw.users["clinician"])
    discharge(pw, hub_episode, support=OnwardSupport.SERVICE, service_id=pw.offer.id)
    assert [r["detail"] for r in store.rows(T.DISCHARGED)] == ["service"]


def test_rebuilt_pathway_rows_equal_the_live_ones(pw, aspire_episode, hub_episode):
    advance(pw, start(pw, aspire_episode, TransitionKind.ASPIRE_TO_HUB), TransitionState.COMPLETED)
    agree_safety_plan(pw.world.person_a, pw.users["clinician"])
    discharge(pw, hub_episode)
    live = store.rows(*PATHWAY_TYPES)
    assert {r["event_type"] for r in live} == set(PATHWAY_TYPES)

    rebuild(db.session)

    assert store.rows(*PATHWAY_TYPES) == live


def test_an_escalation_becomes_a_task_on_both_managers_lists_in_the_same_transaction(
    pw, aspire_episode
):
    transition = advance(pw, start(pw, aspire_episode, TransitionKind.ASPIRE_TO_HUB), S.PLANNING)
    services.decline(db.session, pw.users["other_hub_clinician"], transition, reason="Full")

    tasks = db.session.scalars(
        sa.select(StaffTask).where(StaffTask.kind == "transition-escalated")
    ).all()
    assert sorted(t.recipient_id for t in tasks) == sorted(
        [pw.users["manager"].id, pw.other_manager.id]
    )
    assert {t.link for t in tasks} == {f"/transitions/{transition.id}"}
