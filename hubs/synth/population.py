"""Demographics that follow the population CSV (LCP, age band, sex and ethnic group).

`data/population.csv` is illustrative, not official statistics: it splits a city of about
812,000 people over the 19 LCPs so that synthetic people have a realistic spread of age,
sex and ethnic group by neighbourhood. Contact with mental health services is more common
at some ages, so each band's people are weighted by `CONTACT_RATE` when sampled.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from dataclasses import dataclass
from functools import cache
from itertools import accumulate
from pathlib import Path

POPULATION_CSV = Path(__file__).resolve().parent / "data" / "population.csv"

# Relative rate of contact with community mental health services by age band (illustrative).
CONTACT_RATE = {
    "16-17": 0.8,
    "18-25": 1.5,
    "26-34": 1.35,
    "35-44": 1.2,
    "45-54": 1.0,
    "55-64": 0.8,
    "65-74": 0.5,
    "75-84": 0.45,
    "85+": 0.3,
}
BAND_AGES = {
    "16-17": (16, 17),
    "18-25": (18, 25),
    "26-34": (26, 34),
    "35-44": (35, 44),
    "45-54": (45, 54),
    "55-64": (55, 64),
    "65-74": (65, 74),
    "75-84": (75, 84),
    "85+": (85, 99),
}
# NHS ethnic category codes within each top-level group, with illustrative shares.
CATEGORY_SHARES = {
    "White": (("A", 0.82), ("B", 0.02), ("C", 0.16)),
    "Mixed": (("D", 0.30), ("E", 0.15), ("F", 0.30), ("G", 0.25)),
    "Asian or Asian British": (("H", 0.30), ("J", 0.45), ("K", 0.08), ("L", 0.17)),
    "Black or Black British": (("M", 0.30), ("N", 0.55), ("P", 0.15)),
    "Other ethnic groups": (("R", 0.35), ("S", 0.65)),
}
NOT_RECORDED = (("Z", 0.04), ("99", 0.02))  # not stated, not known


@dataclass(frozen=True)
class Cell:
    age_band: str
    sex: str
    ethnic_group: str


@dataclass(frozen=True)
class LcpPopulation:
    cells: tuple[Cell, ...]
    cum_weights: tuple[float, ...]

    @property
    def weight(self) -> float:
        return self.cum_weights[-1] if self.cum_weights else 0.0


@cache
def load_population(path: Path = POPULATION_CSV) -> dict[str, LcpPopulation]:
    """Sampling weights per LCP code, for the age bands hubs serve (16 and over)."""
    cells: dict[str, list[tuple[Cell, float]]] = {}
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            rate = CONTACT_RATE.get(row["age_band"])
            if rate is None:
                continue
            cell = Cell(row["age_band"], row["sex"], row["ethnic_group"])
            cells.setdefault(row["lcp_code"], []).append((cell, int(row["people"]) * rate))
    return {
        code: LcpPopulation(tuple(c for c, _ in rows), tuple(accumulate(w for _, w in rows)))
        for code, rows in cells.items()
    }


def sample_person(
    rng: random.Random, population: LcpPopulation, as_of: dt.date
) -> tuple[dt.date, str, str]:
    """(date of birth, sex, ethnic category code) for one person in an LCP."""
    [cell] = rng.choices(population.cells, cum_weights=population.cum_weights)
    low, high = BAND_AGES[cell.age_band]
    born = as_of - dt.timedelta(days=rng.randint(low * 365 + 1, high * 365 + 364))
    sex = cell.sex
    if rng.random() < 0.004:
        sex = rng.choice(("indeterminate", "not_known"))
    return born, sex, ethnic_code(rng, cell.ethnic_group)


def ethnic_code(rng: random.Random, group: str) -> str:
    roll = rng.random()
    for code, share in NOT_RECORDED:
        if roll < share:
            return code
        roll -= share
    codes = CATEGORY_SHARES[group]
    return rng.choices([c for c, _ in codes], weights=[w for _, w in codes])[0]
