"""Fictional names, drawn with our own seeded randomness from Faker's en_GB name lists
(calling Faker per person would be slower and tie the rows to its internal state)."""

from __future__ import annotations

import random
from functools import cache
from itertools import accumulate

from faker.providers.person.en_GB import Provider


@cache
def _last_names() -> tuple[tuple[str, ...], tuple[float, ...]]:
    names = Provider.last_names
    return tuple(names), tuple(accumulate(names.values()))  # type: ignore[union-attr]


def given_name(rng: random.Random, sex: str) -> str:
    if sex == "female" or (sex != "male" and rng.random() < 0.5):
        return rng.choice(Provider.first_names_female)
    return rng.choice(Provider.first_names_male)


def family_name(rng: random.Random) -> str:
    names, cum = _last_names()
    return rng.choices(names, cum_weights=cum)[0]
