"""Staff tasks: raised once per dedupe key, from the staff-alert signal, closed by their owner."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from hubs.core.alerts import alert_staff
from hubs.core.audit import AuditEvent
from hubs.core.errors import NotFound
from hubs.core.signals import hub_signals
from hubs.extensions import db
from hubs.notifications import queries, services
from hubs.notifications.models import StaffTask
from hubs.notifications.services import TaskOutcome


def _tasks(**criteria: object) -> list[StaffTask]:
    return list(db.session.scalars(sa.select(StaffTask).filter_by(**criteria)))


def _alert(world, dedupe_key: str = "demo:1", recipients=None, **extra) -> int:
    return alert_staff(
        recipients or [world.users["clinician"].id, world.users["manager"].id],
        kind="clock_warning",
        title="4-week wait standard due soon",
        dedupe_key=dedupe_key,
        person_id=world.person_a.id,
        link=f"/people/{world.person_a.id}",
        **extra,
    )


def test_staff_alert_signal_raises_one_task_per_recipient(db, world):
    # Exactly the kwargs another feature sends (pathways' jobs do), with no sender.
    results = hub_signals.signal("staff-alert").send(
        None,
        recipient_ids=[world.users["clinician"].id, world.users["manager"].id],
        person_id=world.person_a.id,
        kind="transition_stalled",
        title="Transition past its planned date",
        link=None,
        dedupe_key="transition:7:stalled:2026-11-23",
    )
    assert sum(value for _, value in results) == 2
    tasks = _tasks(kind="transition_stalled")
    assert {t.recipient_id for t in tasks} == {
        world.users["clinician"].id,
        world.users["manager"].id,
    }
    assert all(t.is_open and t.person_id == world.person_a.id for t in tasks)


def test_the_same_alert_twice_creates_nothing_the_second_time(db, world):
    assert _alert(world) == 2
    assert _alert(world) == 0
    assert len(_tasks(dedupe_key="demo:1")) == 2


def test_a_new_recipient_of_an_existing_alert_still_gets_it(db, world):
    _alert(world, recipients=[world.users["clinician"].id])
    assert _alert(world) == 1  # the manager, added later, gets theirs; the nurse no second
    assert len(_tasks(dedupe_key="demo:1")) == 2


def test_the_database_refuses_a_duplicate_task_for_the_same_recipient_and_key(db, world):
    _alert(world, recipients=[world.users["clinician"].id])
    with pytest.raises(sa.exc.IntegrityError), db.session.begin_nested():
        db.session.add(
            StaffTask(
                recipient_id=world.users["clinician"].id,
                kind="clock_warning",
                title="again",
                dedupe_key="demo:1",
            )
        )


def test_inactive_staff_and_portal_accounts_get_no_tasks(db, world):
    world.users["clinician"].is_active = False
    created = _alert(world, recipients=[world.users["clinician"].id, world.users["person"].id])
    assert created == 0 and _tasks() == []


def test_task_titles_are_cut_to_fit_rather_than_refused(db, world):
    alert_staff([world.users["manager"].id], kind="x", title="A" * 500, dedupe_key="long")
    assert len(_tasks(dedupe_key="long")[0].title) == 200


def test_an_alert_rolled_back_with_its_event_leaves_no_task(db, world):
    savepoint = db.session.begin_nested()
    _alert(world)
    savepoint.rollback()
    assert _tasks() == []


def test_only_the_recipient_can_close_a_task_and_others_get_not_found(db, world):
    _alert(world, recipients=[world.users["clinician"].id])
    task = _tasks()[0]
    with pytest.raises(NotFound):
        services.close_task(db.session, world.users["manager"], task.id, TaskOutcome.DONE)
    assert task.is_open


def test_closing_a_task_about_a_person_is_audited_and_takes_it_off_the_list(db, world):
    nurse = world.users["clinician"]
    _alert(world, recipients=[nurse.id])
    task = _tasks()[0]
    services.close_task(db.session, nurse, task.id, TaskOutcome.DISMISSED)
    assert task.dismissed_at is not None and task.done_at is None
    row = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "task.dismissed"))
    assert row.person_id == world.person_a.id and row.actor_user_id == nurse.id
    assert queries.open_tasks(db.session, nurse) == []
    assert queries.open_task_count(db.session, nurse.id) == 0


def test_closing_a_closed_task_again_changes_nothing(db, world):
    nurse = world.users["clinician"]
    _alert(world, recipients=[nurse.id])
    task = _tasks()[0]
    services.close_task(db.session, nurse, task.id, TaskOutcome.DONE)
    done_at = task.done_at
    services.close_task(db.session, nurse, task.id, TaskOutcome.DISMISSED)
    assert task.done_at == done_at and task.dismissed_at is None


def test_open_tasks_name_the_person_only_when_the_reader_may_still_see_them(db, world):
    vcse = world.users["vcse_worker"]
    _alert(world, recipients=[vcse.id])  # about person_a, whom the VCSE worker cannot see
    alert_staff(
        [vcse.id],
        kind="signposting_follow_up",
        title="Follow up",
        dedupe_key="shared",
        person_id=world.person_shared.id,
    )
    names = {row.task.dedupe_key: row.person_name for row in queries.open_tasks(db.session, vcse)}
    assert names["demo:1"] is None
    assert names["shared"] == world.person_shared.full_name
