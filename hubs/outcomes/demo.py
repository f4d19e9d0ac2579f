"""Demo outcome measures: a DIALOG history for the people with demo care plans.

Made through the real service, so baselines, clock events and audit rows are as in use.
A person's history is only added once, so loading twice adds none.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Session

from hubs.core.types import today
from hubs.outcomes import services
from hubs.outcomes.models import MeasureKind, OutcomeMeasure
from hubs.outcomes.scoring import DIALOG_BY_KEY
from hubs.referrals.models import Episode
from hubs.staff.models import User

# Three DIALOGs spread from the referral to today, improving (1 totally dissatisfied …
# 7 totally satisfied): (share of the time since referral, rating, "more help" items).
DIALOG_HISTORY = (
    (0.0, 3, ("accommodation", "job_situation")),
    (0.5, 4, ("job_situation",)),
    (1.0, 5, ()),
)


def dialog_history(session: Session, lead: User, episode: Episode) -> None:
    """Three DIALOGs for the episode's person, unless they have measures already."""
    # One history per person: measures are compared with the person's baseline.
    if session.scalar(
        sa.select(OutcomeMeasure.id).where(OutcomeMeasure.person_id == episode.person_id)
    ):
        return
    start = episode.referral.received_on
    span = (today() - start).days
    for share, rating, more_help in DIALOG_HISTORY:
        answers = dict.fromkeys(DIALOG_BY_KEY, rating)
        on = start + dt.timedelta(days=round(span * share))
        services.record_measure(session, lead, episode, MeasureKind.DIALOG, on, answers, more_help)
