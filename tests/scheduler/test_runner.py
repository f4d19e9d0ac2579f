"""The scheduler process: the registry, one transaction per run, the lease, and never in web
workers."""

from __future__ import annotations

import datetime as dt
import inspect
import threading

import pytest
import sqlalchemy as sa
import time_machine
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.base import BaseTrigger
from structlog.testing import capture_logs

from hubs import create_app
from hubs.config import TestingConfig
from hubs.core.scheduler import JobRunner, ScheduledJob, build_scheduler, daily, every
from hubs.extensions import db
from hubs.notifications.models import StaffTask
from hubs.scheduling import JOBS
from tests.scheduler.sample_jobs import PERSONAL_CANARY

T0 = dt.datetime(2026, 11, 23, 6, 0, tzinfo=dt.UTC)
DAILY = ScheduledJob("test-daily", "tests.scheduler.sample_jobs:daily_alert", daily("06:00"))
FAILING = ScheduledJob("test-failing", "tests.scheduler.sample_jobs:failing_job", daily("06:00"))


def _tasks(kind: str = "test_job") -> list[StaffTask]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(StaffTask).where(StaffTask.kind == kind)))


# --- The registry ---------------------------------------------------------------------------


def test_every_registered_job_is_a_function_of_now_returning_a_count():
    assert len({job.id for job in JOBS}) == len(JOBS), "job ids must be unique"
    for job in JOBS:
        function = job.load()
        parameters = list(inspect.signature(function).parameters.values())
        assert parameters[0].name == "now", job.id
        assert all(p.default is not p.empty for p in parameters[1:]), job.id
        assert inspect.signature(function).return_annotation in ("int", int), job.id
        assert isinstance(job.trigger, BaseTrigger)


def test_the_issue_jobs_are_registered_in_one_place():
    registered = {job.function for job in JOBS}
    assert {
        "hubs.notifications.jobs:deliver_outbox",
        "hubs.referrals.jobs:clock_breach_warnings",
        "hubs.careplans.jobs:care_plan_reviews_due",
        "hubs.safetyplans.jobs:safety_plan_reviews_due",
        "hubs.support.jobs:signposting_follow_ups",
        "hubs.pathways.jobs:identify_camhs_transitions",
        "hubs.pathways.jobs:identify_aspire_transitions",
        "hubs.pathways.jobs:escalate_stalled_transitions",
        "hubs.reporting.jobs:refresh_indicators",
    } <= registered


def test_the_scheduler_has_every_job_and_a_lease_heartbeat(app):
    scheduler = build_scheduler(JobRunner(app, "holder"), JOBS)
    assert {job.id for job in scheduler.get_jobs()} == {j.id for j in JOBS} | {"scheduler-lease"}
    assert not scheduler.running


# --- One run: the lease, one transaction, one commit ------------------------------------------


def test_a_job_runs_and_commits_when_this_process_holds_the_lease(app, db, world):
    runner = JobRunner(app, "scheduler-a")
    with time_machine.travel(T0, tick=False):
        assert runner.run(DAILY) == 1
    assert len(_tasks()) == 1


def test_running_a_job_twice_for_the_same_period_has_one_effect(app, db, world):
    runner = JobRunner(app, "scheduler-a")
    with time_machine.travel(T0, tick=False) as clock:
        assert runner.run(DAILY) == 1
        clock.shift(dt.timedelta(hours=1))
        assert runner.run(DAILY) == 0
        clock.shift(dt.timedelta(days=1))
        assert runner.run(DAILY) == 1  # the next period is a new one
    assert len(_tasks()) == 2


def test_jobs_do_not_run_without_the_lease(app, db, world):
    leader, standby = JobRunner(app, "scheduler-a"), JobRunner(app, "scheduler-b")
    with time_machine.travel(T0, tick=False):
        assert leader.hold_lease()
        with capture_logs() as logs:
            assert standby.run(DAILY) is None
    assert _tasks() == []
    assert logs[-1]["event"] == "job_skipped_standby"


def test_two_schedulers_never_both_run_jobs_and_the_standby_takes_over(app, db, world):
    leader, standby = JobRunner(app, "scheduler-a"), JobRunner(app, "scheduler-b")
    ttl = dt.timedelta(seconds=app.config["SCHEDULER_LEASE_SECONDS"])
    with time_machine.travel(T0, tick=False) as clock:
        assert leader.run(DAILY) == 1
        assert standby.run(DAILY) is None  # the same moment: it stands by
        clock.shift(ttl / 2)
        assert leader.hold_lease()  # the leader's heartbeat renews its lease
        clock.shift(ttl - dt.timedelta(seconds=1))
        assert standby.run(DAILY) is None  # still inside the renewed lease
        clock.shift(dt.timedelta(days=1))  # the leader stopped: no heartbeat for a day
        assert standby.run(DAILY) == 1  # took over, and ran the new day's job once
        assert leader.run(DAILY) is None  # the old leader, back, now stands by
    assert len(_tasks()) == 2


def test_a_failing_job_rolls_back_and_logs_no_personal_data(app, db, world):
    runner = JobRunner(app, "scheduler-a")
    with time_machine.travel(T0, tick=False), capture_logs() as logs:
        assert runner.run(FAILING) is None
    assert _tasks() == []  # the half-done work was rolled back
    failure = next(entry for entry in logs if entry["event"] == "job_failed")
    assert failure["job"] == "test-failing" and failure["error_type"] == "ValueError"
    assert "sample_jobs.py" in failure["where"]
    assert PERSONAL_CANARY not in str(logs) and "07700900999" not in str(logs)


def test_a_failing_job_does_not_stop_the_next_one(app, db, world):
    runner = JobRunner(app, "scheduler-a")
    with time_machine.travel(T0, tick=False):
        assert runner.run(FAILING) is None
        assert runner.run(DAILY) == 1


# --- Never inside web workers ---------------------------------------------------------------


def test_create_app_never_starts_a_scheduler(monkeypatch):
    started: list[BaseScheduler] = []
    monkeypatch.setattr(BaseScheduler, "start", lambda self, *a, **k: started.append(self))
    web = create_app(TestingConfig)
    web.test_client().get("/sign-in")
    assert started == []
    assert not any(t.name.startswith("APScheduler") for t in threading.enumerate())
    assert not any("sched" in name for name in web.extensions)


def test_the_scheduler_command_runs_each_job_once_with_once(app, db, world):
    result = app.test_cli_runner().invoke(args=["hubs", "scheduler", "--once"])
    assert result.exit_code == 0, result.output
    for job in JOBS:
        assert f"{job.id}: " in result.output


def test_the_scheduler_command_lists_the_jobs(app):
    result = app.test_cli_runner().invoke(args=["hubs", "scheduler", "--list"])
    assert result.exit_code == 0
    assert "hubs.referrals.jobs:clock_breach_warnings" in result.output


@pytest.mark.parametrize("trigger", [every(minutes=1), daily("06:00")])
def test_triggers_run_on_uk_time(trigger):
    assert str(trigger.timezone) == "Europe/London"
