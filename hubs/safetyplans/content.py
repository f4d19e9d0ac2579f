"""What a safety plan says: its Stanley-Brown sections in the person's own words, the crisis
services it lists, and how two versions (or a version and an edit) differ."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from hubs.careplans import versioning
from hubs.directory.models import Service
from hubs.safetyplans.models import SafetyPlan

# The person's own words for each section, in the order a safety plan is worked through.
TEXT_SECTIONS: dict[str, str] = {
    "warning_signs": "Warning signs",
    "coping_alone": "Things I can do on my own",
    "distractions": "People and places that take my mind off things",
    "people_to_ask": "People I can ask for help",
    "professionals_note": "Professionals and crisis services I can contact",
    "environment_safety": "Making my environment safer",
    "reasons_for_living": "What keeps me going",
}
SECTION_LABELS: dict[str, str] = {
    **TEXT_SECTIONS,
    "services": "Crisis services and helplines",
    "review_due_on": "Review date",
}
MAX_SECTION = 4000


@dataclass
class SafetyPlanContent:
    warning_signs: str = ""
    coping_alone: str = ""
    distractions: str = ""
    people_to_ask: str = ""
    professionals_note: str = ""
    environment_safety: str = ""
    reasons_for_living: str = ""
    service_ids: list[int] = field(default_factory=list)
    review_due_on: dt.date | None = None


# --- Snapshots and comparison -------------------------------------------------------------


def snapshot(plan: SafetyPlan) -> dict[str, Any]:
    """A version's content as plain values, for comparing versions and spotting conflicts."""
    values: dict[str, Any] = {name: getattr(plan, name) for name in TEXT_SECTIONS}
    values["services"] = sorted(s.name for s in plan.services)
    values["review_due_on"] = plan.review_due_on
    return values


def content_snapshot(content: SafetyPlanContent, chosen: Sequence[Service]) -> dict[str, Any]:
    """Submitted content as `snapshot` gives a stored version (to name what an edit changes)."""
    values: dict[str, Any] = {name: getattr(content, name).strip() for name in TEXT_SECTIONS}
    values["services"] = sorted(s.name for s in chosen)
    values["review_due_on"] = content.review_due_on
    return values


def compare_safety_versions(older: SafetyPlan, newer: SafetyPlan) -> list[versioning.Change]:
    """The sections that differ between two versions of a person's safety plan."""
    return versioning.compare(snapshot(older), snapshot(newer), SECTION_LABELS)


def has_content(plan: SafetyPlan) -> bool:
    return any(getattr(plan, name).strip() for name in TEXT_SECTIONS) or bool(plan.services)
