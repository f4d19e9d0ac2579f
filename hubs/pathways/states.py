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
from dataclasses import dataclass

from hubs.core.access import AccessRole
from hubs.core.errors import InvalidTransition, PermissionDenied


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


@dataclass(frozen=True)
class Rule:
    sources: frozenset[TransitionState]
    target: TransitionState
    roles: frozenset[str]
    sides: frozenset[Side]


S = TransitionState
TRANSITION_RULES: dict[TransitionAction, Rule] = {
    # Named workers on each side, a joint meeting date and a planned handover date.
    TransitionAction.PLAN: Rule(frozenset({S.IDENTIFIED}), S.PLANNING, CLINICAL, EITHER),
    TransitionAction.RECORD_MEETING: Rule(
        frozenset({S.PLANNING}), S.JOINT_MEETING_HELD, CLINICAL, EITHER
    ),
    # Only the receiving side accepts, and only after meeting the person with the sender.
    TransitionAction.ACCEPT: Rule(
        frozenset({S.JOINT_MEETING_HELD}), S.ACCEPTED, CLINICAL, RECEIVING
    ),
    TransitionAction.DECLINE: Rule(
        frozenset({S.PLANNING, S.JOINT_MEETING_HELD}),
        S.DECLINED_BY_RECEIVER,
        CLINICAL,
        RECEIVING,
    ),
    # A decline escalates at once; a stall is escalated by the scheduler (or a manager).
    TransitionAction.ESCALATE: Rule(
        frozenset({S.IDENTIFIED, S.PLANNING, S.JOINT_MEETING_HELD, S.DECLINED_BY_RECEIVER}),
        S.ESCALATED,
        MANAGERS | {SYSTEM},
        EITHER,
    ),
    # The managers have resolved it: a new plan with a new date.
    TransitionAction.REPLAN: Rule(frozenset({S.ESCALATED}), S.PLANNING, MANAGERS, EITHER),
    TransitionAction.START_PARALLEL_SUPPORT: Rule(
        frozenset({S.ACCEPTED}), S.PARALLEL_SUPPORT, CLINICAL, EITHER
    ),
    # Completion ends the sending episode; the receiving lead worker carries on.
    TransitionAction.COMPLETE: Rule(frozenset({S.PARALLEL_SUPPORT}), S.COMPLETED, CLINICAL, EITHER),
}


def next_state(current: TransitionState, action: TransitionAction) -> TransitionState:
    """The state an action leads to, or InvalidTransition (409) with a plain message."""
    rule = TRANSITION_RULES[action]
    if current not in rule.sources:
        raise InvalidTransition(
            f"A transition that is “{current.label.lower()}” cannot be given the action "
            f"“{action.label.lower()}”"
        )
    return rule.target


def check_permission(action: TransitionAction, role: str, sides: Iterable[Side]) -> None:
    """PermissionDenied (403) unless the role may take the action from a side it is on."""
    rule = TRANSITION_RULES[action]
    if role not in rule.roles:
        raise PermissionDenied("Your role cannot take this action on a transition")
    if role != SYSTEM and not rule.sides & frozenset(sides):
        side = "receiving" if rule.sides == RECEIVING else "sending or receiving"
        raise PermissionDenied(f"Only the {side} team can take this action")


def available_actions(
    current: TransitionState, role: str, sides: Iterable[Side]
) -> list[TransitionAction]:
    """The actions this actor may take now (the transition page offers only these)."""
    on = frozenset(sides)
    return [
        action
        for action, rule in TRANSITION_RULES.items()
        if current in rule.sources and role in rule.roles and rule.sides & on
    ]
