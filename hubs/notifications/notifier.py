"""How messages leave the system: a notifier interface and its two implementations.

`LogNotifier` (the default) delivers nothing: it records the message as sent and logs
that it did so, without personal data, so development and tests never reach anyone.
`GovUkNotifyNotifier` sends through GOV.UK Notify with `notifications-python-client`.
`notifier_from_config` picks one from the app's settings (see README, "Notifications").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

import structlog

from hubs.notifications.models import Channel


def log() -> structlog.typing.FilteringBoundLogger:
    """A fresh logger each time: a cached one would miss a reconfiguration (and the tests'
    captured logs)."""
    return structlog.get_logger(__name__)  # type: ignore[no-any-return]


@dataclass(frozen=True)
class Recipient:
    """Where a message goes, read from the person's record when it is sent."""

    phone_number: str | None = None
    email_address: str | None = None
    address_lines: tuple[str, ...] = ()


@dataclass(frozen=True)
class OutgoingMessage:
    channel: Channel
    template_key: str
    personalisation: dict[str, str]
    recipient: Recipient
    # Our reference, echoed back by the provider: the outbox id, never personal data.
    reference: str


@dataclass(frozen=True)
class SendResult:
    provider_reference: str


class DeliveryError(Exception):
    """A message could not be sent; `retryable` says whether trying again may help."""

    def __init__(self, reason: str, *, retryable: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retryable = retryable


class Notifier(Protocol):
    name: str

    def send(self, message: OutgoingMessage) -> SendResult: ...


class LogNotifier:
    """Writes the message to the outbox log only (development, tests, demos)."""

    name = "log"

    def send(self, message: OutgoingMessage) -> SendResult:
        # Ids and the template only: the log must never hold a name, number or address.
        log().info(
            "message_logged_not_sent",
            reference=message.reference,
            channel=message.channel.value,
            template=message.template_key,
        )
        return SendResult(provider_reference=f"log-{message.reference}")


class NotifyClient(Protocol):
    """The part of `notifications_python_client.NotificationsAPIClient` we use."""

    def send_sms_notification(self, **kwargs: Any) -> dict[str, Any]: ...
    def send_email_notification(self, **kwargs: Any) -> dict[str, Any]: ...
    def send_letter_notification(self, **kwargs: Any) -> dict[str, Any]: ...


# Notify answers these for a bad request or a bad key: sending again cannot succeed.
PERMANENT_STATUSES = frozenset({400, 403})
LETTER_ADDRESS_LINES = 7


@dataclass
class GovUkNotifyNotifier:
    """Sends through GOV.UK Notify; each template key maps to a Notify template id."""

    client: NotifyClient
    template_ids: Mapping[str, str]
    name: str = field(default="govuk_notify")

    def send(self, message: OutgoingMessage) -> SendResult:
        template_id = self.template_ids.get(message.template_key)
        if not template_id:
            raise DeliveryError(
                f"no Notify template id configured for {message.template_key}", retryable=False
            )
        try:
            response = self._post(message, template_id)
        except DeliveryError:
            raise
        except Exception as error:  # the client raises its own HTTP and network errors
            raise _delivery_error(error) from error
        return SendResult(provider_reference=str(response["id"]))

    def _post(self, message: OutgoingMessage, template_id: str) -> dict[str, Any]:
        common = {
            "template_id": template_id,
            "personalisation": dict(message.personalisation),
            "reference": message.reference,
        }
        recipient = message.recipient
        if message.channel == Channel.SMS and recipient.phone_number:
            return self.client.send_sms_notification(phone_number=recipient.phone_number, **common)
        if message.channel == Channel.EMAIL and recipient.email_address:
            return self.client.send_email_notification(
                email_address=recipient.email_address, **common
            )
        if message.channel == Channel.LETTER and len(recipient.address_lines) >= 3:
            lines = recipient.address_lines[:LETTER_ADDRESS_LINES]
            common["personalisation"].update(
                {f"address_line_{n}": line for n, line in enumerate(lines, start=1)}
            )
            return self.client.send_letter_notification(**common)
        raise DeliveryError(f"no {message.channel.value} address for this person", retryable=False)


def _delivery_error(error: Exception) -> DeliveryError:
    """Notify's errors name the status; their text may echo what we sent, so keep only that."""
    status = getattr(error, "status_code", None)
    if isinstance(status, int):
        return DeliveryError(
            f"Notify answered {status}", retryable=status not in PERMANENT_STATUSES
        )
    return DeliveryError(f"could not reach Notify ({type(error).__name__})", retryable=True)


def notifier_from_config(config: Mapping[str, Any]) -> Notifier:
    """The notifier the settings name: "log" (default) or "govuk_notify"."""
    choice = config.get("NOTIFIER", "log")
    if choice == "log":
        return LogNotifier()
    if choice == "govuk_notify":
        from notifications_python_client.notifications import NotificationsAPIClient

        key = config.get("NOTIFY_API_KEY") or ""
        if not key:
            raise RuntimeError("HUBS_NOTIFIER=govuk_notify needs HUBS_NOTIFY_API_KEY")
        return GovUkNotifyNotifier(
            client=NotificationsAPIClient(key), template_ids=config.get("NOTIFY_TEMPLATE_IDS", {})
        )
    raise RuntimeError(f"HUBS_NOTIFIER must be 'log' or 'govuk_notify', not {choice!r}")
