"""What every generator gets: the scale, seeded randomness, ids, the writer and the world
built so far (hubs, staff, people, referrals, episodes) for the generators after it."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from hubs.synth.scales import Scale
from hubs.synth.writer import BulkWriter


@dataclass(slots=True)
class TeamInfo:
    id: int
    neighbourhood_id: int
    neighbourhood_code: str
    population_code: str  # the LCP whose population rows this hub's people follow
    team_service_id: int
    practices: list[tuple[int, str]] = field(default_factory=list)  # (id, postcode)
    weight: float = 1.0


@dataclass(slots=True)
class StaffInfo:
    id: int
    team_id: int | None
    role: str
    organisation_id: int
    is_active: bool
    weight: float = 1.0


@dataclass(slots=True)
class PersonInfo:
    id: int
    team: TeamInfo
    born: dt.date
    sex: str


@dataclass(slots=True)
class ReferralInfo:
    id: int
    person: PersonInfo
    team: TeamInfo
    service_id: int
    service_code: str  # "HUB" for the hub team
    source: str
    priority: str
    received_on: dt.date
    triaged_on: dt.date | None
    status: str
    closed_on: dt.date | None
    domains: tuple[str, ...]
    severities: tuple[str, ...]
    signposted_to: int | None = None
    admin_id: int | None = None  # who recorded it
    clinician_id: int | None = None  # who triaged and decided
    episode: EpisodeInfo | None = None


@dataclass(slots=True)
class TeamMember:
    user: StaffInfo
    joined_on: dt.date
    left_on: dt.date | None


@dataclass(slots=True)
class EpisodeInfo:
    id: int
    referral: ReferralInfo
    opened_on: dt.date
    # The dated events that stop the clocks (None: not happened by the as-of date).
    first_contact_on: dt.date | None
    second_contact_on: dt.date | None
    assessment_on: dt.date | None
    plan_agreed_on: dt.date | None
    first_intervention_on: dt.date | None
    baseline_on: dt.date | None
    finished_on: dt.date | None
    care_team: list[TeamMember] = field(default_factory=list)
    lead: StaffInfo | None = None
    eip_started_on: dt.date | None = None
    # Ids of the rows that recorded each clock event, filled in by later generators.
    sources: dict[str, tuple[str, int]] = field(default_factory=dict)

    @property
    def person_id(self) -> int:
        return self.referral.person.id

    @property
    def team_id(self) -> int:
        return self.referral.team.id

    @property
    def status(self) -> str:
        if self.finished_on is not None:
            return "finished"
        return "planned" if self.first_contact_on is None else "active"

    def end(self, as_of: dt.date) -> dt.date:
        return self.finished_on or as_of


@dataclass
class World:
    hubs: list[TeamInfo] = field(default_factory=list)
    organisations: dict[str, int] = field(default_factory=dict)
    services: dict[str, tuple[int, str]] = field(default_factory=dict)  # code -> (id, kind)
    staff: list[StaffInfo] = field(default_factory=list)
    password_hash: str = ""
    people: list[PersonInfo] = field(default_factory=list)
    referrals: list[ReferralInfo] = field(default_factory=list)
    episodes: list[EpisodeInfo] = field(default_factory=list)

    def staff_of(self, team_id: int) -> list[StaffInfo]:
        return [s for s in self.staff if s.team_id == team_id]


class SynthContext:
    """Shared by the generators of one run."""

    def __init__(
        self,
        connection: sa.Connection,
        writer: BulkWriter,
        scale: Scale,
        seed: int,
        as_of: dt.date,
        *,
        append: bool = False,
        window_end: dt.date | None = None,
    ) -> None:
        self.connection = connection
        self.writer = writer
        self.scale = scale
        self.seed = seed
        self.as_of = as_of
        self.append = append
        # Where this run's timelines end: the as-of date, or earlier for appended history.
        self.window_end = window_end or as_of
        self.world = World()
        self._next_ids: dict[str, int] = {}

    def rng(self, name: str) -> random.Random:
        """Randomness of one generator: adding a generator never changes another's rows."""
        return random.Random(f"{self.seed}:{name}")

    def ids(self, table: sa.Table, count: int) -> range:
        """`count` fresh primary keys for `table`, after any rows already there."""
        if table.name not in self._next_ids:
            top = self.connection.scalar(sa.select(sa.func.max(table.c.id)))
            self._next_ids[table.name] = (top or 0) + 1
        start = self._next_ids[table.name]
        self._next_ids[table.name] = start + count
        return range(start, start + count)

    def insert(self, table: sa.Table, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
        return self.writer.insert(table, columns, rows)

    @property
    def touched_tables(self) -> list[str]:
        return sorted(self.writer.counts)
