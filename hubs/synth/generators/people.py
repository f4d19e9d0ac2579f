"""Fictional people: demographics from the population CSV, NHS numbers from the 999 test
range, a registered GP practice in their hub's LCP, and a language and interpreter need."""

from __future__ import annotations

import datetime as dt
import random

import sqlalchemy as sa

from hubs.people.models import Person
from hubs.synth import names
from hubs.synth.context import PersonInfo, SynthContext
from hubs.synth.population import load_population, sample_person
from hubs.synth.registry import generator


def history_start(ctx: SynthContext) -> dt.date:
    """When this run's records begin: people are registered from then on."""
    return ctx.window_end - dt.timedelta(days=(ctx.scale.years + 3) * 365)


LANGUAGES = (
    ("English", 88.0),
    ("Urdu", 2.5),
    ("Polish", 2.0),
    ("Punjabi", 1.5),
    ("Arabic", 1.5),
    ("Bengali", 1.0),
    ("Romanian", 1.0),
    ("Kurdish", 0.8),
    ("Chinese", 0.9),
    ("Tigrinya", 0.8),
)
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
OPTED_OUT_SHARE = 0.03  # national data opt-out: excluded from extracts that leave the system


def _check_digit(nine: int) -> int | None:
    digits = str(nine)
    total = sum(int(d) * w for d, w in zip(digits, range(10, 1, -1), strict=True))
    check = 11 - total % 11
    return None if check == 10 else (0 if check == 11 else check)


def synthetic_nhs_numbers(rng: random.Random, count: int, taken: set[str]) -> list[str]:
    """`count` distinct valid NHS numbers starting 999 (never issued to anyone)."""
    numbers: list[str] = []
    seen: set[int] = set()
    while len(numbers) < count:
        nine = 999_000_000 + rng.randrange(1_000_000)
        if nine in seen:
            continue
        seen.add(nine)
        check = _check_digit(nine)
        number = f"{nine}{check}"
        if check is not None and number not in taken:
            numbers.append(number)
    return numbers


def _team_choices(ctx: SynthContext, rng: random.Random, count: int) -> list[int]:
    hubs = ctx.world.hubs
    return rng.choices(range(len(hubs)), weights=[h.weight for h in hubs], k=count)


def _postcode(rng: random.Random, practice_postcode: str) -> str:
    outward = practice_postcode.split()[0]
    return f"{outward} {rng.randint(1, 9)}{rng.choice(INWARD_LETTERS)}{rng.choice(INWARD_LETTERS)}"


@generator("people", after=("directory",))
def people(ctx: SynthContext) -> None:
    """The people in contact with the hubs, spread like the population they come from."""
    rng = ctx.rng("people")
    count = ctx.scale.people
    taken = set(
        ctx.connection.scalars(sa.select(Person.nhs_number).where(Person.nhs_number.like("999%")))
    )
    numbers = synthetic_nhs_numbers(rng, count, taken)
    population = load_population()
    ids = ctx.ids(Person.__table__, count)
    langs, lang_weights = zip(*LANGUAGES, strict=True)
    # Records begin when the history does (e.g. moved over from the previous system).
    created = dt.datetime.combine(history_start(ctx), dt.time(8), tzinfo=dt.UTC)
    rows = []
    for pid, number, hub_index in zip(ids, numbers, _team_choices(ctx, rng, count), strict=True):
        team = ctx.world.hubs[hub_index]
        born, sex, ethnic = sample_person(rng, population[team.population_code], ctx.as_of)
        practice_id, practice_postcode = rng.choice(team.practices)
        language = rng.choices(langs, weights=lang_weights)[0]
        interpreter = language != "English" and rng.random() < 0.4
        rows.append(
            (
                pid,
                number,
                names.given_name(rng, sex),
                names.family_name(rng),
                born,
                sex,
                ethnic,
                _postcode(rng, practice_postcode),
                practice_id,
                language,
                interpreter,
                rng.random() < OPTED_OUT_SHARE,
                True,
                created,
            )
        )
        ctx.world.people.append(PersonInfo(pid, team, born, sex))
    ctx.insert(
        Person.__table__,
        (
            "id",
            "nhs_number",
            "given_name",
            "family_name",
            "date_of_birth",
            "sex",
            "ethnic_category",
            "postcode",
            "gp_practice_id",
            "preferred_language",
            "interpreter_needed",
            "opted_out_secondary_use",
            "is_synthetic",
            "created_at",
        ),
        rows,
    )
