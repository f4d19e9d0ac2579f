"""Where each event type's facts come from: one function per type, registered here.

A source reads the operational tables for the people in a scope (one person for the live
feed, a range of person ids for the rebuild) with set-based queries, and yields `Fact`s.
The live feed and the rebuild call the same source, so they cannot disagree about what a
row holds; the feed's signals only decide *when* a person's rows of a type are refreshed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import sqlalchemy as sa
from sqlalchemy.orm import Session

from hubs.activity.rows import Fact
from hubs.reporting.models import ActivityType

#: Restricts a query to the people in scope, given the query's person id column.
Scope = Callable[[sa.ColumnElement[int]], sa.ColumnElement[bool]]
Source = Callable[[Session, Scope], Iterable[Fact]]

SOURCES: dict[ActivityType, Source] = {}


def source(event_type: ActivityType) -> Callable[[Source], Source]:
    """Register the function that yields the facts of one event type."""

    def register(function: Source) -> Source:
        if event_type in SOURCES:
            raise RuntimeError(f"two sources for {event_type}")
        SOURCES[event_type] = function
        return function

    return register


def one_person(person_id: int) -> Scope:
    return lambda column: column == person_id


def person_range(first_id: int, last_id: int) -> Scope:
    return lambda column: column.between(first_id, last_id)
