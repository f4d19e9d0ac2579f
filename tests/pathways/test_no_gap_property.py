"""The no-gap rule as a property (DESIGN §3 rule 3): whatever staff, managers and the
scheduler do, in any order, on any days, a person in an Aspire or CAMHS transition always
has an open episode with a lead worker, and the transition's days without a lead worker
stay 0. Random sequences include declines, stalls (time passes, the stalled-transitions
job runs), reassignments and attempts to discharge or end either episode.

Each example runs inside a savepoint that is rolled back, so examples do not see each
other; each step that is refused (a domain error) rolls back its own savepoint.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
import time_machine
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from hubs.core.errors import DomainError
from hubs.core.types import today
from hubs.extensions import db
from hubs.pathways import discharge as discharging
from hubs.pathways import jobs, services
from hubs.pathways.models import ChecklistItem, OnwardPlan, OnwardSupport, Transition
from hubs.pathways.models import TransitionKind as K
from hubs.pathways.queries import days_without_lead_worker
from hubs.referrals import services as referral_services
from hubs.referrals.models import Episode
from hubs.referrals.states import EpisodeStatus
from hubs.staff.models import MembershipKind, StaffRole, User
from tests import factories
from tests.pathways.conftest import Pathways, accepted_episode, agree_safety_plan

OPEN = (EpisodeStatus.PLANNED, EpisodeStatus.ACTIVE)
START = dt.datetime(2026, 6, 1, 10, tzinfo=dt.UTC)
ACTIONS = (
    "plan",
    "meet",
    "accept",
    "decline",
    "replan",
    "manager_escalates",
    "parallel",
    "tick",
    "complete",
    "wait",
    "stalled_job",
    "reassign_sending",
    "reassign_receiving",
    "discharge_sending",
    "discharge_receiving",
    "end_sending_directly",
    "end_receiving_directly",
)
# "advance" takes the next step forward for the state the transition is in, and is drawn
# more often, so sequences reach acceptance, parallel support and completion regularly.
FORWARD = {
    "identified": "plan",
    "planning": "meet",
    "joint_meeting_held": "accept",
    "accepted": "parallel",
    "parallel_support": "complete",
    "escalated": "replan",
}
STEPS = st.lists(
    st.tuples(st.sampled_from(ACTIONS + ("advance",) * 8), st.integers(min_value=0, max_value=120)),
    min_size=1,
    max_size=16,
)
SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@dataclass
class Story:
    pw: Pathways
    transition: Transition
    spare: dict[str, list[User]]
    traveller: time_machine.Coordinates

    @property
    def sending(self) -> Episode:
        return self.transition.sending_episode


def _spare_staff(pw: Pathways) -> dict[str, list[User]]:
    """Two more clinicians per hub, for reassignments (made once per test)."""
    cached = getattr(pw, "_spare", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    spare: dict[str, list[User]] = {}
    for name, team in (("a", pw.world.hub_a), ("b", pw.world.hub_b)):
        spare[name] = []
        for _ in range(2):
            user = factories.UserFactory(
                role=StaffRole.MENTAL_HEALTH_NURSE, organisation=pw.world.trust
            )
            factories.TeamMembershipFactory(user=user, team=team, kind=MembershipKind.MEMBER)
            spare[name].append(user)
    pw._spare = spare  # type: ignore[attr-defined]
    return spare


def _onward() -> discharging.OnwardPlanInput:
    return discharging.OnwardPlanInput(
        support=OnwardSupport.GP, what="GP reviews", how_to_come_back="Call the hub"
    )


def _reassign(story: Story, episode: Episode | None, side: str, manager: User) -> None:
    if episode is None:
        return
    choices = [u for u in story.spare[side] if u.id != episode.lead_worker_id]
    referral_services.reassign_lead_worker(
        db.session, manager, episode, lead_worker_id=choices[0].id, reason="Rebalancing"
    )


def _do_into_hub(story: Story, action: str, days: int) -> None:  # noqa: C901 - one per action
    pw, t = story.pw, story.transition
    sender, taker = pw.users["clinician"], pw.users["other_hub_clinician"]
    later = today() + dt.timedelta(days=days)
    if action == "plan":
        services.plan(
            db.session,
            sender,
            t,
            services.PlanInput(
                planned_on=later,
                joint_meeting_on=today(),
                sending_worker_id=sender.id,
                receiving_worker_id=taker.id,
            ),
        )
    elif action == "meet":
        services.record_meeting(db.session, sender, t, held_on=today())
    elif action == "accept":
        services.accept(db.session, taker, t, lead_worker_id=taker.id)
    elif action == "decline":
        services.decline(db.session, taker, t, reason="No capacity")
    elif action == "replan":
        services.replan(
            db.session,
            pw.other_manager,
            t,
            services.PlanInput(
                planned_on=later,
                joint_meeting_on=today(),
                sending_worker_id=sender.id,
                receiving_worker_id=taker.id,
            ),
            reason="Agreed",
        )
    elif action == "manager_escalates":
        services.escalate(db.session, pw.users["manager"], t, reason="Stuck")
    elif action == "parallel":
        services.start_parallel_support(db.session, sender, t, overlap_ends_on=later)
    elif action == "tick":
        services.tick(db.session, sender, t, list(ChecklistItem)[days % len(ChecklistItem)])
    elif action == "complete":
        for item in ChecklistItem:
            services.tick(db.session, sender, t, item)
        services.complete(db.session, sender, t)
    elif action == "wait":
        story.traveller.shift(dt.timedelta(days=days))
    elif action == "stalled_job":
        jobs.escalate_stalled_transitions(dt.datetime.now(dt.UTC))
    elif action == "reassign_sending":
        _reassign(story, story.sending, "a", pw.users["manager"])
    elif action == "reassign_receiving":
        _reassign(story, t.receiving_episode, "b", pw.other_manager)
    elif action == "discharge_sending":
        discharging.discharge(db.session, sender, story.sending, _onward())
    elif action == "discharge_receiving" and t.receiving_episode is not None:
        discharging.discharge(db.session, taker, t.receiving_episode, _onward())
    elif action == "end_sending_directly":
        referral_services.finish_episode(db.session, None, story.sending, today())
    elif action == "end_receiving_directly" and t.receiving_episode is not None:
        referral_services.finish_episode(db.session, None, t.receiving_episode, today())


def _attempt(story: Story, action: str, days: int) -> None:
    """Take one step; a refused step (any domain error) changes nothing."""
    try:
        with db.session.begin_nested():
            _dispatch(story, action, days)
    except DomainError:
        pass


def _open_episodes_with_lead(person_id: int) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(Episode.id)).where(
            Episode.person_id == person_id,
            Episode.status.in_(OPEN),
            Episode.lead_worker_id.is_not(None),
        )
    )


def _discharged_with_plan(episode: Episode) -> bool:
    plan = db.session.scalar(sa.select(OnwardPlan).where(OnwardPlan.episode_id == episode.id))
    return plan is not None and plan.discharged_on is not None


def _assert_no_gap(story: Story, history: list[str]) -> None:
    t = story.transition
    db.session.refresh(t)
    assert days_without_lead_worker(t, today()) == 0, history
    if not t.state.is_accepted:
        assert story.sending.status in OPEN, history
    if t.state.is_open:
        # During the transition: never without an open episode with a lead worker.
        assert _open_episodes_with_lead(t.person_id) >= 1, history
        if t.receiving_episode is not None:
            assert t.receiving_episode.status in OPEN, history
    else:
        # Afterwards the receiving hub may discharge in time, but only with an onward plan.
        received = t.receiving_episode
        assert received is not None, history
        assert received.status in OPEN or _discharged_with_plan(received), history


def _run(pw: Pathways, make: Callable[[], Episode], kind: K, steps: list[tuple[str, int]]) -> None:
    spare = _spare_staff(pw)
    with time_machine.travel(START, tick=False) as traveller, db.session.begin_nested() as example:
        episode = make()
        agree_safety_plan(episode.person, pw.users["clinician"])
        transition = services.start_transition(
            db.session,
            pw.users["clinician"],
            episode,
            services.StartInput(kind=kind, receiving_team_id=pw.world.hub_b.id),
        )
        story = Story(pw, transition, spare, traveller)
        history: list[str] = []
        _assert_no_gap(story, history)
        for action, days in steps:
            _attempt(story, action, days)
            history.append(f"{action}({days}) -> {transition.state.value}")
            _assert_no_gap(story, history)
        event(f"reached {transition.state.value}")
        example.rollback()


@SETTINGS
@given(steps=STEPS)
def test_an_aspire_transition_never_leaves_the_person_without_a_lead_worker(pw, steps):
    def make() -> Episode:
        return accepted_episode(pw.world.person_a, pw.aspire, pw.world.hub_a, pw.users["clinician"])

    _run(pw, make, K.ASPIRE_TO_HUB, steps)


@SETTINGS
@given(steps=STEPS)
def test_a_camhs_transition_never_leaves_the_young_person_without_a_lead_worker(pw, steps):
    def make() -> Episode:
        return accepted_episode(pw.young_person, pw.camhs, pw.world.hub_a, pw.users["clinician"])

    _run(pw, make, K.CAMHS_TO_ADULT, steps)


@SETTINGS
@given(steps=STEPS)
def test_a_step_down_ends_only_in_a_discharge_with_an_onward_plan_after_acceptance(pw, steps):
    """For a step-down the hub episode may end, but only by a discharge with an onward plan
    to a receiving service that had accepted with a named contact: never into nothing."""
    spare = _spare_staff(pw)
    with time_machine.travel(START, tick=False) as traveller, db.session.begin_nested() as example:
        episode = accepted_episode(pw.world.person_a, None, pw.world.hub_a, pw.users["clinician"])
        agree_safety_plan(episode.person, pw.users["clinician"])
        transition = services.start_transition(
            db.session,
            pw.users["clinician"],
            episode,
            services.StartInput(
                kind=K.HUB_STEP_DOWN,
                receiving_service_id=pw.offer.id,
                planned_on=today() + dt.timedelta(days=30),
            ),
        )
        story = Story(pw, transition, spare, traveller)
        history: list[str] = []
        for action, days in steps:
            action = _step_down_action(action, transition)
            _attempt(story, action, days)
            history.append(f"{action}({days}) -> {transition.state.value}")
            db.session.refresh(episode)
            if episode.status in OPEN:
                assert _open_episodes_with_lead(episode.person_id) >= 1, history
            else:
                plan = db.session.scalar(
                    sa.select(OnwardPlan).where(OnwardPlan.episode_id == episode.id)
                )
                assert plan is not None and plan.discharged_on is not None, history
                assert transition.state.value == "completed", history
                assert transition.receiving_lead_name, history
            assert days_without_lead_worker(transition, today()) == 0, history
        event(f"reached {transition.state.value}")
        example.rollback()


def _step_down_action(action: str, transition: Transition) -> str:
    """A step-down's receiver is a service: the sending clinician records its decisions,
    and completing it is the discharge."""
    if action == "advance":
        action = FORWARD.get(transition.state.value, "wait")
    return {"complete": "complete_step_down"}.get(action, action)


def _do_step_down(story: Story, action: str, days: int) -> None:
    pw, t, sender = story.pw, story.transition, story.pw.users["clinician"]
    if action == "accept":
        services.accept(db.session, sender, t, lead_name="Sam, walk leader")
    elif action == "decline":
        services.decline(db.session, sender, t, reason="Group is full")
    elif action == "plan":
        services.plan(
            db.session,
            sender,
            t,
            services.PlanInput(
                planned_on=today() + dt.timedelta(days=days),
                joint_meeting_on=today(),
                sending_worker_id=sender.id,
                receiving_worker_name="Sam",
            ),
        )
    elif action == "complete_step_down":
        for item in ChecklistItem:
            services.tick(db.session, sender, t, item)
        discharging.discharge(
            db.session,
            sender,
            story.sending,
            discharging.OnwardPlanInput(
                support=OnwardSupport.SERVICE,
                service_id=pw.offer.id,
                what="Weekly walking group",
                how_to_come_back="Call the hub",
            ),
        )
    else:
        _do_into_hub(story, action, days)


def _dispatch(story: Story, action: str, days: int) -> None:
    if action == "advance":
        action = FORWARD.get(story.transition.state.value, "wait")
    if story.transition.kind == K.HUB_STEP_DOWN:
        _do_step_down(story, action, days)
    else:
        _do_into_hub(story, action, days)
