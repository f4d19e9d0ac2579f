"""Marshmallow schemas for the caseloads API (read side, plus bulk reassignment)."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

from hubs.caseloads.services import MAX_BULK_REASSIGN


def clock_dict(reading: Any) -> dict[str, Any] | None:
    if reading is None:
        return None
    head = reading.headline
    return {
        "name": head.name,
        "days_elapsed": head.days_elapsed,
        "days_left": head.days_left,
        "breached": head.is_breached,
        "state": head.state.value,
        "due_on": head.due_on.isoformat(),
    }


def review_dict(review: Any) -> dict[str, Any]:
    due = review.review_due_on
    return {"state": review.state.value, "review_due_on": due.isoformat() if due else None}


class WeightingSchema(ma.Schema):
    rule = fields.Function(lambda w: w.describe())
    weights = fields.Function(lambda w: {str(k): v for k, v in w.weights.items()})


class WorkerSchema(ma.Schema):
    id = fields.Integer()
    display_name = fields.String()
    role = fields.Function(lambda u: u.role.value if u.role else None)


class CaseloadEntrySchema(ma.Schema):
    person_id = fields.Function(lambda e: e.person.id)
    name = fields.Function(lambda e: e.person.full_name)
    episode_ids = fields.Function(lambda e: [ep.id for ep in e.episodes])
    is_lead = fields.Boolean()
    highest_need = fields.Function(lambda e: e.severity.value if e.severity else None)
    weight = fields.Integer()
    last_contact_on = fields.Function(lambda e: e.facts.last_contact_on)
    next_contact_on = fields.Function(lambda e: e.facts.next_contact_on)
    care_plan_review = fields.Function(lambda e: review_dict(e.facts.plans.care_plan))
    safety_plan_review = fields.Function(lambda e: review_dict(e.facts.plans.safety_plan))
    physical_health_check_complete = fields.Function(lambda e: e.facts.health.is_complete)
    clock = fields.Function(lambda e: clock_dict(e.clocks))
    flags = fields.Function(lambda e: [f.value for f in e.flags])


class CaseloadSchema(ma.Schema):
    worker = fields.Nested(WorkerSchema)
    weighting = fields.Nested(WeightingSchema)
    count = fields.Function(lambda c: len(c.entries))
    weighted = fields.Integer()
    entries = fields.List(fields.Nested(CaseloadEntrySchema))


class WorkerLoadSchema(ma.Schema):
    worker = fields.Nested(WorkerSchema)
    people = fields.Integer()
    weighted = fields.Integer()
    lead_for = fields.Integer()
    by_severity = fields.Function(lambda w: {str(k): v for k, v in w.by_severity.items()})


def _person_note(note: Any) -> dict[str, Any]:
    episode = note.episode if hasattr(note, "episode") else note
    return {"episode_id": episode.id, "person_id": episode.person_id}


class HubOverviewSchema(ma.Schema):
    team_id = fields.Function(lambda v: v.team.id)
    team_name = fields.Function(lambda v: v.team.name)
    weighting = fields.Nested(WeightingSchema)
    workers = fields.List(fields.Nested(WorkerLoadSchema))
    waiting_total = fields.Integer()
    breached_total = fields.Integer()
    due_soon_total = fields.Integer()
    waiting = fields.Function(
        lambda v: [
            {
                "referral_id": w.referral.id,
                "person_id": w.referral.person_id,
                "clock": clock_dict(w.clocks),
            }
            for w in v.waiting
        ]
    )
    lead_unavailable = fields.Function(lambda v: [_person_note(e) for e in v.lead_unavailable])
    awaiting_first_contact = fields.Function(
        lambda v: [_person_note(n) for n in v.awaiting_first_contact]
    )
    no_recent_contact = fields.Function(lambda v: [_person_note(n) for n in v.no_recent_contact])
    reviews_overdue = fields.Function(lambda v: [_person_note(n) for n in v.reviews_overdue])


class BulkReassignSchema(ma.Schema):
    from_user_id = fields.Integer(required=True)
    to_user_id = fields.Integer(required=True)
    episode_ids = fields.List(
        fields.Integer(),
        required=True,
        validate=validate.Length(min=1, max=MAX_BULK_REASSIGN),
    )
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class TransferSchema(ma.Schema):
    id = fields.Integer()
    team_id = fields.Integer()
    from_user_id = fields.Integer()
    to_user_id = fields.Integer()
    reason = fields.String()
    episode_ids = fields.Function(lambda t: [e.episode_id for e in t.episodes])
