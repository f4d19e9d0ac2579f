"""Statistics for the indicators: rates, rate ratios and their confidence intervals.

All of them take the *published* (rounded) counts, so a ratio or an interval never
carries more information about small numbers than the counts shown beside it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

Z_95 = 1.959964


@dataclass(frozen=True)
class RateRatio:
    ratio: float
    low: float
    high: float

    @property
    def differs(self) -> bool:
        """The interval excludes 1: the difference is unlikely to be chance alone."""
        return self.high < 1 or self.low > 1


def rate(count: int, population: int, per: int = 1000) -> float | None:
    if population <= 0:
        return None
    return per * count / population


def rate_ratio(
    count: int, population: int, other_count: int, other_population: int
) -> RateRatio | None:
    """The group's rate divided by everyone else's, with a 95% confidence interval.

    Method: the log (Katz) interval for a ratio of two Poisson rates with fixed
    populations: ln(RR) +- 1.96 * sqrt(1/a + 1/b), where a and b are the two counts. It is
    undefined when either count is zero (then None), as is the ratio without populations.
    """
    if min(count, other_count) <= 0 or min(population, other_population) <= 0:
        return None
    ratio = (count / population) / (other_count / other_population)
    spread = Z_95 * math.sqrt(1 / count + 1 / other_count)
    return RateRatio(
        ratio=round(ratio, 3),
        low=round(math.exp(math.log(ratio) - spread), 3),
        high=round(math.exp(math.log(ratio) + spread), 3),
    )
