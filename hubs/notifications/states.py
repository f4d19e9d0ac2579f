"""The outbox's lifecycle, as a table: a queued message is sent, fails for good, or is
cancelled because the person no longer wants messages. Retries keep it queued. A message
that has left the queue is never sent again."""

from __future__ import annotations

import enum

from hubs.core.states import Rule, StateTable
from hubs.notifications.models import OutboxStatus


class OutboxAction(enum.StrEnum):
    SEND = "send"
    FAIL = "fail"
    CANCEL = "cancel"


QUEUED = frozenset({OutboxStatus.QUEUED})
OUTBOX_STATES = StateTable(
    "A message",
    {
        OutboxAction.SEND: Rule(QUEUED, OutboxStatus.SENT),
        OutboxAction.FAIL: Rule(QUEUED, OutboxStatus.FAILED),
        OutboxAction.CANCEL: Rule(QUEUED, OutboxStatus.CANCELLED),
    },
)
