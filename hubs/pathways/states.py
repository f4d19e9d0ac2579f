"""The transition state machine, as a table (DESIGN §7).

identified → planning (named transition worker on each side, a joint meeting date) → joint
meeting held → accepted (the receiving side names a lead worker) → parallel support (the
overlap) → completed. A receiver may decline instead; a decline, or a transition stalled past
its planned date, is escalated to both managers, who send it back to planning. Until a
transition is accepted the sending episode stays open and responsible (DESIGN §3 rule 3).

Each action names the states it may start from, the state it leads to, the roles that may
take it and the side (sending or receiving) the actor must be on. Only the service's `_move`
writes a state, and only through this table.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable

from hubs.core.access import AccessRole
from hubs.core.errors import PermissionDenied
from hubs.core.states import Rule, StateTable


class TransitionState(enum.StrEnum):
    IDENTIFIED = "identified"
    PLANNING = "planning"
    JOINT_MEETING_HELD = "joint_meeting_held"
    ACCEPTED = "accepted"
    PARALLEL_SUPPORT = "parallel_support"
    COMPLETED = "completed"
    DECLINED_BY_RECEIVER = "declined_by_receiver"
    ESCALATED = "escalated"

    @property
    def label(self) -> str:
        return STATE_LABELS[self]

    @property
    def is_open(self) -> bool:
        return self != TransitionState.COMPLETED

    @property
    def is_accepted(self) -> bool:
        """The receiving side has accepted and named a lead worker."""
        return self in RECEIVER_NAMED


STATE_LABELS = {
    TransitionState.IDENTIFIED: "Identified",
    TransitionState.PLANNING: "Planning",
    TransitionState.JOINT_MEETING_HELD: "Joint meeting held",
    TransitionState.ACCEPTED: "Accepted by the receiving team",
    TransitionState.PARALLEL_SUPPORT: "Parallel support",
    TransitionState.COMPLETED: "Completed",
    TransitionState.DECLINED_BY_RECEIVER: "Declined by the receiving team",
    TransitionState.ESCALATED: "Escalated",
}
RECEIVER_NAMED = frozenset(
    {TransitionState.ACCEPTED, TransitionState.PARALLEL_SUPPORT, TransitionState.COMPLETED}
)
# Not yet accepted and not already escalated: past the planned date these have stalled.
STALLABLE = frozenset(
    {TransitionState.IDENTIFIED, TransitionState.PLANNING, TransitionState.JOINT_MEETING_HELD}
)
# The order the manager's board shows states in: what needs a manager first.
BOARD_ORDER = (
    TransitionState.ESCALATED,
    TransitionState.DECLINED_BY_RECEIVER,
    TransitionState.IDENTIFIED,
    TransitionState.PLANNING,
    TransitionState.JOINT_MEETING_HELD,
    TransitionState.ACCEPTED,
    TransitionState.PARALLEL_SUPPORT,
    TransitionState.COMPLETED,
)


class TransitionAction(enum.StrEnum):
    PLAN = "plan"
    RECORD_MEETING = "record_meeting"
    ACCEPT = "accept"
    DECLINE = "decline"
    ESCALATE = "escalate"
    REPLAN = "replan"
    START_PARALLEL_SUPPORT = "start_parallel_support"
    COMPLETE = "complete"

    @property
    def label(self) -> str:
        return ACTION_LABELS[self]


ACTION_LABELS = {
    TransitionAction.PLAN: "Plan the transition",
    TransitionAction.RECORD_MEETING: "Record the joint meeting",
    TransitionAction.ACCEPT: "Accept and name a lead worker",
    TransitionAction.DECLINE: "Decline",
    TransitionAction.ESCALATE: "Escalate to both managers",
    TransitionAction.REPLAN: "Send back to planning",
    TransitionAction.START_PARALLEL_SUPPORT: "Start parallel support",
    TransitionAction.COMPLETE: "Complete the transition",
}


class Side(enum.StrEnum):
    """Which team an actor works in for this transition."""

    SENDING = "sending"
    RECEIVING = "receiving"


#: The scheduler's jobs act as the system (no signed-in user); only escalation allows it.
SYSTEM = "system"
CLINICAL = frozenset({AccessRole.CLINICIAN.value, AccessRole.MANAGER.value})
MANAGERS = frozenset({AccessRole.MANAGER.value})
EITHER = frozenset(Side)
RECEIVING = frozenset({Side.RECEIVING})


def _refusal(current: TransitionState, action: TransitionAction) -> str:
    return (
        f"A transition that is “{current.label.lower()}” cannot be given the action "
        f"“{action.label.lower()}”"
    )


S = TransitionState
TRANSITION_RULES: dict[TransitionAction, Rule[TransitionState]] = {
    # Named workers on each side, a joint meeting date and a planned handover date.
    TransitionAction.PLAN: Rule(frozenset({S.IDENTIFIED}), S.PLANNING, CLINICAL),
    TransitionAction.RECORD_MEETING: Rule(frozenset({S.PLANNING}), S.JOINT_MEETING_HELD, CLINICAL),
    # Only the receiving side accepts, and only after meeting the person with the sender.
    TransitionAction.ACCEPT: Rule(frozenset({S.JOINT_MEETING_HELD}), S.ACCEPTED, CLINICAL),
    TransitionAction.DECLINE: Rule(
        frozenset({S.PLANNING, S.JOINT_MEETING_HELD}), S.DECLINED_BY_RECEIVER, CLINICAL
    ),
    # A decline escalates at once; a stall is escalated by the scheduler (or a manager).
    TransitionAction.ESCALATE: Rule(
        frozenset({S.IDENTIFIED, S.PLANNING, S.JOINT_MEETING_HELD, S.DECLINED_BY_RECEIVER}),
        S.ESCALATED,
        MANAGERS | {SYSTEM},
    ),
    # The managers have resolved it: a new plan with a new date.
    TransitionAction.REPLAN: Rule(frozenset({S.ESCALATED}), S.PLANNING, MANAGERS),
    TransitionAction.START_PARALLEL_SUPPORT: Rule(
        frozenset({S.ACCEPTED}), S.PARALLEL_SUPPORT, CLINICAL
    ),
    # Completion ends the sending episode; the receiving lead worker carries on.
    TransitionAction.COMPLETE: Rule(frozenset({S.PARALLEL_SUPPORT}), S.COMPLETED, CLINICAL),
}
TRANSITION_STATES = StateTable("A transition", TRANSITION_RULES, refusal=_refusal)

# A handover has two teams: besides the role, some actions belong to one side only.
ACTING_SIDES: dict[TransitionAction, frozenset[Side]] = {
    action: RECEIVING if action in {TransitionAction.ACCEPT, TransitionAction.DECLINE} else EITHER
    for action in TransitionAction
}


def next_state(current: TransitionState, action: TransitionAction) -> TransitionState:
    """The state an action leads to, or InvalidTransition (409) with a plain message."""
    return TRANSITION_STATES.next(current, action)


def check_permission(action: TransitionAction, role: str, sides: Iterable[Side]) -> None:
    """PermissionDenied (403) unless the role may take the action from a side it is on."""
    if not TRANSITION_STATES.permits(action, role):
        raise PermissionDenied("Your role cannot take this action on a transition")
    acting = ACTING_SIDES[action]
    if role != SYSTEM and not acting & frozenset(sides):
        side = "receiving" if acting == RECEIVING else "sending or receiving"
        raise PermissionDenied(f"Only the {side} team can take this action")


def available_actions(
    current: TransitionState, role: str, sides: Iterable[Side]
) -> list[TransitionAction]:
    """The actions this actor may take now (the transition page offers only these)."""
    on = frozenset(sides)
    return [
        action
        for action in TRANSITION_STATES.actions_now(current, role)
        if ACTING_SIDES[action] & on
    ]
