"""Jinja set-up: NHS.UK frontend macros, role-aware navigation and shared helpers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask, request, url_for
from flask_login import current_user
from jinja2 import ChainableUndefined, ChoiceLoader, PackageLoader

from hubs.core.access import AccessRole

# (label, endpoint) per role, in the order shown in the header.
NAVIGATION: dict[str, list[tuple[str, str]]] = {
    AccessRole.CLINICIAN: [
        ("Triage queue", "referrals.queue"),
        ("My caseload", "caseloads.mine"),
        ("People", "people.index"),
        ("My tasks", "notifications.my_tasks"),
        ("Directory", "directory.hubs"),
    ],
    AccessRole.VCSE_WORKER: [
        ("My caseload", "caseloads.mine"),
        ("Community offers", "support.offers"),
        ("People", "people.index"),
        ("My tasks", "notifications.my_tasks"),
        ("Directory", "directory.hubs"),
    ],
    AccessRole.HUB_ADMIN: [
        ("Triage queue", "referrals.queue"),
        ("People", "people.index"),
        ("My tasks", "notifications.my_tasks"),
        ("Directory", "directory.hubs"),
    ],
    AccessRole.MANAGER: [
        ("Hub caseloads", "caseloads.hubs"),
        ("Transitions", "pathways.board"),
        ("My team", "auth.my_team"),
        ("Triage queue", "referrals.queue"),
        ("People", "people.index"),
        ("My tasks", "notifications.my_tasks"),
        ("Indicators", "reporting.dashboard_page"),
        ("Directory", "directory.hubs"),
    ],
    # Analysts see suppressed indicators only (DESIGN §6): no people, no caseloads.
    AccessRole.ANALYST: [
        ("Strategy indicators", "reporting.dashboard_page"),
        ("Board pack", "reporting.board_pack"),
    ],
    AccessRole.SYSADMIN: [("Accounts", "admin.users"), ("Directory", "directory.hubs")],
    AccessRole.PERSON: [
        ("My record", "portal.home"),
        ("My care plan", "portal.my_care_plan"),
        ("My safety plan", "portal.safety_plan"),
        ("My scores", "portal.my_scores"),
        ("My referrals", "portal.my_referrals"),
        ("Moving on", "portal.my_moving_on"),
    ],
}


# endpoint -> how many open items to show beside its navigation label (e.g. "My tasks (3)").
# Features register their counter here, so this module imports none of them.
NAV_COUNTS: dict[str, Callable[[Any], int]] = {}


def register_nav_count(endpoint: str) -> Callable[[Callable[[Any], int]], Callable[[Any], int]]:
    def register(counter: Callable[[Any], int]) -> Callable[[Any], int]:
        NAV_COUNTS[endpoint] = counter
        return counter

    return register


def _label(label: str, endpoint: str) -> str:
    counter = NAV_COUNTS.get(endpoint)
    if counter is None:
        return label
    count = counter(current_user)
    return f"{label} ({count})" if count else label


def navigation() -> list[dict[str, Any]]:
    if not current_user.is_authenticated:
        return []
    items = []
    for label, endpoint in NAVIGATION.get(current_user.access_role, []):
        href = url_for(endpoint)
        items.append(
            {"text": _label(label, endpoint), "href": href, "active": request.path.startswith(href)}
        )
    return items


def init_templating(app: Flask) -> None:
    app.jinja_loader = ChoiceLoader(
        [app.jinja_loader, PackageLoader("nhsuk_frontend_jinja", "templates")]  # type: ignore[list-item]
    )
    # The NHS macros read optional nested params (params.search.action) as the Nunjucks
    # originals do; chainable undefined gives them the same forgiving lookups.
    app.jinja_env.undefined = ChainableUndefined
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def inject_globals() -> dict[str, Any]:
        return {
            "service_name": "Hubs",
            "navigation_items": navigation(),
            "phase": "Demo" if app.config["NAME"] != "production" else "Beta",
        }
