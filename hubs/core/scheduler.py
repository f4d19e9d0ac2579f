"""The scheduler process: how each registered job is run (DESIGN §7 Scheduler).

Jobs are listed in `hubs/scheduling.py`. `flask hubs scheduler` runs them in one dedicated
process (never in web workers: `create_app` builds no scheduler). Every run:
- holds the database lease first (`hubs.core.leases`), so a second scheduler process
  stands by instead of running jobs twice;
- opens one transaction, calls the job with `now`, and commits once;
- on an error rolls back and logs the job, the error type and where it happened, never the
  error's text (it can quote the values of a row, i.e. personal data).
"""

from __future__ import annotations

import datetime as dt
import importlib
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import structlog
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from flask import Flask
from sqlalchemy.exc import SQLAlchemyError

from hubs.core import leases
from hubs.core.session import app_session
from hubs.core.types import utcnow


def log() -> structlog.typing.FilteringBoundLogger:
    """A fresh logger each time: a cached one would miss a reconfiguration (and the tests'
    captured logs)."""
    return structlog.get_logger(__name__)  # type: ignore[no-any-return]


JobFunction = Callable[[dt.datetime], int]
# Daily jobs run at local clock times for the hubs' staff (Leeds), across summer time.
TIMEZONE = "Europe/London"


@dataclass(frozen=True)
class ScheduledJob:
    """One line of the registry: an id, the job as "package.module:function", a trigger."""

    id: str
    function: str
    trigger: BaseTrigger = field(compare=False)

    def load(self) -> JobFunction:
        module_name, _, attribute = self.function.partition(":")
        function: JobFunction = getattr(importlib.import_module(module_name), attribute)
        return function


def every(*, minutes: int = 0, seconds: int = 0) -> IntervalTrigger:
    return IntervalTrigger(minutes=minutes, seconds=seconds, timezone=TIMEZONE)


def daily(at: str) -> CronTrigger:
    """Each day at "HH:MM", UK time."""
    hour, minute = (int(part) for part in at.split(":"))
    return CronTrigger(hour=hour, minute=minute, timezone=TIMEZONE)


def _where(error: BaseException) -> str:
    """File and line of the innermost frame: enough to find the bug, no values."""
    frames = traceback.extract_tb(error.__traceback__)
    return f"{frames[-1].filename}:{frames[-1].lineno}" if frames else "unknown"


class JobRunner:
    """Runs jobs for one scheduler process, identified by its lease holder id."""

    def __init__(self, app: Flask, holder: str | None = None) -> None:
        self.app = app
        self.holder = holder or leases.new_holder_id()
        self.ttl = dt.timedelta(seconds=app.config["SCHEDULER_LEASE_SECONDS"])

    def hold_lease(self, now: dt.datetime | None = None) -> bool:
        """Take or renew the lease (the heartbeat, and the first step of every run)."""
        with self.app.app_context():
            return self._acquire(now or utcnow())

    def _acquire(self, now: dt.datetime) -> bool:
        try:
            return leases.try_acquire(app_session(), self.holder, now=now, ttl=self.ttl)
        except SQLAlchemyError as error:
            app_session().rollback()
            log().warning("scheduler_lease_error", error_type=type(error).__name__)
            return False

    def run(self, job: ScheduledJob, now: dt.datetime | None = None) -> int | None:
        """One run of one job; how many things it changed, or None if it did not run."""
        moment = now or utcnow()
        with self.app.app_context():
            if not self._acquire(moment):
                log().info("job_skipped_standby", job=job.id)
                return None
            try:
                changed = job.load()(moment)
                app_session().commit()
            except Exception as error:
                app_session().rollback()
                log().error(
                    "job_failed", job=job.id, error_type=type(error).__name__, where=_where(error)
                )
                return None
            log().info("job_finished", job=job.id, changed=changed)
            return changed

    def release(self, now: dt.datetime | None = None) -> None:
        with self.app.app_context():
            try:
                leases.release(app_session(), self.holder, now=now or utcnow())
            except SQLAlchemyError as error:
                app_session().rollback()
                log().warning("scheduler_lease_error", error_type=type(error).__name__)


def build_scheduler(
    runner: JobRunner, jobs: Iterable[ScheduledJob], *, run_at_start: bool = True
) -> BlockingScheduler:
    """The blocking scheduler of the dedicated process, with a lease heartbeat.

    Every job also runs once at start: jobs are idempotent, so a restart costs nothing and
    a daily job missed while the process was down is not skipped until tomorrow.
    """
    scheduler = BlockingScheduler(
        timezone=TIMEZONE,
        executors={"default": ThreadPoolExecutor(max_workers=2)},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600},
    )
    start = dt.datetime.now(dt.UTC)
    heartbeat = runner.app.config["SCHEDULER_HEARTBEAT_SECONDS"]
    scheduler.add_job(
        runner.hold_lease, every(seconds=heartbeat), id="scheduler-lease", next_run_time=start
    )
    for job in jobs:
        extra = {"next_run_time": start} if run_at_start else {}
        scheduler.add_job(runner.run, job.trigger, args=[job], id=job.id, name=job.id, **extra)
    return scheduler
