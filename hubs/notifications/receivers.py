"""Subscriptions: staff alerts become tasks; referral changes become messages to the person.

Connected to their signals by `hubs.notifications.wiring.init_app`. Receivers run inside
the sender's transaction, so a task or a queued message is kept or rolled back with the
event that caused it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session, object_session
from sqlalchemy.orm.exc import UnmappedInstanceError

from hubs.extensions import db
from hubs.notifications import services
from hubs.referrals.models import Referral
from hubs.referrals.states import ReferralStatus


def _session_for(sender: object, given: Session | None) -> Session:
    if given is not None:
        return given
    try:
        found = object_session(sender) if sender is not None else None
    except UnmappedInstanceError:
        found = None
    return found or db.session


def on_staff_alert(
    sender: object,
    *,
    recipient_ids: list[int],
    person_id: int | None,
    kind: str,
    title: str,
    link: str | None,
    dedupe_key: str,
    detail: str = "",
    session: Session | None = None,
    **_: Any,
) -> int:
    """One task per recipient; a repeat with the same dedupe key creates nothing."""
    return services.raise_tasks(
        _session_for(sender, session),
        recipient_ids,
        kind=kind,
        title=title,
        dedupe_key=dedupe_key,
        person_id=person_id,
        link=link,
        detail=detail,
    )


# What the person is told at each step; entered in error is a record-keeping fix, not news.
STATUS_MESSAGES = {
    ReferralStatus.RECEIVED: "referral_received",
    ReferralStatus.TRIAGED: "referral_triaged",
    ReferralStatus.ACCEPTED: "referral_accepted",
    ReferralStatus.SIGNPOSTED: "referral_signposted",
    ReferralStatus.WITHDRAWN: "referral_withdrawn",
}


def keep_informed(referral: Referral) -> None:
    """Queue a plain-words message about the referral's new state ("kept informed while
    waiting"), if the person chose to get messages. Once per referral and state."""
    template_key = STATUS_MESSAGES.get(referral.status)
    if template_key is None:
        return
    session = _session_for(referral, None)
    person = referral.person
    services.queue_message(
        session,
        person,
        template_key=template_key,
        personalisation={
            "first_name": person.given_name[:60],
            "hub_name": referral.team.name[:60],
        },
        dedupe_key=f"referral:{referral.id}:{referral.status.value}",
    )


def on_referral_received(referral: Referral, **_: Any) -> None:
    keep_informed(referral)


def on_referral_transitioned(referral: Referral, **_: Any) -> None:
    keep_informed(referral)
