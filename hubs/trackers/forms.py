"""Tracker forms (shape only: the services hold the rules)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from hubs.core.web import options
from hubs.trackers.models import (
    CessationOffer,
    EmploymentStatus,
    HealthCheckElement,
    IpsOutcome,
    SmokingStatus,
)


class HealthCheckForm(FlaskForm):
    element = SelectField("Check", choices=options((e.value, e.label) for e in HealthCheckElement))
    done_on = DateField("Date done", validators=[Optional()])
    where_done = StringField("Where it was done", validators=[Length(max=160)])
    result = StringField("Result (optional)", validators=[Length(max=160)])
    smoking_status = SelectField(
        "Smoking status (for the smoking check)",
        choices=options(
            [("", "Not a smoking check"), *((s.value, s.label) for s in SmokingStatus)]
        ),
        default="",
    )
    cessation_offer = SelectField(
        "Support to stop smoking (if they smoke)",
        choices=options([("", "Not applicable"), *((c.value, c.label) for c in CessationOffer)]),
        default="",
    )


class EmploymentForm(FlaskForm):
    asked_on = DateField("Date asked", validators=[Optional()])
    status = SelectField(
        "Their answer",
        choices=options(
            [("", "Choose an answer"), *((s.value, s.label) for s in EmploymentStatus)]
        ),
        default="",
    )


class IpsReferralForm(FlaskForm):
    referred_on = DateField("Date referred", validators=[Optional()])
    service_id = SelectField("IPS service", coerce=str, validate_choice=False)
    note = TextAreaField("Note", validators=[Length(max=2000)])


class IpsOutcomeForm(FlaskForm):
    outcome = SelectField(
        "What happened",
        choices=options(
            [("", "Choose what happened")]
            + [(o.value, o.label) for o in IpsOutcome if o != IpsOutcome.AWAITING]
        ),
        default="",
    )
    outcome_on = DateField("Date", validators=[Optional()])
