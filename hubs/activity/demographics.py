"""The breakdowns an activity row carries instead of identifying details (DESIGN §5).

Age band at the event instead of a date of birth, NHS top-level ethnic group instead of the
detailed category, deprivation quintile instead of a postcode. Each is computed here and
nowhere else, so the live feed and the rebuild agree.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session

from hubs.people.models import ETHNIC_CATEGORIES, Person
from hubs.reporting.models import AGE_BANDS, ETHNIC_GROUPS

IMD_CSV = Path(__file__).resolve().parent / "data" / "imd_quintiles.csv"
NOT_KNOWN_GROUP = "Not known"
# Lower bound of each band in AGE_BANDS, in the same order ("0-13" starts at 0, "75+" at 75).
_BAND_STARTS = tuple(int(band.rstrip("+").split("-")[0]) for band in AGE_BANDS)


@dataclass(frozen=True)
class PersonFacts:
    """What the row builder may read about a person; never their name or NHS number."""

    id: int
    date_of_birth: dt.date
    sex: str
    ethnic_category: str
    postcode: str | None
    interpreter_needed: bool
    opted_out: bool


PERSON_COLUMNS = (
    Person.id,
    Person.date_of_birth,
    Person.sex,
    Person.ethnic_category,
    Person.postcode,
    Person.interpreter_needed,
    Person.opted_out_secondary_use,
)


def person_facts(session: Session, where: sa.ColumnElement[bool]) -> dict[int, PersonFacts]:
    """The people matching `where`, in one query."""
    rows = session.execute(sa.select(*PERSON_COLUMNS).where(where))
    return {
        row.id: PersonFacts(
            row.id,
            row.date_of_birth,
            str(row.sex),
            row.ethnic_category,
            row.postcode,
            bool(row.interpreter_needed),
            bool(row.opted_out_secondary_use),
        )
        for row in rows
    }


def age_band(date_of_birth: dt.date, on: dt.date) -> str:
    """The person's age band on the day of the event (bands from the activity store)."""
    age = (
        on.year
        - date_of_birth.year
        - ((on.month, on.day) < (date_of_birth.month, date_of_birth.day))
    )
    band = AGE_BANDS[0]
    for start, name in zip(_BAND_STARTS, AGE_BANDS, strict=True):
        if age >= start:
            band = name
    return band


def ethnic_group(category: str | None) -> str:
    """NHS top-level ethnic group from the Data Dictionary category letter."""
    group = ETHNIC_CATEGORIES.get(category or "", (NOT_KNOWN_GROUP, ""))[0]
    return group if group in ETHNIC_GROUPS else NOT_KNOWN_GROUP


@cache
def _imd_table() -> dict[str, int]:
    with IMD_CSV.open(newline="", encoding="utf-8") as handle:
        lines = (line for line in handle if not line.startswith("#"))
        return {
            " ".join(row["area"].upper().split()): int(row["imd_quintile"])
            for row in csv.DictReader(lines)
        }


def imd_quintile(postcode: str | None) -> int | None:
    """Deprivation quintile for a postcode: its sector if listed, else its district."""
    compact = "".join((postcode or "").upper().split())
    if len(compact) < 5:
        return None
    outward, inward = compact[:-3], compact[-3:]
    table = _imd_table()
    return table.get(f"{outward} {inward[0]}", table.get(outward))
