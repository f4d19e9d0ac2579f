"""Outbox delivery: send queued messages through the configured notifier (DESIGN §7).

Runs in the scheduler process, inside the runner's one transaction. A message is sent
only while it is queued, and marked sent in the same pass, so a run repeated for the same
period sends nothing again. A failure is retried with growing gaps until the attempts
run out, then left failed for staff to follow up another way.

One limit is stated rather than hidden: the provider is called before the transaction
commits, so if the commit itself fails the batch is sent again next run. Batches are
small to keep that window small; Notify's `reference` (the outbox id) lets duplicates be
traced.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session

from hubs.core import audit
from hubs.extensions import db
from hubs.notifications.models import Channel, OutboxMessage, OutboxStatus
from hubs.notifications.notifier import (
    DeliveryError,
    Notifier,
    OutgoingMessage,
    Recipient,
    notifier_from_config,
)
from hubs.notifications.services import channel_for
from hubs.notifications.states import OUTBOX_STATES, OutboxAction
from hubs.people.models import Person

FIRST_RETRY = dt.timedelta(minutes=2)


def current_notifier() -> Notifier:
    """The app's notifier, built once from its settings (tests may put their own here)."""
    extensions = current_app.extensions
    if "hubs_notifier" not in extensions:
        extensions["hubs_notifier"] = notifier_from_config(current_app.config)
    return extensions["hubs_notifier"]  # type: ignore[no-any-return]


def deliver_outbox(now: dt.datetime, notifier: Notifier | None = None) -> int:
    """Send each queued message that is due; returns how many changed state."""
    session = db.session
    sender = notifier or current_notifier()
    max_attempts = current_app.config["OUTBOX_MAX_ATTEMPTS"]
    due = session.scalars(
        sa.select(OutboxMessage.id)
        .where(OutboxMessage.status == OutboxStatus.QUEUED, OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(current_app.config["OUTBOX_BATCH_SIZE"])
    ).all()
    return sum(_deliver(session, message_id, sender, now, max_attempts) for message_id in due)


def _deliver(
    session: Session, message_id: int, notifier: Notifier, now: dt.datetime, max_attempts: int
) -> int:
    message = session.get(OutboxMessage, message_id, with_for_update=True)
    if message is None or not OUTBOX_STATES.allowed(message.status, OutboxAction.SEND):
        return 0  # sent (or settled) meanwhile: never send twice
    person = message.person
    channel = channel_for(person)
    if channel is None:
        message.status = OUTBOX_STATES.next(message.status, OutboxAction.CANCEL)
        message.last_error = "The person no longer wants messages, or left no contact details"
        return 1
    message.channel = channel
    message.attempts += 1
    try:
        result = notifier.send(_outgoing(message, person, channel))
    except DeliveryError as error:
        _retry_or_fail(message, error, now, max_attempts)
        return 1
    except Exception as error:  # a bug or an outage must not undo the messages already sent
        _retry_or_fail(
            message, DeliveryError(type(error).__name__, retryable=True), now, max_attempts
        )
        return 1
    message.status = OUTBOX_STATES.next(message.status, OutboxAction.SEND)
    message.sent_at = now
    message.provider_reference = result.provider_reference[:100]
    message.last_error = None
    audit.record(
        "message.send", actor=None, record_type="message", record_id=message.id, person_id=person.id
    )
    return 1


def _outgoing(message: OutboxMessage, person: Person, channel: Channel) -> OutgoingMessage:
    recipient = Recipient(
        phone_number=person.mobile_phone if channel == Channel.SMS else None,
        email_address=person.email if channel == Channel.EMAIL else None,
    )
    return OutgoingMessage(
        channel=channel,
        template_key=message.template_key,
        personalisation=dict(message.personalisation),
        recipient=recipient,
        reference=f"hubs-outbox-{message.id}",
    )


def _retry_or_fail(
    message: OutboxMessage, error: DeliveryError, now: dt.datetime, max_attempts: int
) -> None:
    message.last_error = error.reason[:300]
    if not error.retryable or message.attempts >= max_attempts:
        message.status = OUTBOX_STATES.next(message.status, OutboxAction.FAIL)
        return
    message.next_attempt_at = now + FIRST_RETRY * 2 ** (message.attempts - 1)
