"""When a transition is due and how long its windows last (DESIGN §4), as pure date rules.

Months are calendar months (the same day of the month, or the month's last day), so a young
person born on 31 August reaches 17½ on the last day of February.
"""

from __future__ import annotations

import datetime as dt

from hubs.careplans.versioning import add_months

# CAMHS → adult: planning starts by 17½ (NICE NG43: at least 6 months before), handover by 18.
CAMHS_PLANNING_MONTHS = 17 * 12 + 6
CAMHS_HANDOVER_MONTHS = 18 * 12
# Aspire (early intervention in psychosis) supports people for up to 3 years; step-down into
# the hub is planned from 30 months into the episode.
ASPIRE_PLANNING_MONTHS = 30
ASPIRE_EPISODE_MONTHS = 36
# Support either side of a handover for up to 6 months (the suggested overlap).
PARALLEL_SUPPORT_MONTHS = 6
# A person discharged from a hub who comes back within 6 months is fast-tracked.
FAST_TRACK_MONTHS = 6
# A job's date filter widens by this many days so month-end clamping never misses anyone;
# the exact rule is then applied to each candidate in Python.
CLAMP_MARGIN_DAYS = 4


def camhs_planning_from(date_of_birth: dt.date) -> dt.date:
    """The day a young person reaches 17½: transition planning must have started."""
    return add_months(date_of_birth, CAMHS_PLANNING_MONTHS)


def camhs_handover_by(date_of_birth: dt.date) -> dt.date:
    """The 18th birthday: the adult hub must have accepted and named a lead worker."""
    return add_months(date_of_birth, CAMHS_HANDOVER_MONTHS)


def aspire_planning_from(episode_started_on: dt.date) -> dt.date:
    """30 months into an Aspire episode: step-down planning starts."""
    return add_months(episode_started_on, ASPIRE_PLANNING_MONTHS)


def aspire_episode_ends(episode_started_on: dt.date) -> dt.date:
    """The end of Aspire's 3 years: the planned date of the step-down into the hub."""
    return add_months(episode_started_on, ASPIRE_EPISODE_MONTHS)


def fast_track_until(discharged_on: dt.date) -> dt.date:
    """The last day a re-referral after this discharge is fast-tracked."""
    return add_months(discharged_on, FAST_TRACK_MONTHS)


def suggested_overlap_end(accepted_on: dt.date) -> dt.date:
    return add_months(accepted_on, PARALLEL_SUPPORT_MONTHS)


def widest_cutoff(today: dt.date, months: int) -> dt.date:
    """A date on or after the latest start that is `months` old today, for SQL filters."""
    return add_months(today, -months) + dt.timedelta(days=CLAMP_MARGIN_DAYS)


def days_to(planned_on: dt.date, today: dt.date) -> int:
    """Days until the planned date; negative once it has passed."""
    return (planned_on - today).days


def lead_worker_gap_days(
    sending_finished_on: dt.date | None, accepted_on: dt.date | None, on: dt.date
) -> int:
    """Days between the sending episode ending and the receiving side naming a lead worker.

    The sending episode is responsible until it finishes; the receiving side from acceptance.
    Any day between the two is a day without a lead worker; the no-gap rule keeps it at 0."""
    if sending_finished_on is None:
        return 0
    if accepted_on is not None and accepted_on <= sending_finished_on:
        return 0
    until = min(on, accepted_on) if accepted_on else on
    return max(0, (until - sending_finished_on).days)
