"""A clearly synthetic city-year of activity for the demo dashboard, then a refresh.

Nobody here exists: no person record lies behind these rows. Each row's event key and
pseudonym start with "synthetic-" followed by a hash, so they can never collide with the
HMACs the live feed writes, and they are easy to find and remove. The rates are set near the
targets (EIP about 65% within two weeks, health checks about 60% complete, a few discharges
without an onward plan) so the dashboard shows greens, ambers and reds. The same seed gives
the same rows; running it again adds nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from hubs.core.db import refresh_planner_statistics
from hubs.core.types import utcnow
from hubs.directory.models import Team, TeamKind
from hubs.reporting.models import AGE_BANDS, SYNTHETIC_KEY_PREFIX, ActivityEvent
from hubs.reporting.models import ActivityType as A
from hubs.reporting.refresh import refresh

SYNTHETIC = SYNTHETIC_KEY_PREFIX
SEED = 20261123
MONTHS = 12
CHUNK = 5000

AGE_WEIGHTS = (1, 6, 20, 18, 16, 14, 12, 8, 5)
ETHNIC_CITY = (
    ("White", 76),
    ("Asian or Asian British", 9),
    ("Black or Black British", 5),
    ("Mixed", 4),
    ("Other ethnic groups", 2),
    ("Not stated", 3),
    ("Not known", 1),
)
ETHNIC_DIVERSE = (
    ("White", 40),
    ("Asian or Asian British", 26),
    ("Black or Black British", 18),
    ("Mixed", 8),
    ("Other ethnic groups", 5),
    ("Not stated", 2),
    ("Not known", 1),
)
FFT_ANSWERS = ((1, 55), (2, 28), (3, 7), (4, 4), (5, 3), (6, 3))
# The answer codes the live feed writes as detail, by national code (1 = very good).
FFT_CODES = {
    1: "very_good",
    2: "good",
    3: "neither_good_nor_poor",
    4: "poor",
    5: "very_poor",
    6: "dont_know",
}
ELEMENTS = ("bmi", "blood_pressure", "glucose", "cholesterol", "smoking", "alcohol")


def _key(*parts: object) -> str:
    digest = hashlib.sha256(":".join(str(p) for p in parts).encode()).hexdigest()
    return SYNTHETIC + digest[: 64 - len(SYNTHETIC)]


def later(start: dt.date, days: int) -> dt.date:
    return start + dt.timedelta(days=days)


def _pick(rng: random.Random, weighted: tuple[tuple[Any, int], ...]) -> Any:
    return rng.choices([v for v, _ in weighted], [w for _, w in weighted])[0]


@dataclass
class Person:
    """A synthetic person's reporting attributes (no identity behind them)."""

    pseudonym: str
    team: Team
    age_band: str
    sex: str
    ethnic_group: str
    imd_quintile: int | None
    interpreter_needed: bool
    opted_out: bool


class Generator:
    def __init__(self, hubs: list[Team], today: dt.date, scale: float = 1.0) -> None:
        self.rng = random.Random(SEED)
        self.scale = scale
        self.hubs = hubs
        self.today = today
        self.start = today - dt.timedelta(days=365)
        self.count = 0
        self.recorded_at = utcnow()

    def person(self, team: Team, n: int) -> Person:
        rng = self.rng
        diverse = team.neighbourhood.code == "HATCH"
        deprived = team.neighbourhood.code in ("HATCH", "WLEEDS")
        return Person(
            pseudonym=_key("person", team.id, n),
            team=team,
            age_band=rng.choices(AGE_BANDS, AGE_WEIGHTS)[0],
            sex=rng.choices(["female", "male", "not_known"], [54, 45, 1])[0],
            ethnic_group=_pick(rng, ETHNIC_DIVERSE if diverse else ETHNIC_CITY),
            imd_quintile=rng.choices(
                [1, 2, 3, 4, 5, None],
                [45, 20, 15, 10, 5, 5] if deprived else [28, 22, 20, 16, 12, 2],
            )[0],
            interpreter_needed=rng.random() < (0.12 if diverse else 0.03),
            opted_out=rng.random() < 0.03,
        )

    def event(
        self, who: Person, kind: A, day: dt.date, case: str, **extra: Any
    ) -> dict[str, Any] | None:
        if day > self.today:
            return None  # it has not happened yet
        self.count += 1
        return {
            "event_key": _key("event", self.count),
            "event_type": kind,
            "occurred_on": day,
            "started_on": extra.get("started_on"),
            "pseudonym": who.pseudonym,
            "case_key": case,
            "team_id": who.team.id,
            "neighbourhood_code": who.team.neighbourhood.code,
            "age_band": who.age_band,
            "sex": who.sex,
            "ethnic_group": who.ethnic_group,
            "imd_quintile": who.imd_quintile,
            "interpreter_needed": who.interpreter_needed,
            "detail": extra.get("detail"),
            "value": extra.get("value"),
            "opted_out": who.opted_out,
            "recorded_at": self.recorded_at,
        }

    def rows(self) -> Iterator[dict[str, Any]]:
        n = 0
        for team in self.hubs:
            size = round((30 if team.neighbourhood.is_early_implementer else 18) * self.scale)
            for month in range(MONTHS):
                for _ in range(self.rng.randint(size - 6, size + 6)):
                    n += 1
                    received = self.start + dt.timedelta(days=month * 30 + self.rng.randint(0, 29))
                    if team.go_live_on is None or received < team.go_live_on:
                        continue
                    yield from (r for r in self.journey(self.person(team, n), received) if r)

    def journey(self, who: Person, received: dt.date) -> Iterator[dict[str, Any] | None]:
        rng = self.rng
        case = _key("case", who.pseudonym, received)
        yield self.event(who, A.REFERRAL_RECEIVED, received, case)
        yield self.event(
            who, A.REFERRAL_TRIAGED, received + dt.timedelta(days=rng.randint(1, 4)), case
        )
        outcome = rng.random()
        if outcome > 0.86:
            yield self.event(who, A.REFERRAL_SIGNPOSTED, received + dt.timedelta(days=5), case)
            yield self.event(
                who,
                A.SIGNPOSTING_OUTCOME,
                received + dt.timedelta(days=25),
                case,
                detail="attended",
            )
            return
        if outcome > 0.81:
            yield self.event(who, A.REFERRAL_WITHDRAWN, received + dt.timedelta(days=9), case)
            return
        yield from self.care(who, received, case)

    def care(self, who: Person, received: dt.date, case: str) -> Iterator[dict[str, Any] | None]:
        rng = self.rng
        wait = max(6, int(rng.gauss(24, 9)))  # about two in three within 28 days
        yield self.event(
            who, A.REFERRAL_ACCEPTED, later(received, min(wait, rng.randint(3, 8))), case
        )
        yield self.event(who, A.FIRST_CONTACT, later(received, min(wait, rng.randint(5, 14))), case)
        yield self.event(
            who, A.SECOND_CONTACT, later(received, min(wait, rng.randint(10, 20))), case
        )
        yield self.event(who, A.ASSESSMENT, later(received, wait - 2), case)
        yield self.event(who, A.CARE_PLAN_AGREED, later(received, wait - 1), case)
        yield self.event(who, A.FIRST_INTERVENTION, later(received, wait), case)
        score = round(rng.uniform(2.5, 5.5), 2)
        yield self.event(
            who, A.OUTCOME_MEASURE, later(received, wait), case, detail="dialog", value=score
        )
        yield self.event(
            who,
            A.FOUR_WEEK_CLOCK_STOPPED,
            later(received, wait),
            case,
            started_on=received,
            value=wait,
        )
        yield from self.extras(who, received, case, wait)

    def extras(
        self, who: Person, received: dt.date, case: str, wait: int
    ) -> Iterator[dict[str, Any] | None]:
        rng = self.rng
        yield from self.employment(who, received, case, wait)
        if rng.random() < 0.2:  # on the SMI register: the physical health check
            for element in ELEMENTS:
                if rng.random() < 0.92:
                    when = later(received, wait + rng.randint(5, 90))
                    yield self.event(who, A.HEALTH_CHECK_ELEMENT, when, case, detail=element)
        if rng.random() < 0.04:
            yield from self.eip(who, received, case)
        if rng.random() < 0.05:
            yield from self.transition(who, received, case)
        if rng.random() < 0.45:
            plan = rng.choices(["gp", "service", "self_management", "none"], [50, 30, 17, 3])[0]
            when = later(received, wait + rng.randint(60, 200))
            yield self.event(who, A.DISCHARGED, when, case, detail=plan)
        if rng.random() < 0.3:
            answer = _pick(rng, FFT_ANSWERS)
            when = later(received, wait + 30)
            yield self.event(
                who, A.FRIENDS_AND_FAMILY, when, case, detail=FFT_CODES[answer], value=answer
            )

    def employment(
        self, who: Person, received: dt.date, case: str, wait: int
    ) -> Iterator[dict[str, Any] | None]:
        rng = self.rng
        if rng.random() < 0.72:
            yield self.event(who, A.EMPLOYMENT_STATUS_ASKED, later(received, wait + 7), case)
        if rng.random() < 0.09:
            yield self.event(who, A.IPS_REFERRAL, later(received, wait + 20), case)
            if rng.random() < 0.45:
                outcome = rng.choice(["into_work", "kept_work"])
                yield self.event(
                    who, A.IPS_OUTCOME, later(received, wait + 120), case, detail=outcome
                )

    def eip(self, who: Person, received: dt.date, case: str) -> Iterator[dict[str, Any] | None]:
        waited = int(abs(self.rng.gauss(11, 7)))  # about two in three within 14 days
        yield self.event(
            who,
            A.EIP_TREATMENT_STARTED,
            received + dt.timedelta(days=waited),
            case,
            started_on=received,
            value=waited,
        )

    def transition(
        self, who: Person, received: dt.date, case: str
    ) -> Iterator[dict[str, Any] | None]:
        rng = self.rng
        young = who.age_band in ("14-17", "18-25")
        kind = (
            "camhs_to_adult"
            if young and rng.random() < 0.7
            else rng.choice(["aspire_to_hub", "hub_step_down"])
        )
        gap = 0 if rng.random() < 0.9 else rng.randint(1, 12)
        start = received + dt.timedelta(days=rng.randint(30, 90))
        yield self.event(who, A.TRANSITION_STARTED, start, case, detail=kind)
        yield self.event(
            who,
            A.TRANSITION_COMPLETED,
            start + dt.timedelta(days=rng.randint(20, 60)),
            case,
            detail=kind,
            value=gap,
        )


def has_synthetic_activity(session: Session) -> bool:
    return (
        session.scalar(
            sa.select(ActivityEvent.id)
            .where(ActivityEvent.event_key.like(f"{SYNTHETIC}%"))
            .limit(1)
        )
        is not None
    )


def load_demo_activity(session: Session, today: dt.date | None = None, scale: float = 1.0) -> int:
    """Add a synthetic city-year of activity (once) and refresh the indicators; returns the
    number of rows added (0 when they were already there). `scale` multiplies the volume
    (about 36 gives a city-year of some 1.5 million rows, for benchmarks)."""
    if has_synthetic_activity(session):
        return 0
    # The synthetic year is of the community hubs (Leeds's, one LCP each).
    hubs = list(
        session.scalars(
            sa.select(Team)
            .where(Team.kind == TeamKind.COMMUNITY_HUB)
            .options(sa.orm.selectinload(Team.neighbourhoods))
            .order_by(Team.code)
        )
    )
    generator = Generator(hubs, today or utcnow().date(), scale)
    added, batch = 0, []
    for row in generator.rows():
        batch.append(row)
        if len(batch) == CHUNK:
            session.execute(sa.insert(ActivityEvent), batch)
            added, batch = added + len(batch), []
    if batch:
        session.execute(sa.insert(ActivityEvent), batch)
        added += len(batch)
    refresh_planner_statistics(session, ActivityEvent.__tablename__)
    refresh(session, utcnow())
    return added
