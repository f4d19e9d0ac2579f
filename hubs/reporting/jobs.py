"""Scheduled reporting jobs (registered with the scheduler elsewhere; DESIGN §7)."""

from __future__ import annotations

import datetime as dt

from hubs.extensions import db
from hubs.reporting.refresh import refresh


def refresh_indicators(now: dt.datetime) -> int:
    """Nightly: recompute every strategy indicator from the activity store and replace the
    stored, suppressed values. Idempotent; flushes but never commits (the scheduler commits
    once). Returns the number of values stored."""
    return refresh(db.session, now)
