"""Fillers for the generated access-matrix and CSRF tests (tests/security)."""

from __future__ import annotations

from hubs.extensions import db
from hubs.notifications import services
from hubs.notifications.models import StaffTask
from tests.conftest import World


def task_id(world: World, role: str) -> int:
    """An open task about person_a on the role's own list (the clinician's when signed out)."""
    user = world.users.get(role, world.users["clinician"])
    key = f"matrix:{user.id}"
    services.raise_tasks(
        db.session,
        [user.id],
        kind="clock_warning",
        title="4-week wait standard due soon",
        dedupe_key=key,
        person_id=world.person_a.id,
        link=f"/people/{world.person_a.id}",
    )
    db.session.commit()
    task = db.session.query(StaffTask).filter_by(recipient_id=user.id, dedupe_key=key).one_or_none()
    if task is None:  # a role with no staff account (a person) still needs a number to try
        return 0
    return task.id


def close_body(world: World, role: str) -> dict[str, object]:
    return {"outcome": "done"}


def messages_body(world: World, role: str) -> dict[str, object]:
    return {"preference": "sms", "mobile_phone": "07700 900123", "email": ""}
