"""The person's moves between services and their plan for after the hub, in plain words.

Staff-only details (why a team declined, notes on the checklist) are never shown here.
"""

from __future__ import annotations

from hubs.core import audit
from hubs.core.web import Page, actor, page
from hubs.extensions import db
from hubs.pathways.discharge import discharged_plans
from hubs.pathways.models import ChecklistItem, OnwardPlan, Transition
from hubs.pathways.queries import transitions_of_person
from hubs.pathways.states import TransitionState
from hubs.portal.views import bp, own_person_id

S = TransitionState


def _date(day: object) -> str:
    return day.strftime("%-d %B %Y") if day else "a date to be agreed"  # type: ignore[attr-defined]


def _new_lead(transition: Transition) -> str:
    if transition.receiving_episode is not None:
        return transition.receiving_episode.lead_worker.display_name
    return transition.receiving_lead_name or "your new lead worker"


def where_things_are(transition: Transition) -> str:
    """The transition's state in the person's own terms."""
    to, state = transition.receiver_name, transition.state
    if state == S.IDENTIFIED:
        return f"Your team has started to plan your move to {to}. They will talk to you about it."
    if state == S.PLANNING:
        return (
            f"Your team and {to} are planning your move together. You will meet both teams "
            f"together on {_date(transition.joint_meeting_on)}."
        )
    if state == S.JOINT_MEETING_HELD:
        return (
            f"You met both teams on {_date(transition.joint_meeting_held_on)}. {to} will now "
            "confirm who your new lead worker will be."
        )
    if state == S.ACCEPTED:
        return f"{to} has agreed to support you. Your new lead worker is {_new_lead(transition)}."
    if state == S.PARALLEL_SUPPORT:
        return (
            f"Both teams are supporting you until {_date(transition.overlap_ends_on)}. After "
            f"that, {to} carries on. Your new lead worker is {_new_lead(transition)}."
        )
    if state == S.COMPLETED:
        return f"Your move to {to} is complete."
    return (
        "Your move is taking longer to arrange than planned. Your current team keeps "
        "supporting you in the meantime, and the managers of both teams are sorting it out."
    )


def _audit_own(action: str, record_type: str, record_id: int, person_id: int) -> None:
    audit.record(
        action, actor=actor(), record_type=record_type, record_id=record_id, person_id=person_id
    )


def _audit_shown(person_id: int, transitions: list[Transition], plans: list[OnwardPlan]) -> None:
    """One row for each move and each onward plan shown, or one for the empty list."""
    for transition in transitions:
        _audit_own("transition.view_own", "transition", transition.id, person_id)
    for plan in plans:
        _audit_own("onward_plan.view_own", "onward_plan", plan.id, person_id)
    if not transitions and not plans:
        _audit_own("transition.list_own", "transition_list", person_id, person_id)


@bp.get("/moving-on")
def my_moving_on() -> Page:
    """The person's transitions with their checklist, and their onward support plans."""
    person_id = own_person_id()
    transitions = transitions_of_person(db.session, person_id)
    plans = discharged_plans(db.session, person_id)
    _audit_shown(person_id, transitions, plans)
    return page(
        "portal/moving_on.html",
        explained=[(t, where_things_are(t)) for t in transitions],
        plans=plans,
        items=list(ChecklistItem),
    )
