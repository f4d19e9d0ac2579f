"""Alerts to staff about transitions, sent as the `staff-alert` signal (`hubs.core.alerts`).

Another feature turns each alert into a task for each recipient, once per `dedupe_key`, so
the same escalation sent twice is still one task. Titles carry no clinical free text and no
names: the task links to the transition page, which checks access.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.orm import Session

from hubs.core.alerts import staff_alert
from hubs.pathways.models import Transition
from hubs.staff.models import MembershipKind, TeamMembership, User

TRANSITION_PATH = "/transitions/{id}"


def transition_path(transition_id: int) -> str:
    """The transition page's path (jobs run without a request, so no url_for)."""
    return TRANSITION_PATH.format(id=transition_id)


def team_ids(transition: Transition) -> list[int]:
    """The sending episode's hub and the receiving hub, once each."""
    ids = [transition.sending_episode.team_id]
    if transition.receiving_team_id is not None and transition.receiving_team_id not in ids:
        ids.append(transition.receiving_team_id)
    return ids


def managers_of(session: Session, hubs: Iterable[int]) -> list[int]:
    """Active team managers of these hubs."""
    return list(
        session.scalars(
            sa.select(User.id)
            .join(TeamMembership, TeamMembership.user_id == User.id)
            .where(
                TeamMembership.team_id.in_(list(hubs)),
                TeamMembership.kind == MembershipKind.MANAGER,
                User.is_active.is_(True),
            )
            .distinct()
            .order_by(User.id)
        )
    )


def alert(
    transition: Transition, recipient_ids: Iterable[int], *, kind: str, title: str, dedupe_key: str
) -> list[int]:
    """Send one staff alert about a transition; returns the recipients (none: not sent)."""
    recipients = sorted(set(recipient_ids))
    if recipients:
        staff_alert.send(
            transition,
            recipient_ids=recipients,
            person_id=transition.person_id,
            kind=kind,
            title=title,
            link=transition_path(transition.id),
            dedupe_key=dedupe_key,
        )
    return recipients


def alert_escalation(session: Session, transition: Transition) -> list[int]:
    """Both managers, sending and receiving, hear of an escalation (DESIGN §3 rule 3)."""
    reason = transition.escalation_reason.label if transition.escalation_reason else "escalated"
    return alert(
        transition,
        managers_of(session, team_ids(transition)),
        kind="transition-escalated",
        title=f"{transition.kind.label} transition escalated: {reason}",
        dedupe_key=f"transition-escalated:{transition.id}:{transition.escalation_count}",
    )


def alert_identified(session: Session, transition: Transition) -> list[int]:
    """The sending lead worker and both managers hear a transition needs planning."""
    recipients = [transition.sending_episode.lead_worker_id]
    recipients += managers_of(session, team_ids(transition))
    return alert(
        transition,
        recipients,
        kind="transition-identified",
        title=f"{transition.kind.label} transition to plan",
        dedupe_key=f"transition-identified:{transition.id}",
    )
