"""Wiring you can see: every app the factory builds has the features' receivers connected,
once each, and no feature adds pages to another feature's blueprint."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from blinker import ANY, NamedSignal
from flask import Flask

from hubs import create_app
from hubs.activity import feed
from hubs.config import TestingConfig
from hubs.core.alerts import staff_alert
from hubs.core.signals import hub_signals
from hubs.notifications import receivers as notifications
from hubs.pathways import receivers as pathways
from hubs.people import access as people_access
from hubs.referrals.services import episode_finishing, referral_received, referral_transitioned

# The rules other features must not be able to skip: an episode never ends into nothing (no
# gap while a transition is under way; no discharge without an onward plan), and a return
# within 6 months is fast-tracked.
PATHWAYS_RULES: list[tuple[NamedSignal, Callable[..., Any]]] = [
    (episode_finishing, pathways.refuse_to_end_into_nothing),
    (referral_received, pathways.fast_track_return),
]
NOTIFICATIONS: list[tuple[NamedSignal, Callable[..., Any]]] = [
    (staff_alert, notifications.on_staff_alert),
    (referral_received, notifications.on_referral_received),
    (referral_transitioned, notifications.on_referral_transitioned),
]


def _receivers(signal: NamedSignal) -> list[Callable[..., Any]]:
    return list(signal.receivers_for(ANY))


def _connections() -> dict[str, int]:
    return {name: len(signal.receivers) for name, signal in hub_signals.items()}


def _assert_wired() -> None:
    for signal, receiver in PATHWAYS_RULES + NOTIFICATIONS:
        assert receiver in _receivers(signal), f"{receiver.__name__} not on {signal.name}"
    for signal, receiver in feed._RECEIVERS.items():
        assert receiver in _receivers(signal), f"activity feed not on {signal.name}"


def test_the_app_under_test_keeps_the_no_gap_and_onward_plan_rules(app: Flask) -> None:
    _assert_wired()


def test_every_app_the_factory_builds_is_wired_once() -> None:
    create_app(TestingConfig)
    _assert_wired()
    before = _connections()
    relationships = list(people_access._RELATIONSHIPS)
    for _ in range(2):
        create_app(TestingConfig)
        _assert_wired()
    assert _connections() == before  # connecting again changes nothing
    assert relationships == people_access._RELATIONSHIPS
    # A receiver is called once per signal, however many apps were built.
    for signal, receiver in PATHWAYS_RULES + NOTIFICATIONS:
        assert _receivers(signal).count(receiver) == 1


def test_the_reasons_to_see_a_person_are_registered(app: Flask) -> None:
    names = {rule.__name__ for rule in people_access._RELATIONSHIPS}
    assert names == {"person_via_referrals", "person_via_break_glass", "person_via_transitions"}


def _feature(module: str) -> str:
    return ".".join(module.split(".")[:2])


def test_no_feature_adds_pages_to_another_features_blueprint(app: Flask) -> None:
    for rule in app.url_map.iter_rules():
        blueprint_name = rule.endpoint.rpartition(".")[0]
        blueprint = app.blueprints.get(blueprint_name)
        if blueprint is None or not blueprint.import_name.startswith("hubs."):
            continue  # the app's static files, flask-smorest's own documentation pages
        view = app.view_functions[rule.endpoint]
        assert _feature(view.__module__) == _feature(blueprint.import_name), (
            f"{view.__module__} adds {rule} to {blueprint_name} ({blueprint.import_name})"
        )
