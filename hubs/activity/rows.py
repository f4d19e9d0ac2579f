"""From a fact about someone's care to a pseudonymised activity row.

A `Fact` is what happened, still pointing at operational ids (person, hub, source row). The
row builder is the only place that turns one into an `ActivityEvent`'s values: the person
id becomes a keyed pseudonym, the date of birth an age band at the event, the postcode an
IMD quintile, the ethnic category its top-level group. Names, NHS numbers, dates of birth,
postcodes and free text are never read into a row (tested with a canary person).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from hubs.activity.demographics import PersonFacts, age_band, ethnic_group, imd_quintile
from hubs.core.pseudonym import Pseudonymiser
from hubs.reporting.models import ActivityType

#: The columns a rebuild and the live feed must agree on (all but id and recorded_at).
COMPARED_COLUMNS = (
    "event_key",
    "event_type",
    "occurred_on",
    "started_on",
    "pseudonym",
    "case_key",
    "team_id",
    "neighbourhood_code",
    "age_band",
    "sex",
    "ethnic_group",
    "imd_quintile",
    "interpreter_needed",
    "detail",
    "value",
    "opted_out",
)


@dataclass(frozen=True)
class Fact:
    """One event in someone's care, before pseudonymisation.

    `source` is the event's deterministic identity ("referral-received:42"): the same
    operational row always gives the same identity, so re-sending an event or rebuilding
    the store gives the same `event_key`. `case` links events of one case ("referral:42").
    `detail` is a code from a fixed vocabulary, never free text.
    """

    event_type: ActivityType
    source: str
    person_id: int
    team_id: int | None
    occurred_on: dt.date
    started_on: dt.date | None = None
    case: str | None = None
    detail: str | None = None
    value: float | None = None


def days_between(start: dt.date | None, end: dt.date) -> float | None:
    """Whole days waited, as the clocks count them (never negative)."""
    return None if start is None else float(max(0, (end - start).days))


def row_values(
    fact: Fact, person: PersonFacts, neighbourhood_code: str | None, pseudonyms: Pseudonymiser
) -> dict[str, Any]:
    """The values of one `ActivityEvent` (without id and recorded_at)."""
    if fact.detail is not None and len(fact.detail) > 40:
        raise ValueError(f"detail must be a short code, not {fact.detail[:20]!r}…")
    return {
        "event_key": pseudonyms.event(fact.source),
        "event_type": fact.event_type,
        "occurred_on": fact.occurred_on,
        "started_on": fact.started_on,
        "pseudonym": pseudonyms.person(person.id),
        "case_key": pseudonyms.case(fact.case) if fact.case else None,
        "team_id": fact.team_id,
        "neighbourhood_code": neighbourhood_code,
        "age_band": age_band(person.date_of_birth, fact.occurred_on),
        "sex": person.sex,
        "ethnic_group": ethnic_group(person.ethnic_category),
        "imd_quintile": imd_quintile(person.postcode),
        "interpreter_needed": person.interpreter_needed,
        "detail": fact.detail,
        "value": fact.value,
        # Kept on every row so any extract that leaves the system can drop them (DESIGN §5).
        "opted_out": person.opted_out,
    }
