"""The state table of a person's proposed change to their safety plan (the plan itself
follows the shared plan states, `hubs.careplans.states.PLAN_STATES`)."""

from __future__ import annotations

import enum

from hubs.core.states import Rule, StateTable
from hubs.safetyplans.models import ProposalStatus


class ProposalAction(enum.StrEnum):
    ACCEPT = "accept"
    DECLINE = "decline"


# A person's proposed change to their safety plan is decided once, by their care team.
PROPOSAL_STATES = StateTable(
    "A proposal",
    {
        ProposalAction.ACCEPT: Rule(frozenset({ProposalStatus.PENDING}), ProposalStatus.ACCEPTED),
        ProposalAction.DECLINE: Rule(frozenset({ProposalStatus.PENDING}), ProposalStatus.DECLINED),
    },
    refusal=lambda current, _: f"This proposal has already been {current.value}",
    field="proposal_id",
)
