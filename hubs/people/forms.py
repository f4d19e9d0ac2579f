"""People forms (shape only: the services hold the rules)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField, TextAreaField
from wtforms.validators import Length, Optional


class BreakGlassForm(FlaskForm):
    nhs_number = StringField("NHS number of the person", validators=[Length(max=12)])
    reason = TextAreaField("Why you need emergency access", validators=[Length(max=2000)])
    hours = IntegerField("For how many hours (1 to 8)", default=4, validators=[Optional()])
