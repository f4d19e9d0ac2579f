"""The verbs of transitions: identify, plan, meet, accept or decline, escalate, hand over,
and the checklist.

Services take the actor explicitly (None is the scheduler), flush but never commit, and
raise domain errors. Only `base.move` writes a transition's state: it checks the state
table, appends the history row, writes the audit row and sends `transition-transitioned`.
Callers import everything from here.
"""

from hubs.pathways.services.base import (
    OPEN_EPISODE,
    check_action,
    check_step_down_service,
    flush_transition,
    open_transition_for,
    step_down_services,
    transition_completed,
    transition_started,
    transition_transitioned,
)
from hubs.pathways.services.checklist import missing_checklist, tick
from hubs.pathways.services.handover import (
    PlanInput,
    accept,
    complete,
    decline,
    escalate,
    escalate_if_stalled,
    finish_handover,
    is_stalled,
    plan,
    record_meeting,
    replan,
    start_parallel_support,
)
from hubs.pathways.services.identify import (
    StartInput,
    default_planned_on,
    episode_started_on,
    identify_due,
    start_transition,
)

__all__ = [
    "OPEN_EPISODE",
    "PlanInput",
    "StartInput",
    "accept",
    "check_action",
    "check_step_down_service",
    "complete",
    "decline",
    "default_planned_on",
    "episode_started_on",
    "escalate",
    "escalate_if_stalled",
    "finish_handover",
    "flush_transition",
    "identify_due",
    "is_stalled",
    "missing_checklist",
    "open_transition_for",
    "plan",
    "record_meeting",
    "replan",
    "start_parallel_support",
    "start_transition",
    "step_down_services",
    "tick",
    "transition_completed",
    "transition_started",
    "transition_transitioned",
]
