"""The referral and episode state machines, as tables.

There is no "rejected": a referral ends accepted, signposted to a named service with a warm
handover, withdrawn by the person, or entered in error (DESIGN §3 rule 2, "No wrong door").
Only the service's transition function writes a status, and only through these tables.
"""

from __future__ import annotations

import enum

from hubs.core.access import AccessRole
from hubs.core.states import Rule, StateTable


class ReferralStatus(enum.StrEnum):
    RECEIVED = "received"
    TRIAGED = "triaged"
    ACCEPTED = "accepted"
    SIGNPOSTED = "signposted"
    WITHDRAWN = "withdrawn"
    ENTERED_IN_ERROR = "entered_in_error"

    @property
    def is_open(self) -> bool:
        return self in OPEN_REFERRAL_STATUSES

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


OPEN_REFERRAL_STATUSES = frozenset({ReferralStatus.RECEIVED, ReferralStatus.TRIAGED})


class ReferralAction(enum.StrEnum):
    TRIAGE = "triage"
    ACCEPT = "accept"
    SIGNPOST = "signpost"
    WITHDRAW = "withdraw"
    ENTER_IN_ERROR = "enter_in_error"

    @property
    def label(self) -> str:
        return ACTION_LABELS[self]


ACTION_LABELS = {
    ReferralAction.TRIAGE: "Record MDT triage decision",
    ReferralAction.ACCEPT: "Accept and allocate a lead worker",
    ReferralAction.SIGNPOST: "Signpost or transfer to a named service",
    ReferralAction.WITHDRAW: "Record withdrawal by the person",
    ReferralAction.ENTER_IN_ERROR: "Mark as entered in error",
}

CLINICAL = frozenset({AccessRole.CLINICIAN, AccessRole.MANAGER})
CLINICAL_AND_ADMIN = CLINICAL | {AccessRole.HUB_ADMIN}


REFERRAL_TRANSITIONS: dict[ReferralAction, Rule[ReferralStatus]] = {
    # The MDT confirms priority and records its rationale.
    ReferralAction.TRIAGE: Rule(
        frozenset({ReferralStatus.RECEIVED}), ReferralStatus.TRIAGED, CLINICAL
    ),
    # Acceptance opens an episode with a named lead worker.
    ReferralAction.ACCEPT: Rule(
        frozenset({ReferralStatus.TRIAGED}), ReferralStatus.ACCEPTED, CLINICAL
    ),
    # Crisis routing may signpost straight from received: an emergency cannot wait for MDT.
    ReferralAction.SIGNPOST: Rule(
        frozenset({ReferralStatus.RECEIVED, ReferralStatus.TRIAGED}),
        ReferralStatus.SIGNPOSTED,
        CLINICAL,
    ),
    ReferralAction.WITHDRAW: Rule(
        frozenset({ReferralStatus.RECEIVED, ReferralStatus.TRIAGED}),
        ReferralStatus.WITHDRAWN,
        CLINICAL_AND_ADMIN,
    ),
    ReferralAction.ENTER_IN_ERROR: Rule(
        frozenset({ReferralStatus.RECEIVED, ReferralStatus.TRIAGED}),
        ReferralStatus.ENTERED_IN_ERROR,
        frozenset({AccessRole.MANAGER, AccessRole.HUB_ADMIN}),
    ),
}
REFERRAL_STATES = StateTable("A referral", REFERRAL_TRANSITIONS)


def next_status(current: ReferralStatus, action: ReferralAction) -> ReferralStatus:
    """The status an action leads to, or InvalidTransition (409) with a plain message."""
    return REFERRAL_STATES.next(current, action)


def available_actions(current: ReferralStatus, role: str) -> list[ReferralAction]:
    """The actions a role may take now (the referral page shows only these)."""
    return REFERRAL_STATES.actions_now(current, role)


class EpisodeStatus(enum.StrEnum):
    PLANNED = "planned"
    ACTIVE = "active"
    FINISHED = "finished"


class EpisodeAction(enum.StrEnum):
    START = "start"
    FINISH = "finish"


EPISODE_TRANSITIONS: dict[EpisodeAction, Rule[EpisodeStatus]] = {
    EpisodeAction.START: Rule(frozenset({EpisodeStatus.PLANNED}), EpisodeStatus.ACTIVE),
    EpisodeAction.FINISH: Rule(
        frozenset({EpisodeStatus.PLANNED, EpisodeStatus.ACTIVE}), EpisodeStatus.FINISHED
    ),
}
EPISODE_STATES = StateTable(
    "An episode",
    EPISODE_TRANSITIONS,
    refusal=lambda current, action: f"An episode that is {current.value} cannot {action.value}",
)


def next_episode_status(current: EpisodeStatus, action: EpisodeAction) -> EpisodeStatus:
    return EPISODE_STATES.next(current, action)
