"""Demo notifications: tasks for the HATCH manager and messages in the outbox, once."""

from __future__ import annotations

import sqlalchemy as sa

from hubs.notifications.messages import TEMPLATES
from hubs.notifications.models import OutboxMessage, StaffTask
from hubs.people.models import ContactPreference, Person
from hubs.staff.models import User


def _run_demo(app):
    result = app.test_cli_runner().invoke(args=["hubs", "demo"])
    assert result.exit_code == 0, result.output
    return result


def test_demo_gives_the_hatch_manager_tasks_and_queues_messages_once(app, db):
    _run_demo(app)
    manager = db.session.scalar(sa.select(User).where(User.email == "manager@hatch.demo"))
    kinds = set(
        db.session.scalars(sa.select(StaffTask.kind).where(StaffTask.recipient_id == manager.id))
    )
    assert {"break_glass_review", "clock_warning"} <= kinds
    messages = list(db.session.scalars(sa.select(OutboxMessage)))
    assert messages
    for message in messages:
        assert set(message.personalisation) == set(TEMPLATES[message.template_key].fields)
        person = db.session.get(Person, message.person_id)
        assert person.contact_preference in (ContactPreference.SMS, ContactPreference.EMAIL)
        assert (person.mobile_phone or "").startswith("07700900") or (person.email or "").endswith(
            ".invalid"
        )
    counts = (
        db.session.scalar(sa.select(sa.func.count(StaffTask.id))),
        db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))),
    )
    again = _run_demo(app)
    assert "nothing new" in again.output
    assert counts == (
        db.session.scalar(sa.select(sa.func.count(StaffTask.id))),
        db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))),
    )
