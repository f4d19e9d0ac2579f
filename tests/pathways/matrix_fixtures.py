"""Fillers the generated access-matrix and CSRF tests use for the pathways routes
(tests/security/test_access_matrix.py imports them by name). Imported explicitly; not a
conftest pytest loads by itself.

The transition is a step-down from person A's hub team episode (the shared referral
fixture: the clinician leads it and the VCSE worker is in its care team) to a community
offer, in planning, so every role the matrix names has a reason to see it: hub A's
clinician and manager are on the sending side, the VCSE worker through the care team.
"""

from __future__ import annotations

import datetime as dt

from hubs.directory.models import Service, ServiceKind
from hubs.extensions import db
from hubs.pathways.models import Transition, TransitionKind
from tests import factories
from tests.conftest import World


def offer(world: World) -> Service:
    cached = getattr(world, "_pathway_offer", None)
    if cached is None:
        cached = factories.ServiceFactory(kind=ServiceKind.COMMUNITY_OFFER, name="Walk and talk")
        world._pathway_offer = cached  # type: ignore[attr-defined]
    return cached  # type: ignore[no-any-return]


def transition(world: World) -> Transition:
    cached = getattr(world, "_pathway_transition", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    from tests.security.test_access_matrix import referral_fixtures

    found = factories.TransitionFactory(
        sending_episode=referral_fixtures(world).episode,
        receiving_service=offer(world),
        planned_on=dt.date.today() + dt.timedelta(days=30),
        planning=True,
        sending_worker=world.users["clinician"],
        joint_meeting_on=dt.date.today() + dt.timedelta(days=7),
        receiving_worker_name="Sam, walk leader",
    )
    db.session.commit()
    world._pathway_transition = found  # type: ignore[attr-defined]
    return found


def transition_id(world: World, role: str) -> int:
    return transition(world).id


def act_body(world: World, role: str) -> dict[str, str]:
    """The URL's action is record_meeting (ENDPOINT_ARGUMENTS): the meeting was today."""
    return {"held_on": dt.date.today().isoformat()}


def tick_body(world: World, role: str) -> dict[str, str]:
    return {"item": "gp_informed"}


def start_body(world: World, role: str) -> dict[str, str]:
    return {
        "kind": TransitionKind.HUB_STEP_DOWN.value,
        "receiving_service_id": str(offer(world).id),
        "planned_on": (dt.date.today() + dt.timedelta(days=45)).isoformat(),
    }


def discharge_body(world: World, role: str) -> dict[str, str]:
    """Save the onward plan (planning starts): a real change without a safety plan yet."""
    return {
        "support": "gp",
        "what": "GP reviews medication every 3 months",
        "how_to_come_back": "Call the hub within 6 months",
        "save": "1",
    }
