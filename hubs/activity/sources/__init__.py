"""Every event type's source, registered on import (see `registry`)."""

from hubs.activity.sources import care, clocks, pathways, referrals, support
from hubs.activity.sources.registry import SOURCES, Scope, one_person, person_range, source

__all__ = [
    "SOURCES",
    "Scope",
    "care",
    "clocks",
    "one_person",
    "pathways",
    "person_range",
    "referrals",
    "source",
    "support",
]
