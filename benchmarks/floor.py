"""The hand-written SQL floor for the indicator refresh benchmark (DESIGN §9).

One aggregate over `activity_events`, written by hand, computing the headline monthly
numbers the refresh also computes for the per-event indicators (shares and counts): the
numerator and denominator of each, per month, for the city and for each hub, before
suppression. The indicator benchmark times `hubs.reporting.refresh.refresh` against
`run_refresh_floor` on the same data; tests check the two agree (after rounding).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from hubs.reporting.indicators import INDICATORS, Count, Share, Where

MONTH = {
    "sqlite": "date(occurred_on, 'start of month')",
    "postgresql": "CAST(date_trunc('month', occurred_on) AS DATE)",
}


def _sql_condition(where: Where) -> str:
    column = where.column
    if where.op == "<=":
        return f"{column} <= {float(where.operand)}"  # type: ignore[arg-type]
    if where.op == "==":
        return f"{column} = {float(where.operand)}"  # type: ignore[arg-type]
    listed = ", ".join(
        f"'{v}'" if isinstance(v, str) else str(v)
        for v in where.operand  # type: ignore[union-attr]
    )
    if where.op == "in":
        return f"{column} IN ({listed})"
    return f"{column} IS NOT NULL AND {column} NOT IN ({listed})"


def floor_indicators() -> list[tuple[str, str, str]]:
    """(indicator id, event type, numerator condition) for the per-event indicators."""
    chosen = []
    for indicator in INDICATORS:
        recipe = indicator.recipe
        if isinstance(recipe, Share) and len(recipe.events) == 1:
            chosen.append((indicator.id, recipe.events[0].value, _sql_condition(recipe.numerator)))
        elif isinstance(recipe, Count) and not recipe.people and recipe.where is None:
            chosen.append((indicator.id, recipe.events[0].value, "1 = 1"))
    return chosen


def refresh_floor_sql(dialect_name: str) -> str:
    """The floor as SQL text for SQLite or PostgreSQL (one statement, one bound :until)."""
    month = MONTH[dialect_name]
    cases = "\n".join(
        f"      WHEN '{indicator_id}' THEN CASE WHEN {condition} THEN 1 ELSE 0 END"
        for indicator_id, _, condition in floor_indicators()
    )
    pairs = " UNION ALL ".join(
        f"SELECT '{indicator_id}' AS indicator_id, '{event_type}' AS event_type"
        for indicator_id, event_type, _ in floor_indicators()
    )
    # Built only from the declared indicator codes above, never from input.
    counted = f"""
    SELECT i.indicator_id, {month} AS period, e.team_id,
      CASE i.indicator_id
{cases}
      END AS met
    FROM activity_events e JOIN ({pairs}) i ON i.event_type = e.event_type
    WHERE e.opted_out = false AND e.occurred_on <= :until"""
    return f"""
WITH counted AS ({counted}
)
SELECT indicator_id, period, NULL AS team_id, SUM(met) AS numerator, COUNT(*) AS denominator
FROM counted GROUP BY indicator_id, period
UNION ALL
SELECT indicator_id, period, team_id, SUM(met), COUNT(*)
FROM counted WHERE team_id IS NOT NULL GROUP BY indicator_id, period, team_id
"""


@dataclass(frozen=True)
class FloorRow:
    indicator_id: str
    period_start: dt.date
    team_id: int | None
    numerator: int
    denominator: int


def run_refresh_floor(session: Session, until: dt.date) -> list[FloorRow]:
    """Run the floor: true (unsuppressed) monthly numbers, for timing and cross-checking."""
    dialect = session.get_bind().dialect.name
    result = session.execute(sa.text(refresh_floor_sql(dialect)), {"until": until})
    return [
        FloorRow(
            row.indicator_id,
            row.period if isinstance(row.period, dt.date) else dt.date.fromisoformat(row.period),
            row.team_id,
            int(row.numerator),
            int(row.denominator),
        )
        for row in result
    ]
