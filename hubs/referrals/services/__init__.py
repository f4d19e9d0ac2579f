"""The verbs of referrals: intake, the hub's decisions, episodes of care, clock events.

Services take the actor and values explicitly, flush but never commit, and raise domain
errors. Callers use this package's names; the modules split them by meaning.
"""

from hubs.referrals.services.common import (
    clock_event_recorded,
    get_service,
    record_clock_event,
)
from hubs.referrals.services.decisions import (
    accept,
    enter_in_error,
    episode_opened,
    fast_track,
    referral_transitioned,
    signpost,
    triage,
    withdraw,
)
from hubs.referrals.services.episodes import (
    add_to_care_team,
    episode_finishing,
    finish_episode,
    leave_care_team,
    reassign_lead_worker,
    start_episode,
)
from hubs.referrals.services.intake import (
    INTAKE_ROLES,
    DuplicateReferral,
    NeedInput,
    ReferralInput,
    SubmissionKeyUsed,
    open_referrals_for,
    receive_referral,
    receive_referral_for_new_person,
    referral_received,
    self_refer,
    team_for_person,
)

__all__ = [
    "INTAKE_ROLES",
    "DuplicateReferral",
    "NeedInput",
    "ReferralInput",
    "SubmissionKeyUsed",
    "accept",
    "add_to_care_team",
    "clock_event_recorded",
    "enter_in_error",
    "episode_finishing",
    "episode_opened",
    "fast_track",
    "finish_episode",
    "get_service",
    "leave_care_team",
    "open_referrals_for",
    "reassign_lead_worker",
    "receive_referral",
    "receive_referral_for_new_person",
    "record_clock_event",
    "referral_received",
    "referral_transitioned",
    "self_refer",
    "signpost",
    "start_episode",
    "team_for_person",
    "triage",
    "withdraw",
]
