"""Small helpers for the distributions generators draw from."""

from __future__ import annotations

import datetime as dt
import math
import random
from bisect import bisect
from collections.abc import Sequence
from itertools import accumulate
from typing import TypeVar

T = TypeVar("T")


class Weighted:
    """A fixed weighted choice, with cumulative weights computed once."""

    def __init__(self, pairs: Sequence[tuple[T, float]]) -> None:
        self.values = [v for v, _ in pairs]
        self.cum = list(accumulate(w for _, w in pairs))
        self.total = self.cum[-1]

    def pick(self, rng: random.Random):  # type: ignore[no-untyped-def]
        # What random.choices does for one pick, without its per-call set-up.
        return self.values[bisect(self.cum, rng.random() * self.total)]


def rint(rng: random.Random, low: int, high: int) -> int:
    """A whole number from low to high inclusive (cheaper than randint in hot loops)."""
    return low + int(rng.random() * (high - low + 1))


def days_around(rng: random.Random, median: float, spread: float, low: int = 0) -> int:
    """Whole days from a log-normal with this median: most near it, a long tail above."""
    return max(low, round(rng.lognormvariate(math.log(median), spread)))


def at(day: dt.date, rng: random.Random, start_hour: int = 9, end_hour: int = 17) -> dt.datetime:
    """A moment in working hours on `day`, in UTC."""
    seconds = start_hour * 3600 + int(rng.random() * (end_hour - start_hour) * 3600)
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC) + dt.timedelta(seconds=seconds)


def plus(day: dt.date, days: int) -> dt.date:
    return day + dt.timedelta(days=days)


def upto(day: dt.date | None, as_of: dt.date) -> dt.date | None:
    """A date only if it has happened by the as-of date."""
    return day if day is not None and day <= as_of else None
