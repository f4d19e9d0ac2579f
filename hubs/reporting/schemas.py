"""Marshmallow schemas for the indicators API: definitions and suppressed values only."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from hubs.reporting.indicators import Breakdown, Granularity


class IndicatorSchema(ma.Schema):
    id = fields.String()
    title = fields.String()
    priority = fields.Function(lambda i: i.priority.value)
    priority_title = fields.Function(lambda i: i.priority.title)
    definition = fields.String()
    numerator = fields.String()
    denominator = fields.String()
    unit = fields.Function(lambda i: i.unit.value)
    periods = fields.Function(lambda i: [g.value for g in i.periods])
    breakdowns = fields.Function(lambda i: [b.value for b in i.all_breakdowns])
    target = fields.Float(allow_none=True)
    direction = fields.Function(lambda i: i.direction.value)


class ValuesArgs(ma.Schema):
    period = fields.String(
        load_default=Granularity.MONTH.value,
        validate=validate.OneOf([g.value for g in Granularity]),
        metadata={"description": "month, quarter or year (NHS financial year)"},
    )
    area = fields.String(
        load_default=None,
        metadata={"description": "city, an LCP code you may see, or all (default: yours)"},
    )
    at = fields.Date(load_default=None, metadata={"description": "one period, by its start"})
    breakdown = fields.String(
        load_default=None, validate=validate.OneOf([b.value for b in Breakdown])
    )


class ValueSchema(ma.Schema):
    """One stored value: hidden figures are null and flagged (NHS small-number rules)."""

    indicator = fields.String()
    period_type = fields.String()
    period = fields.String()
    period_start = fields.String()
    area = fields.String()
    area_name = fields.String()
    breakdown = fields.String()
    breakdown_value = fields.String()
    value = fields.Float(allow_none=True)
    numerator = fields.Integer(allow_none=True)
    denominator = fields.Integer(allow_none=True)
    ci_low = fields.Float(allow_none=True)
    ci_high = fields.Float(allow_none=True)
    suppressed = fields.Boolean()
    numerator_suppressed = fields.Boolean()
    denominator_suppressed = fields.Boolean()
    value_suppressed = fields.Boolean()


class ValuesSchema(ma.Schema):
    indicator = fields.Nested(IndicatorSchema)
    values = fields.List(fields.Nested(ValueSchema))
