"""The pathways demo: Aspire and CAMHS transitions in several states, a discharge with an
onward plan for a portal person, and nothing new the second time."""

from __future__ import annotations

import sqlalchemy as sa

from hubs.core.types import today
from hubs.demo import load_demo
from hubs.pathways.models import OnwardPlan, Transition, TransitionKind
from hubs.pathways.queries import days_without_lead_worker
from hubs.pathways.states import TransitionState
from hubs.people.models import PortalAccount
from hubs.staff.models import User

PASSWORD = "demo-password-not-for-production"


def test_demo_has_aspire_and_camhs_transitions_in_several_states_and_a_discharge(db):
    load_demo(db.session, PASSWORD)
    transitions = db.session.scalars(sa.select(Transition)).all()
    states = {(t.kind, t.state) for t in transitions}

    aspire = {s for k, s in states if k == TransitionKind.ASPIRE_TO_HUB}
    camhs = {s for k, s in states if k == TransitionKind.CAMHS_TO_ADULT}
    assert len(aspire) >= 3 and len(camhs) >= 3
    assert TransitionState.ESCALATED in camhs
    assert TransitionState.PARALLEL_SUPPORT in aspire | camhs
    assert TransitionState.COMPLETED in aspire
    assert all(days_without_lead_worker(t, today()) == 0 for t in transitions)

    plan = db.session.scalars(sa.select(OnwardPlan)).one()
    account = db.session.scalar(
        sa.select(PortalAccount).join(User).where(User.email == "person3@demo")
    )
    assert plan.discharged_on is not None and plan.person_id == account.person_id

    again = load_demo(db.session, PASSWORD)
    assert "transitions" not in again.created and "pathway people" not in again.created
    assert db.session.scalar(sa.select(sa.func.count(Transition.id))) == len(transitions)
