"""Scheduled jobs of the shared base (registered in hubs/scheduling.py)."""

from __future__ import annotations

import datetime as dt

from hubs.core import audit_chain
from hubs.core.audit import AuditEvent
from hubs.core.session import app_session


def seal_audit_chain(now: dt.datetime) -> int:
    """Seal the audit rows committed since the last run into the hash chain (idempotent)."""
    return audit_chain.seal_unsealed(app_session(), AuditEvent.__table__)  # type: ignore[arg-type]
