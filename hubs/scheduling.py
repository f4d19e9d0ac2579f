"""Every scheduled job, registered in one place (DESIGN §7 Scheduler).

A job is a function in its feature's `jobs.py`:

    def my_job(now: datetime.datetime) -> int:
        '''Find due ids with one query, handle each by id, return how many things changed.'''

It is idempotent for its period (dedupe keys: a second run for the same period changes
nothing), never commits (the runner commits once, or rolls back on an error) and alerts
staff with `hubs.core.alerts.alert_staff` (the `staff-alert` signal). Adding it is one line
here:

    ScheduledJob("my-job", "hubs.feature.jobs:my_job", daily("06:40")),

`flask hubs scheduler` runs these in one dedicated process guarded by a database lease;
`flask hubs scheduler --once` runs each once and exits; `--list` shows them.
"""

from __future__ import annotations

from hubs.core.scheduler import ScheduledJob, daily, every

JOBS: tuple[ScheduledJob, ...] = (
    ScheduledJob("outbox-delivery", "hubs.notifications.jobs:deliver_outbox", every(minutes=1)),
    # Audit rows join the hash chain within a minute of their commit (hubs.core.audit_chain).
    ScheduledJob("audit-chain-seal", "hubs.core.jobs:seal_audit_chain", every(minutes=1)),
    ScheduledJob(
        "clock-breach-warnings", "hubs.referrals.jobs:clock_breach_warnings", daily("06:00")
    ),
    ScheduledJob(
        "care-plan-reviews-due", "hubs.careplans.jobs:care_plan_reviews_due", daily("06:10")
    ),
    ScheduledJob(
        "safety-plan-reviews-due", "hubs.safetyplans.jobs:safety_plan_reviews_due", daily("06:15")
    ),
    ScheduledJob(
        "signposting-follow-ups", "hubs.support.jobs:signposting_follow_ups", daily("06:20")
    ),
    ScheduledJob(
        "camhs-transitions-due", "hubs.pathways.jobs:identify_camhs_transitions", daily("06:30")
    ),
    ScheduledJob(
        "aspire-transitions-due", "hubs.pathways.jobs:identify_aspire_transitions", daily("06:35")
    ),
    ScheduledJob(
        "stalled-transitions", "hubs.pathways.jobs:escalate_stalled_transitions", daily("06:40")
    ),
    # After midnight, so yesterday's activity is in; before the working day starts.
    ScheduledJob("indicator-refresh", "hubs.reporting.jobs:refresh_indicators", daily("02:30")),
)
