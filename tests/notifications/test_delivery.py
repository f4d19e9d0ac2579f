"""Outbox delivery: sends each queued message once, retries failures up to a cap, and never
sends a message twice, nor to someone who has since stopped messages."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from hubs.core.audit import AuditEvent
from hubs.extensions import db
from hubs.notifications import services
from hubs.notifications.jobs import deliver_outbox
from hubs.notifications.models import OutboxMessage, OutboxStatus
from hubs.notifications.notifier import DeliveryError, LogNotifier, OutgoingMessage, SendResult
from hubs.people.models import ContactPreference

NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)


class RecordingNotifier:
    """A notifier that records what it was asked to send; it can be told to fail."""

    name = "recording"

    def __init__(self, failures: list[Exception] | None = None) -> None:
        self.sent: list[OutgoingMessage] = []
        self.failures = list(failures or [])

    def send(self, message: OutgoingMessage) -> SendResult:
        if self.failures:
            raise self.failures.pop(0)
        self.sent.append(message)
        return SendResult(f"provider-{len(self.sent)}")


def _queue(person, key: str = "referral:1:received") -> OutboxMessage:
    message = services.queue_message(
        db.session,
        person,
        template_key="referral_received",
        personalisation={"first_name": person.given_name, "hub_name": "HATCH"},
        dedupe_key=key,
        now=NOW,
    )
    assert message is not None
    return message


def test_delivery_run_twice_sends_each_message_once(db, texting_person):
    message = _queue(texting_person)
    notifier = RecordingNotifier()
    assert deliver_outbox(NOW, notifier) == 1
    assert deliver_outbox(NOW, notifier) == 0
    assert len(notifier.sent) == 1
    sent = notifier.sent[0]
    assert sent.recipient.phone_number == "07700900123" and sent.recipient.email_address is None
    assert sent.reference == f"hubs-outbox-{message.id}"
    assert message.status == OutboxStatus.SENT and message.sent_at == NOW
    assert message.provider_reference == "provider-1" and message.attempts == 1


def test_sending_a_message_is_in_the_persons_access_history(db, texting_person):
    message = _queue(texting_person)
    deliver_outbox(NOW, RecordingNotifier())
    row = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "message.send"))
    assert row.person_id == texting_person.id and row.record_id == str(message.id)
    assert row.actor_label == "system"


def test_a_message_not_yet_due_for_retry_waits(db, texting_person):
    _queue(texting_person)
    notifier = RecordingNotifier(failures=[DeliveryError("Notify answered 500", retryable=True)])
    assert deliver_outbox(NOW, notifier) == 1
    message = db.session.scalar(sa.select(OutboxMessage))
    assert message.status == OutboxStatus.QUEUED and message.attempts == 1
    assert message.last_error == "Notify answered 500"
    assert deliver_outbox(NOW + dt.timedelta(seconds=30), notifier) == 0  # backing off
    assert deliver_outbox(NOW + dt.timedelta(minutes=3), notifier) == 1
    assert message.status == OutboxStatus.SENT and message.attempts == 2


def test_a_message_that_keeps_failing_is_marked_failed_after_the_attempts_cap(
    app, db, texting_person
):
    _queue(texting_person)
    cap = app.config["OUTBOX_MAX_ATTEMPTS"]
    notifier = RecordingNotifier(
        failures=[DeliveryError("Notify answered 500", retryable=True)] * (cap + 3)
    )
    moment = NOW
    for _ in range(cap + 3):
        deliver_outbox(moment, notifier)
        moment += dt.timedelta(days=1)
    message = db.session.scalar(sa.select(OutboxMessage))
    assert message.status == OutboxStatus.FAILED and message.attempts == cap
    assert notifier.sent == []


def test_a_permanent_failure_is_not_retried(db, texting_person):
    _queue(texting_person)
    deliver_outbox(NOW, RecordingNotifier(failures=[DeliveryError("bad", retryable=False)]))
    message = db.session.scalar(sa.select(OutboxMessage))
    assert message.status == OutboxStatus.FAILED and message.attempts == 1


def test_a_crash_sending_one_message_does_not_undo_the_others(db, world, texting_person):
    _queue(texting_person, "a")
    _queue(texting_person, "b")
    notifier = RecordingNotifier(failures=[RuntimeError("bug")])
    assert deliver_outbox(NOW, notifier) == 2
    statuses = db.session.scalars(sa.select(OutboxMessage.status).order_by(OutboxMessage.id))
    assert list(statuses) == [OutboxStatus.QUEUED, OutboxStatus.SENT]


@pytest.mark.parametrize("preference", [ContactPreference.NO_MESSAGES, ContactPreference.NOT_ASKED])
def test_a_person_who_stops_messages_before_sending_is_not_sent_it(db, texting_person, preference):
    message = _queue(texting_person)
    texting_person.contact_preference = preference
    notifier = RecordingNotifier()
    assert deliver_outbox(NOW, notifier) == 1
    assert notifier.sent == [] and message.status == OutboxStatus.CANCELLED


def test_a_changed_number_is_used_when_the_message_is_sent(db, texting_person):
    _queue(texting_person)
    services.set_contact_preference(
        db.session,
        None,
        texting_person,
        preference=ContactPreference.EMAIL,
        email="ada@example.invalid",
    )
    notifier = RecordingNotifier()
    deliver_outbox(NOW, notifier)
    assert notifier.sent[0].recipient.email_address == "ada@example.invalid"
    assert notifier.sent[0].recipient.phone_number is None


def test_the_default_log_notifier_marks_messages_sent(db, texting_person):
    message = _queue(texting_person)
    assert deliver_outbox(NOW) == 1  # the app's configured notifier: the log, in tests
    assert message.status == OutboxStatus.SENT
    assert message.provider_reference == f"log-hubs-outbox-{message.id}"
    assert isinstance(LogNotifier(), LogNotifier)
