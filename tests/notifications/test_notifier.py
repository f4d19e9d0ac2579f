"""The notifier interface: the GOV.UK Notify adapter's mapping (with a stand-in client, so no
network), the log notifier, and which one the settings choose."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from structlog.testing import capture_logs

from hubs.config import TestingConfig, UnsafeConfiguration, check_notify_settings
from hubs.notifications.messages import TEMPLATES
from hubs.notifications.models import Channel
from hubs.notifications.notifier import (
    DeliveryError,
    GovUkNotifyNotifier,
    LogNotifier,
    OutgoingMessage,
    Recipient,
    notifier_from_config,
)

PERSONALISATION = {"first_name": "Ada", "hub_name": "HATCH"}
TEMPLATE_IDS = {"referral_received": "f33517ff-2a88-4f6e-b855-c550268ce08a"}


class RecordingNotifyClient:
    """Stands in for NotificationsAPIClient: records each call and answers as Notify does."""

    def __init__(self, error: Exception | None = None) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.error = error

    def _answer(self, method: str, kwargs: dict[str, Any]) -> dict[str, Any]:
        self.calls.append((method, kwargs))
        if self.error:
            raise self.error
        return {"id": "740e5834-3a29-46b4-9a6f-16142fde533a", "reference": kwargs["reference"]}

    def send_sms_notification(self, **kwargs: Any) -> dict[str, Any]:
        return self._answer("sms", kwargs)

    def send_email_notification(self, **kwargs: Any) -> dict[str, Any]:
        return self._answer("email", kwargs)

    def send_letter_notification(self, **kwargs: Any) -> dict[str, Any]:
        return self._answer("letter", kwargs)


class NotifyHttpError(Exception):
    """Shaped like notifications_python_client.errors.HTTPError (a status code)."""

    def __init__(self, status_code: int) -> None:
        super().__init__(f"{status_code} - phone_number 07700900123 is not allowed")
        self.status_code = status_code


def _message(channel: Channel = Channel.SMS, **recipient: Any) -> OutgoingMessage:
    return OutgoingMessage(
        channel=channel,
        template_key="referral_received",
        personalisation=dict(PERSONALISATION),
        recipient=Recipient(**recipient),
        reference="hubs-outbox-42",
    )


def test_notify_adapter_sends_a_text_with_the_template_id_personalisation_and_reference():
    client = RecordingNotifyClient()
    result = GovUkNotifyNotifier(client, TEMPLATE_IDS).send(_message(phone_number="07700900123"))
    assert client.calls == [
        (
            "sms",
            {
                "phone_number": "07700900123",
                "template_id": TEMPLATE_IDS["referral_received"],
                "personalisation": PERSONALISATION,
                "reference": "hubs-outbox-42",
            },
        )
    ]
    assert result.provider_reference == "740e5834-3a29-46b4-9a6f-16142fde533a"


def test_notify_adapter_sends_an_email_to_the_address():
    client = RecordingNotifyClient()
    GovUkNotifyNotifier(client, TEMPLATE_IDS).send(
        _message(Channel.EMAIL, email_address="ada@example.invalid")
    )
    method, kwargs = client.calls[0]
    assert method == "email" and kwargs["email_address"] == "ada@example.invalid"
    assert "phone_number" not in kwargs


def test_notify_adapter_puts_a_letters_address_into_the_address_lines():
    client = RecordingNotifyClient()
    lines = ("A Person", "1 Example Street", "Leeds", "LS1 1AA")
    GovUkNotifyNotifier(client, TEMPLATE_IDS).send(_message(Channel.LETTER, address_lines=lines))
    method, kwargs = client.calls[0]
    assert method == "letter"
    assert kwargs["personalisation"] == {
        **PERSONALISATION,
        "address_line_1": "A Person",
        "address_line_2": "1 Example Street",
        "address_line_3": "Leeds",
        "address_line_4": "LS1 1AA",
    }


def test_a_template_without_a_notify_id_is_a_permanent_failure():
    with pytest.raises(DeliveryError) as failed:
        GovUkNotifyNotifier(RecordingNotifyClient(), {}).send(_message(phone_number="07700900123"))
    assert not failed.value.retryable


def test_a_message_with_no_address_for_its_channel_is_a_permanent_failure():
    client = RecordingNotifyClient()
    with pytest.raises(DeliveryError) as failed:
        GovUkNotifyNotifier(client, TEMPLATE_IDS).send(_message(Channel.SMS))
    assert not failed.value.retryable and client.calls == []


@pytest.mark.parametrize(
    ("status", "retryable"), [(400, False), (403, False), (429, True), (500, True)]
)
def test_notify_errors_keep_only_the_status_and_say_whether_to_retry(status, retryable):
    client = RecordingNotifyClient(error=NotifyHttpError(status))
    with pytest.raises(DeliveryError) as failed:
        GovUkNotifyNotifier(client, TEMPLATE_IDS).send(_message(phone_number="07700900123"))
    assert failed.value.retryable is retryable
    assert "07700900123" not in failed.value.reason  # Notify's text can echo what we sent


def test_a_network_failure_is_retryable():
    client = RecordingNotifyClient(error=ConnectionError("boom"))
    with pytest.raises(DeliveryError) as failed:
        GovUkNotifyNotifier(client, TEMPLATE_IDS).send(_message(phone_number="07700900123"))
    assert failed.value.retryable


def test_log_notifier_records_the_message_without_personal_data():
    with capture_logs() as logs:
        result = LogNotifier().send(_message(phone_number="07700900123"))
    assert result.provider_reference == "log-hubs-outbox-42"
    assert logs and "07700900123" not in str(logs) and "Ada" not in str(logs)
    assert logs[0]["template"] == "referral_received"


def _fake_key() -> str:
    return f"hubs_test-{uuid.uuid4()}-{uuid.uuid4()}"


def test_settings_choose_the_notifier():
    assert isinstance(notifier_from_config({}), LogNotifier)
    chosen = notifier_from_config({"NOTIFIER": "govuk_notify", "NOTIFY_API_KEY": _fake_key()})
    assert isinstance(chosen, GovUkNotifyNotifier)
    with pytest.raises(RuntimeError):
        notifier_from_config({"NOTIFIER": "govuk_notify"})
    with pytest.raises(RuntimeError):
        notifier_from_config({"NOTIFIER": "pigeon"})


def test_tests_always_use_the_log_notifier(monkeypatch):
    assert TestingConfig.NOTIFIER == "log"


def _notify_settings(**overrides: object) -> dict[str, object]:
    settings: dict[str, object] = {
        "NOTIFIER": "govuk_notify",
        "NOTIFY_API_KEY": _fake_key(),
        "NOTIFY_KEY_TYPE": "live",
        "NOTIFY_TEMPLATE_IDS": {key: str(uuid.uuid4()) for key in TEMPLATES},
    }
    settings.update(overrides)
    return settings


@pytest.mark.parametrize("key_type", ["", "test", "team"])
def test_production_refuses_a_notify_key_not_declared_live(key_type):
    with pytest.raises(UnsafeConfiguration, match="live"):
        check_notify_settings(_notify_settings(NOTIFY_KEY_TYPE=key_type))


def test_production_refuses_notify_without_a_key_or_with_templates_missing():
    with pytest.raises(UnsafeConfiguration):
        check_notify_settings(_notify_settings(NOTIFY_API_KEY=""))
    with pytest.raises(UnsafeConfiguration, match="referral_"):
        check_notify_settings(_notify_settings(NOTIFY_TEMPLATE_IDS={}))


def test_production_accepts_a_live_key_with_every_template():
    check_notify_settings(_notify_settings())
    check_notify_settings({"NOTIFIER": "log"})


def test_a_production_app_refuses_to_start_with_a_notify_test_key(tmp_path):
    from hubs import create_app
    from hubs.config import ProductionConfig

    settings = _notify_settings(NOTIFY_KEY_TYPE="test")
    production = type(
        "ProductionWithTestKey",
        (ProductionConfig,),
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/p.db",
            "SECRET_KEY": "a-production-secret-key-of-forty-characters",
            "PSEUDONYM_KEY": "a-production-pseudonym-key-of-forty-chars",
            **settings,
        },
    )
    with pytest.raises(UnsafeConfiguration, match="HUBS_NOTIFY_KEY_TYPE"):
        create_app(production)
