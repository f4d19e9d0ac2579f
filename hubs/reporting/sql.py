"""SQL building blocks for indicators that work the same on SQLite and PostgreSQL.

Periods are grouped in the database (never by looping over events in Python): a date is
mapped to the first day of its month, quarter or NHS financial year (1 April) by a small
construct compiled for each dialect.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement, FunctionElement

from hubs.reporting.indicators import Granularity


class _PeriodStart(FunctionElement[Any]):
    """The first day of the period containing a date. One subclass per granularity, so
    SQLAlchemy's statement cache (keyed on the class) never mixes them up."""

    type = sa.Date()
    inherit_cache = True
    granularity = Granularity.MONTH


class _MonthStart(_PeriodStart):
    inherit_cache = True
    name = "month_start"
    granularity = Granularity.MONTH


class _QuarterStart(_PeriodStart):
    inherit_cache = True
    name = "quarter_start"
    granularity = Granularity.QUARTER


class _YearStart(_PeriodStart):
    inherit_cache = True
    name = "financial_year_start"
    granularity = Granularity.YEAR


_CONSTRUCTS = {
    Granularity.MONTH: _MonthStart,
    Granularity.QUARTER: _QuarterStart,
    Granularity.YEAR: _YearStart,
}


def period_start(date: ColumnElement[Any], granularity: Granularity) -> _PeriodStart:
    """The first day of the month, quarter or financial year (1 April) containing a date."""
    return _CONSTRUCTS[granularity](date)


def _argument(element: _PeriodStart, compiler: Any, **kw: Any) -> str:
    (date,) = element.clauses
    return str(compiler.process(date, **kw))


@compiles(_PeriodStart, "sqlite")
def _sqlite(element: _PeriodStart, compiler: Any, **kw: Any) -> str:
    date = _argument(element, compiler, **kw)
    if element.granularity == Granularity.MONTH:
        return f"date({date}, 'start of month')"
    if element.granularity == Granularity.QUARTER:
        # Back to January, April, July or October: (month - 1) % 3 months earlier.
        return (
            f"date({date}, 'start of month', "
            f"'-' || ((CAST(strftime('%m', {date}) AS INTEGER) - 1) % 3) || ' months')"
        )
    # Financial year: three months back, start of that calendar year, three months on.
    return f"date({date}, '-3 months', 'start of year', '+3 months')"


@compiles(_PeriodStart, "postgresql")
def _postgresql(element: _PeriodStart, compiler: Any, **kw: Any) -> str:
    date = _argument(element, compiler, **kw)
    if element.granularity == Granularity.MONTH:
        return f"CAST(date_trunc('month', {date}) AS DATE)"
    if element.granularity == Granularity.QUARTER:
        return f"CAST(date_trunc('quarter', {date}) AS DATE)"
    return f"CAST(date_trunc('year', {date} - INTERVAL '3 months') + INTERVAL '3 months' AS DATE)"


def as_text(column: ColumnElement[Any]) -> ColumnElement[str]:
    return sa.cast(column, sa.String)


def number(value: int) -> ColumnElement[int]:
    """An integer written into the SQL text: PostgreSQL cannot type a bare parameter in a
    CASE or SUM, and the same constant as two parameters breaks GROUP BY matching."""
    return sa.literal_column(str(int(value)), sa.Integer)


def text(value: str) -> ColumnElement[str]:
    """A code (never user input) written into the SQL text, for the same reasons."""
    if "'" in value:
        raise ValueError("codes never contain quotes")
    return sa.literal_column(f"'{value}'", sa.String)
