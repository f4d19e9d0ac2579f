"""The indicator refresh benchmark's hook, for the reporting module to plug into.

The reporting module (being built in parallel) registers its full refresh and a
hand-written SQL aggregate of the same numbers, e.g. in `hubs/reporting/bench.py` or here::

    from benchmarks.indicators import register_indicator_refresh
    from hubs.reporting.services import refresh_indicators

    register_indicator_refresh(
        refresh=lambda session: refresh_indicators(session, period="city-year"),
        floor_sql="SELECT indicator, count(*) FROM activity WHERE ... GROUP BY ...",
    )

Until then the report says "not yet measured" rather than inventing a figure.
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
    floor_sql: str  # a hand-written aggregate of the same numbers


_HOOK: IndicatorRefresh | None = None


def register_indicator_refresh(refresh: Callable[[Session], Any], floor_sql: str) -> None:
    """Plug the reporting module's refresh into `make bench`."""
    global _HOOK
    _HOOK = IndicatorRefresh(refresh, floor_sql)


def measure(engine: sa.Engine, repeats: int = 5) -> dict[str, Any]:
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
        with engine.connect() as conn:
            began = time.perf_counter()
            conn.exec_driver_sql(_HOOK.floor_sql).fetchall()
            floor_times.append(time.perf_counter() - began)
    refresh_s, floor_s = statistics.median(refresh_times), statistics.median(floor_times)
    return {
        "status": "measured",
        "refresh_s": round(refresh_s, 3),
        "floor_s": round(floor_s, 3),
        "ratio": round(refresh_s / floor_s, 2) if floor_s else None,
        "target_ratio": TARGET_RATIO,
    }
