"""How stored (suppressed) values are shown: formats, red/amber/green, trend charts, cards.

Everything here works on `IndicatorValue` rows, which are suppressed before they are
stored, so a chart or a table can only ever show what suppression allowed.
"""

from __future__ import annotations

import datetime as dt
import enum
import math
from dataclasses import dataclass, field

from hubs.reporting import periods
from hubs.reporting.access import Area
from hubs.reporting.indicator_models import IndicatorValue
from hubs.reporting.indicators import (
    Breakdown,
    Direction,
    Granularity,
    Indicator,
    Unit,
    value_label,
)
from hubs.reporting.suppression import SUPPRESSED_MARK

NO_DATA = "No data"
NOTHING = "\N{EN DASH}"


class Rag(enum.StrEnum):
    GREEN = "green"
    AMBER = "amber"
    RED = "red"
    NO_TARGET = "no_target"
    NO_VALUE = "no_value"

    @property
    def label(self) -> str:
        return {
            "green": "On target",
            "amber": "Close to target",
            "red": "Off target",
            "no_target": "No target set",
            "no_value": "No value to compare",
        }[self.value]

    @property
    def tag_class(self) -> str:
        return {
            "green": "nhsuk-tag--green",
            "amber": "nhsuk-tag--orange",
            "red": "nhsuk-tag--red",
            "no_target": "nhsuk-tag--grey",
            "no_value": "nhsuk-tag--white",
        }[self.value]


def rag(indicator: Indicator, value: float | None) -> Rag:
    """Red, amber or green against the target, in the indicator's direction of good."""
    if indicator.target is None or indicator.direction == Direction.NONE:
        return Rag.NO_TARGET
    if value is None:
        return Rag.NO_VALUE
    higher = indicator.direction == Direction.HIGHER
    shortfall = (indicator.target - value) if higher else (value - indicator.target)
    if shortfall <= 0:
        return Rag.GREEN
    return Rag.AMBER if shortfall <= indicator.amber_within else Rag.RED


def number(value: float | None, unit: Unit) -> str:
    """A value in its unit, without the suppression mark (see `shown_value`)."""
    if value is None:
        return NO_DATA
    if unit == Unit.PERCENT:
        return f"{value:.1f}%"
    if unit == Unit.DAYS:
        return f"{value:g} days"
    if unit == Unit.COUNT:
        return f"{int(value):,}"
    if unit == Unit.RATE_PER_1000:
        return f"{value:.2f} per 1,000"
    return f"{value:.2f}"


def shown_value(indicator: Indicator, row: IndicatorValue | None) -> str:
    if row is None:
        return NO_DATA
    if row.value_suppressed:
        return SUPPRESSED_MARK
    text = number(row.value, indicator.unit)
    if indicator.unit == Unit.RATE_RATIO and row.ci_low is not None:
        text += f" (95% CI {row.ci_low:.2f} to {row.ci_high:.2f})"
    return text


def shown_count(count: int | None, suppressed: bool) -> str:
    if suppressed:
        return SUPPRESSED_MARK
    return NOTHING if count is None else f"{count:,}"


def target_text(indicator: Indicator) -> str:
    if indicator.target is None:
        return "No target set"
    sign = {Direction.HIGHER: "at least", Direction.LOWER: "at most"}.get(indicator.direction, "")
    return f"{sign} {number(indicator.target, indicator.unit)}".strip()


def is_partial(row: IndicatorValue) -> bool:
    """The period had not ended when the values were computed."""
    granularity = Granularity(row.period_type)
    return periods.end_of(row.period_start, granularity) > row.computed_at.date()


def period_text(row: IndicatorValue) -> str:
    text = periods.label(row.period_start, Granularity(row.period_type))
    return f"{text} (to date)" if is_partial(row) else text


# --- Trend charts ----------------------------------------------------------------------------


@dataclass
class Series:
    name: str
    points: list[tuple[int, float]]  # (period index, value)
    style: int


@dataclass
class Chart:
    id: str
    title: str
    summary: str
    series: list[Series]
    x_labels: list[tuple[int, str]]
    count: int
    ticks: list[tuple[float, str]]
    top: float
    target: float | None = None
    target_label: str = ""


def _nice_ticks(top: float) -> list[float]:
    if top <= 0:
        top = 1
    raw = top / 5
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    return [i * step for i in range(math.ceil(top / step - 1e-9) + 1)]


def _tick_label(value: float, unit: Unit) -> str:
    if unit == Unit.PERCENT:
        return f"{value:g}%"
    return f"{value:g}"


def trend_chart(
    indicator: Indicator, lines: list[tuple[str, list[IndicatorValue]]], chart_id: str
) -> Chart | None:
    """A line per area over the periods; hidden values leave a gap (never a guess)."""
    starts = sorted({row.period_start for _, rows in lines for row in rows})
    if not starts:
        return None
    position = {start: i for i, start in enumerate(starts)}
    series = []
    for style, (name, rows) in enumerate(lines):
        points = [(position[r.period_start], r.value) for r in rows if r.value is not None]
        series.append(Series(name, points, style))  # type: ignore[arg-type]
    values = [v for s in series for _, v in s.points] + (
        [indicator.target] if indicator.target is not None else []
    )
    ticks = (
        [float(t) for t in range(0, 101, 20)]
        if indicator.unit == Unit.PERCENT
        else _nice_ticks(max(values or [1]))
    )
    granularity = Granularity(lines[0][1][0].period_type) if lines[0][1] else Granularity.MONTH
    step = max(1, math.ceil(len(starts) / 6))
    return Chart(
        id=chart_id,
        title=f"{indicator.title}: trend",
        summary=_summary(indicator, series, starts, granularity),
        series=series,
        x_labels=[
            (i, periods.short_label(s, granularity)) for i, s in enumerate(starts) if i % step == 0
        ],
        count=len(starts),
        ticks=[(t, _tick_label(t, indicator.unit)) for t in ticks],
        top=ticks[-1],
        target=indicator.target,
        target_label=f"Target {number(indicator.target, indicator.unit)}"
        if indicator.target is not None
        else "",
    )


def _summary(
    indicator: Indicator, series: list[Series], starts: list[dt.date], granularity: Granularity
) -> str:
    parts = [indicator.direction.label + "."]
    for s in series:
        if s.points:
            index, latest = s.points[-1]
            when = periods.label(starts[index], granularity)
            parts.append(f"{s.name}: latest {number(latest, indicator.unit)} in {when}.")
    parts.append("The table has the same numbers; * means hidden to protect privacy.")
    return " ".join(parts)


# --- Cards -----------------------------------------------------------------------------------


@dataclass
class TrendRow:
    period: str
    values: list[str]
    counts: list[str]


@dataclass
class BreakdownRow:
    label: str
    cells: list[IndicatorValue | None]


@dataclass
class Card:
    indicator: Indicator
    area: Area
    compare: list[Area]
    granularity: Granularity
    latest: IndicatorValue | None
    latest_city: IndicatorValue | None
    chart: Chart | None
    trend: list[TrendRow]
    breakdown: Breakdown | None = None
    breakdown_rows: list[BreakdownRow] = field(default_factory=list)
    breakdown_period: str = ""
    note: str = ""

    @property
    def rag(self) -> Rag:
        if self.latest is None:
            return Rag.NO_VALUE if self.indicator.target is not None else Rag.NO_TARGET
        return rag(self.indicator, self.latest.value)

    @property
    def value_text(self) -> str:
        return shown_value(self.indicator, self.latest)

    @property
    def city_text(self) -> str:
        return shown_value(self.indicator, self.latest_city)


def count_text(row: IndicatorValue | None) -> str:
    """'15 of 20' for a share, the count alone for a count, a dash for nothing."""
    if row is None:
        return NOTHING
    if row.numerator is None and not row.numerator_suppressed:
        # A median: how many values lie behind it.
        return f"n = {shown_count(row.denominator, row.denominator_suppressed)}"
    numerator = shown_count(row.numerator, row.numerator_suppressed)
    if row.denominator is None and not row.denominator_suppressed:
        return numerator
    denominator = shown_count(row.denominator, row.denominator_suppressed)
    return f"{numerator} of {denominator}"


def trend_rows(
    indicator: Indicator, lines: list[tuple[str, list[IndicatorValue]]]
) -> list[TrendRow]:
    by_area = [{r.period_start: r for r in rows} for _, rows in lines]
    starts = sorted({s for rows in by_area for s in rows}, reverse=True)
    return [
        TrendRow(
            period=period_text(next(r[s] for r in by_area if s in r)),
            values=[shown_value(indicator, rows.get(s)) for rows in by_area],
            counts=[count_text(rows.get(s)) for rows in by_area],
        )
        for s in starts
    ]


def breakdown_table(
    indicator: Indicator, breakdown: Breakdown, by_area: list[list[IndicatorValue]]
) -> list[BreakdownRow]:
    """One row per breakdown value, one cell per area (missing: nobody in that group)."""
    maps = [{r.breakdown_value: r for r in rows if r.breakdown == breakdown} for rows in by_area]
    order = _value_order(breakdown, {v for m in maps for v in m})
    return [BreakdownRow(value_label(breakdown, v), [m.get(v) for m in maps]) for v in order]


def _value_order(breakdown: Breakdown, values: set[str]) -> list[str]:
    from hubs.reporting.indicators import BREAKDOWN_ORDER

    known = [v for v in BREAKDOWN_ORDER.get(breakdown, ()) if v in values]
    return known + sorted(values - set(known))
