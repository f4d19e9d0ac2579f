"""Transition and discharge forms (shape only: the services hold the rules)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from hubs.core.web import options
from hubs.pathways.models import ChecklistItem, OnwardSupport, TransitionKind

KIND_CHOICES = options((k.value, k.label) for k in TransitionKind)
SUPPORT_CHOICES = options((s.value, s.label) for s in OnwardSupport)
ITEM_CHOICES = options((i.value, i.label) for i in ChecklistItem)


class StartForm(FlaskForm):
    kind = RadioField("Kind of transition", choices=KIND_CHOICES, validate_choice=False)
    receiving_team_id = SelectField("Receiving hub", coerce=str, validate_choice=False)
    receiving_service_id = SelectField(
        "Receiving service (step-down)", coerce=str, validate_choice=False
    )
    planned_on = DateField("Planned handover date", validators=[Optional()])


class PlanForm(FlaskForm):
    sending_worker_id = SelectField(
        "Transition worker in the sending team", coerce=str, validate_choice=False
    )
    receiving_worker_id = SelectField(
        "Transition worker in the receiving team", coerce=str, validate_choice=False
    )
    receiving_worker_name = StringField(
        "Contact at the receiving service", validators=[Optional(), Length(max=160)]
    )
    joint_meeting_on = DateField("Joint meeting date", validators=[Optional()])
    planned_on = DateField("Planned handover date", validators=[Optional()])


class MeetingForm(FlaskForm):
    held_on = DateField("Date the joint meeting was held", validators=[Optional()])


class AcceptForm(FlaskForm):
    lead_worker_id = SelectField("New lead worker", coerce=str, validate_choice=False)
    lead_name = StringField(
        "Who will support the person at the receiving service",
        validators=[Optional(), Length(max=160)],
    )


class ReasonForm(FlaskForm):
    reason = TextAreaField("Reason", validators=[Length(max=4000)])


class ReplanForm(PlanForm):
    """Back to planning after an escalation: the plan again, with what the managers agreed."""

    reason = TextAreaField("What the managers agreed", validators=[Length(max=4000)])


class ParallelForm(FlaskForm):
    overlap_ends_on = DateField("Parallel support ends on", validators=[Optional()])


class CompleteForm(FlaskForm):
    """Nothing to fill in: the checklist must be complete."""


class TickForm(FlaskForm):
    item = SelectField("Checklist item", choices=ITEM_CHOICES)
    done_on = DateField("Done on", validators=[Optional()])
    note = StringField("Note (staff only)", validators=[Optional(), Length(max=500)])


class DischargeForm(FlaskForm):
    support = RadioField(
        "Who will support the person next", choices=SUPPORT_CHOICES, validate_choice=False
    )
    service_id = SelectField("The offer from the directory", coerce=str, validate_choice=False)
    named_contact = StringField(
        "Named contact (optional)", validators=[Optional(), Length(max=160)]
    )
    what = TextAreaField("What support they will have", validators=[Length(max=4000)])
    how_to_come_back = TextAreaField(
        "How to come back without a new referral", validators=[Length(max=4000)]
    )
