"""How pathways keeps its rules when other features act (connected by `wiring.init_app`).

- `episode-finishing`: refuse to end an episode while a transition from or into it is under
  way (the no-gap rule, DESIGN §3 rule 3), or other than as the end of a completed
  transition or a discharge with an onward plan (rule 4), whoever asks.
- `referral-received`: a referral back to a hub within 6 months of a discharge is
  fast-tracked (DESIGN §3 rule 4, "how to come back").
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import object_session

from hubs.core.errors import InvalidTransition, ValidationError
from hubs.directory.models import ServiceKind
from hubs.pathways.discharge import (
    blocking_transition,
    fast_track_plan,
    gap_message,
    handed_over,
    has_onward_plan,
)
from hubs.referrals import services as referral_services
from hubs.referrals.models import Episode, Referral


def refuse_to_end_into_nothing(episode: Episode, **_: Any) -> None:
    """An episode ends only when no transition from or into it is under way, and only as
    the end of a completed transition or a discharge with a complete onward plan."""
    session = object_session(episode)
    assert session is not None  # a loaded episode always belongs to a session
    blocking = blocking_transition(session, episode)
    if blocking is not None:
        raise InvalidTransition(gap_message(blocking, episode))
    if not (handed_over(session, episode) or has_onward_plan(session, episode)):
        raise ValidationError(
            "An episode ends only with a completed transition or a discharge with an onward "
            "support plan",
            field="onward_plan",
        )


def fast_track_return(referral: Referral, **_: Any) -> None:
    if referral.service.kind != ServiceKind.HUB_TEAM:
        return
    session = object_session(referral)
    assert session is not None
    plan = fast_track_plan(session, referral.person_id, referral.received_on)
    if plan is None:
        return
    team = plan.episode.team.name
    referral_services.fast_track(
        session,
        referral,
        reason=(
            f"Discharged from {team} on {plan.discharged_on:%-d %B %Y}: back within 6 months, "
            "fast-tracked"
        ),
    )
