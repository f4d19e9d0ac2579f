"""Notification forms (shape only)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import RadioField, StringField
from wtforms.validators import AnyOf, InputRequired, Optional

from hubs.core.web import options
from hubs.notifications.services import TaskOutcome
from hubs.people.models import ContactPreference


class CloseTaskForm(FlaskForm):
    """The "Mark as done" and "Dismiss" buttons each send their own outcome."""

    class Meta:
        csrf = False  # checked for every POST by the app's own hook

    outcome = StringField(
        "Outcome", default="done", validators=[AnyOf([o.value for o in TaskOutcome])]
    )


class ContactPreferenceForm(FlaskForm):
    """How the person wants to hear about their referral while they wait."""

    class Meta:
        csrf = False  # checked for every POST by the app's own hook

    preference = RadioField(
        "How should we tell you when your referral moves on?",
        choices=options(
            [
                (ContactPreference.SMS.value, "By text message"),
                (ContactPreference.EMAIL.value, "By email"),
                (ContactPreference.NO_MESSAGES.value, "Do not send me messages"),
            ]
        ),
        validators=[InputRequired("Choose how we should contact you")],
    )
    mobile_phone = StringField("UK mobile number (for text messages)", validators=[Optional()])
    email = StringField("Email address", validators=[Optional()])
