"""What a reader could subtract: the groups of published counts that add up to another
published count, and the protection that keeps every suppressed count hidden within them.

A part is hidden only if no whole beside it gives it away: breakdown values within their
total, hubs within the city, months within their quarter and quarters within their year,
and the snapshot months that stand for a quarter or a year.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from hubs.reporting import periods
from hubs.reporting.compute import CellKey, RawCell
from hubs.reporting.indicators import (
    TOTAL_VALUE,
    Breakdown,
    Count,
    Granularity,
    Indicator,
    Median,
    PopulationRate,
    RateRatio,
    Rolling,
    Share,
)
from hubs.reporting.suppression import Group, protect

# Which counts of each kind of recipe are published (and so protected as a group).
MEASURES: dict[type, tuple[str, ...]] = {
    Share: ("numerator", "denominator"),
    Rolling: ("numerator", "denominator"),
    Median: ("denominator",),
    Count: ("numerator",),
    PopulationRate: ("numerator",),
    RateRatio: ("numerator",),
}
Measured = tuple[str, CellKey]


def _breakdown_groups(keys: Iterable[CellKey]) -> list[Group[CellKey]]:
    parts: dict[tuple[Any, ...], list[CellKey]] = defaultdict(list)
    for k in keys:
        if k.breakdown != Breakdown.TOTAL:
            parts[(k.granularity, k.period_start, k.team_id, k.breakdown)].append(k)
    return [
        Group(CellKey(g, p, team, Breakdown.TOTAL, TOTAL_VALUE), tuple(members))
        for (g, p, team, _), members in parts.items()
    ]


def _area_groups(keys: Iterable[CellKey]) -> list[Group[CellKey]]:
    parts: dict[tuple[Any, ...], list[CellKey]] = defaultdict(list)
    for k in keys:
        if k.team_id is not None:
            parts[(k.granularity, k.period_start, k.breakdown, k.value)].append(k)
    return [
        Group(CellKey(g, p, None, b, v), tuple(members)) for (g, p, b, v), members in parts.items()
    ]


def _period_groups(
    keys: Iterable[CellKey], granularities: tuple[Granularity, ...]
) -> list[Group[CellKey]]:
    """Months within their quarter, quarters within their year."""
    order = [
        g for g in (Granularity.MONTH, Granularity.QUARTER, Granularity.YEAR) if g in granularities
    ]
    groups: list[Group[CellKey]] = []
    keys = list(keys)
    for fine, coarse in itertools.pairwise(order):
        parts: dict[tuple[Any, ...], list[CellKey]] = defaultdict(list)
        for k in keys:
            if k.granularity == fine:
                outer = periods.start_of(k.period_start, coarse)
                parts[(outer, k.team_id, k.breakdown, k.value)].append(k)
        groups += [
            Group(CellKey(coarse, outer, team, b, v), tuple(members))
            for (outer, team, b, v), members in parts.items()
        ]
    return groups


def _same_snapshots(keys: Iterable[CellKey]) -> list[list[CellKey]]:
    """A 12-month snapshot for a quarter or year is the figure of one month (its last, or
    the latest so far): those cells are hidden together."""
    keys = list(keys)
    months: dict[tuple[Any, ...], list[CellKey]] = defaultdict(list)
    for k in keys:
        if k.granularity == Granularity.MONTH:
            months[(k.team_id, k.breakdown, k.value)].append(k)
    same = []
    for k in keys:
        if k.granularity == Granularity.MONTH:
            continue
        end = periods.end_of(k.period_start, k.granularity)
        inside = [
            m
            for m in months[(k.team_id, k.breakdown, k.value)]
            if k.period_start <= m.period_start < end
        ]
        if inside:
            same.append([k, max(inside, key=lambda m: m.period_start)])
    return same


def protected_counts(
    indicator: Indicator, cells: dict[CellKey, RawCell]
) -> dict[Measured, int | None]:
    """Every published count of an indicator after primary and secondary suppression."""
    measures = MEASURES[type(indicator.recipe)]
    true = {(m, key): getattr(cell, m) for key, cell in cells.items() for m in measures}
    structure = (
        _breakdown_groups(cells)
        + _area_groups(cells)
        + (
            []
            if isinstance(indicator.recipe, Rolling)
            else _period_groups(cells, indicator.periods)
        )
    )
    groups = [
        Group((m, g.whole), tuple((m, p) for p in g.parts)) for g in structure for m in measures
    ]
    same = (
        [[(m, k) for k in keys] for keys in _same_snapshots(cells) for m in measures]
        if isinstance(indicator.recipe, Rolling)
        else []
    )
    return protect(true, groups, same)
