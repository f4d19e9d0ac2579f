"""Support forms (shape only: the services hold the rules)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Length, Optional

from hubs.core.web import options
from hubs.referrals.models import NeedDomain
from hubs.support.models import ActivityType, ContactMode, Reached, SignpostingOutcome

MODE_CHOICES = options((m.value, m.label) for m in ContactMode)
REACHED_CHOICES = options((r.value, r.label) for r in Reached)
ACTIVITY_CHOICES = options((a.value, a.label) for a in ActivityType)
NEED_CHOICES = options((d.value, d.label) for d in NeedDomain)
OUTCOME_CHOICES = options((o.value, o.label) for o in SignpostingOutcome)


class QuickContactForm(FlaskForm):
    """Three fields from the caseload; the date is today unless changed on the full form."""

    contact_on = DateField("Date", validators=[Optional()])
    mode = SelectField("How", choices=MODE_CHOICES, default=ContactMode.PHONE.value)
    duration_minutes = IntegerField("Minutes", validators=[Optional()])
    reached = SelectField("Reached", choices=REACHED_CHOICES, default=Reached.YES.value)


class ContactDetailsForm(FlaskForm):
    """What a contact is expanded with after a quick log."""

    location = StringField("Where", validators=[Optional(), Length(max=200)])
    activities = SelectMultipleField(
        "What you did", choices=ACTIVITY_CHOICES, validators=[Optional()]
    )
    needs = SelectMultipleField("Needs addressed", choices=NEED_CHOICES, validators=[Optional()])
    notes = TextAreaField("Notes", validators=[Length(max=8000)])
    is_staff_only = BooleanField("Staff only: never show these notes to the person")
    next_step = TextAreaField("Next step", validators=[Length(max=2000)])
    next_contact_on = DateField("Next planned contact", validators=[Optional()])


class ContactForm(ContactDetailsForm):
    """The full form: the facts of the contact and its details on one page."""

    contact_on = DateField("Date of the contact", validators=[Optional()])
    duration_minutes = IntegerField("How long, in minutes", validators=[Optional()])
    mode = RadioField("How", choices=MODE_CHOICES, default=ContactMode.FACE_TO_FACE.value)
    reached = RadioField(
        "Did you reach the person?", choices=REACHED_CHOICES, default=Reached.YES.value
    )


class SignpostForm(FlaskForm):
    service_id = SelectField("Community offer or service", coerce=str, validate_choice=False)
    signposted_on = DateField("Date signposted", validators=[Optional()])
    follow_up_on = DateField("Follow up on", validators=[Optional()])
    note = TextAreaField("Note", validators=[Length(max=2000)])
    person_id = HiddenField()


class SignpostingOutcomeForm(FlaskForm):
    outcome = RadioField("Did the person go?", choices=OUTCOME_CHOICES)
    follow_up_on = DateField("If not yet, follow up again on", validators=[Optional()])
    note = TextAreaField("Note", validators=[Length(max=2000)])
