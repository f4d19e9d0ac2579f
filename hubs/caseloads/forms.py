"""Caseload forms (shape only: the service holds the rules)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, SelectMultipleField, TextAreaField
from wtforms.validators import Length


class BulkReassignForm(FlaskForm):
    from_user_id = HiddenField()
    episode_ids = SelectMultipleField("People to move", coerce=int, validate_choice=False)
    to_user_id = SelectField("Move them to", coerce=str, validate_choice=False)
    reason = TextAreaField("Reason", validators=[Length(max=2000)])
