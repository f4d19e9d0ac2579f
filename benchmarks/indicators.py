"""The indicator refresh benchmark: the full refresh of a city-year of activity against a
hand-written SQL aggregate of the same headline numbers, run on the same data in the same run.

The floor (`hubs.reporting.floor`) is one GROUP BY giving the monthly true numerators and
denominators of the per-event indicators for the city and each hub. The refresh computes
more than that (quarters, years, rolling cohorts, breakdowns, rate ratios, suppression), so
the ratio overstates the overhead; it is reported as measured.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

TARGET_RATIO = 2.0


@dataclass(frozen=True)
class IndicatorRefresh:
    refresh: Callable[[Session], Any]  # the full refresh for a city-year; flushes, no commit
    floor: Callable[[Session], Any]  # a hand-written aggregate of the same numbers


_HOOK: IndicatorRefresh | None = None


def register_indicator_refresh(
    refresh: Callable[[Session], Any], floor: Callable[[Session], Any]
) -> None:
    """Plug the reporting module's refresh into `make bench`."""
    global _HOOK
    _HOOK = IndicatorRefresh(refresh, floor)


def measure(engine: sa.Engine, repeats: int = 3) -> dict[str, Any]:
    """Median refresh time against the median time of its hand-written aggregate."""
    if _HOOK is None:
        return {
            "status": "not yet measured",
            "why": "the reporting module has not registered its refresh "
            "(benchmarks.indicators.register_indicator_refresh)",
        }
    refresh_times, floor_times = [], []
    for _ in range(repeats):
        with Session(engine) as session:
            began = time.perf_counter()
            _HOOK.refresh(session)
            session.flush()
            refresh_times.append(time.perf_counter() - began)
            session.rollback()
        with Session(engine) as session:
            began = time.perf_counter()
            _HOOK.floor(session)
            floor_times.append(time.perf_counter() - began)
    refresh_s, floor_s = statistics.median(refresh_times), statistics.median(floor_times)
    return {
        "status": "measured",
        "refresh_s": round(refresh_s, 3),
        "floor_s": round(floor_s, 3),
        "ratio": round(refresh_s / floor_s, 2) if floor_s else None,
        "target_ratio": TARGET_RATIO,
    }


def _reporting_refresh(session: Session) -> int:
    from hubs.core.types import utcnow
    from hubs.reporting.refresh import refresh

    return refresh(session, utcnow())


def _reporting_floor(session: Session) -> list[Any]:
    from benchmarks.floor import run_refresh_floor
    from hubs.core.types import today

    return run_refresh_floor(session, today())


register_indicator_refresh(_reporting_refresh, _reporting_floor)
