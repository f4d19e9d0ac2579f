"""The signals the feed listens to are sent by the services, with the record and the actor."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from hubs.core.signals import hub_signals
from tests.activity import scenario

NEW_SIGNALS = (
    "clock-event-recorded",
    "health-check-recorded",
    "employment-status-recorded",
    "ips-referral-made",
    "ips-outcome-recorded",
    "signposting-outcome-recorded",
    "feedback-given",
)


@contextmanager
def _heard(names: tuple[str, ...]) -> Iterator[dict[str, list[tuple[Any, dict[str, Any]]]]]:
    heard: dict[str, list[tuple[Any, dict[str, Any]]]] = {name: [] for name in names}
    receivers = {}
    for name in names:

        def receiver(sender: Any, _name: str = name, **kwargs: Any) -> None:
            heard[_name].append((sender, kwargs))

        receivers[name] = receiver
        hub_signals.signal(name).connect(receiver)
    try:
        yield heard
    finally:
        for name, receiver in receivers.items():
            hub_signals.signal(name).disconnect(receiver)


def test_services_send_the_signals_the_activity_feed_listens_to(world):
    with _heard(NEW_SIGNALS) as heard:
        scenario.build(world)
    assert all(heard[name] for name in NEW_SIGNALS), {n: len(h) for n, h in heard.items()}
    for name in NEW_SIGNALS[1:]:
        for sender, kwargs in heard[name]:
            assert sender.id is not None and sender.person_id is not None
            assert kwargs["actor"].id is not None
    kinds = {sender.kind.value for sender, _ in heard["clock-event-recorded"]}
    assert kinds >= {
        "first_contact",
        "second_contact",
        "assessment",
        "care_plan_agreed",
        "first_intervention",
        "baseline_measure",
        "eip_package_started",
    }
    assert len(heard["ips-outcome-recorded"]) == 2  # accepted, then into work
