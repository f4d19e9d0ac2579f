"""Marshmallow schemas for the outcome measures API."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from hubs.outcomes.models import MeasureKind


class OutcomeCreateSchema(ma.Schema):
    episode_id = fields.Integer(required=True)
    kind = fields.Enum(MeasureKind, by_value=True, required=True)
    recorded_on = fields.Date(required=True)
    # Items are checked by the scoring service, which names the item: "answers.<item>".
    answers = fields.Dict(
        keys=fields.String(),
        values=fields.Raw(),
        required=True,
        metadata={
            "description": "DIALOG: the 11 item keys (e.g. mental_health) rated 1-7. "
            "ReQoL-10: item_1 … item_10 and physical_health, the scored values 0-4."
        },
    )
    more_help = fields.List(
        fields.String(),
        load_default=list,
        metadata={"description": "DIALOG item keys the person wants more help with"},
    )


class OutcomeSchema(ma.Schema):
    id = fields.Integer()
    episode_id = fields.Integer()
    person_id = fields.Integer()
    kind = fields.Enum(MeasureKind, by_value=True)
    recorded_on = fields.Date()
    recorded_by_id = fields.Integer(allow_none=True)
    answers = fields.Dict(keys=fields.String(), values=fields.Integer())
    more_help = fields.List(fields.String())
    score = fields.Float(
        metadata={"description": "DIALOG: quality of life (mean of 8); ReQoL-10: total 0-40"}
    )
    secondary_score = fields.Float(
        allow_none=True,
        metadata={"description": "DIALOG: treatment satisfaction; ReQoL-10: physical item"},
    )
    is_baseline = fields.Boolean()


class OutcomeListArgs(ma.Schema):
    episode_id = fields.Integer(
        load_default=None, metadata={"description": "One episode's measures, oldest first"}
    )
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    per_page = fields.Integer(load_default=25, validate=validate.Range(min=1, max=100))


class OutcomePageSchema(ma.Schema):
    items = fields.List(fields.Nested(OutcomeSchema))
    total = fields.Integer()
    page = fields.Integer()
    pages = fields.Integer()
