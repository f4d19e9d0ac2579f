"""Notification forms (shape only)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import AnyOf

from hubs.notifications.services import TaskOutcome


class CloseTaskForm(FlaskForm):
    """The "Mark as done" and "Dismiss" buttons each send their own outcome."""

    class Meta:
        csrf = False  # checked for every POST by the app's own hook

    outcome = StringField(
        "Outcome", default="done", validators=[AnyOf([o.value for o in TaskOutcome])]
    )
