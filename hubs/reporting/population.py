"""Population denominators from the CSVs analysts maintain (`hubs/reporting/data/`).

The shipped files are illustrative, not official figures (their first line says so, and so
does the dashboard while they are in use). Rates per population are computed against these
figures only: they are never invented in code.
"""

from __future__ import annotations

import csv
import functools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from hubs.core.errors import ValidationError
from hubs.reporting.indicators import Breakdown
from hubs.reporting.models import AGE_BANDS, ETHNIC_GROUPS

DATA_DIR = Path(__file__).resolve().parent / "data"
POPULATION_CSV = DATA_DIR / "population.csv"
POPULATION_IMD_CSV = DATA_DIR / "population_imd.csv"
SEXES = ("female", "male")
COMPARABLE_ETHNIC_GROUPS = ETHNIC_GROUPS[:5]  # not "Not stated" / "Not known"
QUINTILES = ("1", "2", "3", "4", "5")
ILLUSTRATIVE_MARK = "ILLUSTRATIVE"

Key = tuple[str, str, str, str]  # lcp, age band, sex, ethnic group


@dataclass
class Population:
    """People by LCP, age band, sex and ethnic group; and by LCP and IMD quintile."""

    people: dict[Key, int] = field(default_factory=dict)
    by_quintile: dict[tuple[str, str], int] = field(default_factory=dict)
    is_illustrative: bool = False

    @property
    def neighbourhood_codes(self) -> set[str]:
        return {k[0] for k in self.people} | {k[0] for k in self.by_quintile}

    def split(
        self, breakdown: Breakdown, age_bands: Iterable[str] | None = None
    ) -> dict[tuple[str, str], int]:
        """Population per (LCP, breakdown value), optionally within some age bands; the
        breakdown "total" gives one value per LCP under the value "all"."""
        if breakdown == Breakdown.IMD_QUINTILE:
            return dict(self.by_quintile)
        position = {Breakdown.AGE_BAND: 1, Breakdown.SEX: 2, Breakdown.ETHNIC_GROUP: 3}
        bands = set(age_bands) if age_bands else None
        totals: dict[tuple[str, str], int] = defaultdict(int)
        for key, n in self.people.items():
            if bands is not None and key[1] not in bands:
                continue
            value = key[position[breakdown]] if breakdown in position else "all"
            totals[(key[0], value)] += n
        return dict(totals)


def _rows(path: Path) -> tuple[list[dict[str, str]], bool]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ValidationError(f"Cannot read population file {path}: {error}") from error
    lines = text.splitlines()
    illustrative = any(ILLUSTRATIVE_MARK in line for line in lines if line.startswith("#"))
    data = [line for line in lines if line.strip() and not line.startswith("#")]
    return list(csv.DictReader(data)), illustrative


def _count(row: dict[str, str], path: Path, line: int) -> int:
    try:
        n = int(row["population"])
    except (KeyError, TypeError, ValueError) as error:
        raise ValidationError(f"{path.name} row {line}: population must be a whole number") from (
            error
        )
    if n < 0:
        raise ValidationError(f"{path.name} row {line}: population cannot be negative")
    return n


def _check(value: str, allowed: tuple[str, ...], what: str, path: Path, line: int) -> str:
    if value not in allowed:
        raise ValidationError(f"{path.name} row {line}: unknown {what} {value!r}")
    return value


def load_population(
    path: Path | str | None = None, imd_path: Path | str | None = None
) -> Population:
    """Read and check both files; a wrong code fails loudly rather than skewing a rate."""
    main = Path(path or POPULATION_CSV)
    imd = Path(imd_path or POPULATION_IMD_CSV)
    rows, illustrative = _rows(main)
    population = Population(is_illustrative=illustrative)
    for line, row in enumerate(rows, start=2):
        key = (
            row["lcp_code"].strip(),
            _check(row["age_band"], AGE_BANDS, "age band", main, line),
            _check(row["sex"], SEXES, "sex", main, line),
            _check(row["ethnic_group"], COMPARABLE_ETHNIC_GROUPS, "ethnic group", main, line),
        )
        population.people[key] = population.people.get(key, 0) + _count(row, main, line)
    if imd.exists():
        imd_rows, imd_illustrative = _rows(imd)
        population.is_illustrative = population.is_illustrative or imd_illustrative
        for line, row in enumerate(imd_rows, start=2):
            key2 = (
                row["lcp_code"].strip(),
                _check(row["imd_quintile"], QUINTILES, "IMD quintile", imd, line),
            )
            population.by_quintile[key2] = population.by_quintile.get(key2, 0) + _count(
                row, imd, line
            )
    return population


def configured_population() -> Population:
    """The population files named in the configuration (the shipped ones by default)."""
    from flask import current_app, has_app_context

    if not has_app_context():
        return load_population()
    config = current_app.config
    return load_population(config.get("POPULATION_CSV"), config.get("POPULATION_IMD_CSV"))


@functools.lru_cache(maxsize=8)
def _marked_illustrative(path: str, modified: float) -> bool:
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            if not line.startswith("#"):
                return False
            if ILLUSTRATIVE_MARK in line:
                return True
    return False


def population_is_illustrative() -> bool:
    """Whether the configured population files are the illustrative ones (said on pages)."""
    from flask import current_app

    config = current_app.config
    paths = [
        Path(config.get("POPULATION_CSV") or POPULATION_CSV),
        Path(config.get("POPULATION_IMD_CSV") or POPULATION_IMD_CSV),
    ]
    return any(p.exists() and _marked_illustrative(str(p), p.stat().st_mtime) for p in paths)
