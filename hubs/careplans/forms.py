"""Care plan forms (shape only: the services hold the rules)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Length, Optional

from hubs.careplans.models import ActionCategory, AgreementMethod, GoalStatus
from hubs.core.web import options
from hubs.referrals.models import NeedDomain

LONG = [Length(max=8000)]


class GoalForm(Form):
    own_words = TextAreaField("Goal, in the person's own words", validators=[Length(max=2000)])
    need_domain = SelectField(
        "Need it relates to",
        validate_choice=False,
        choices=options([("", "Not linked to a need"), *((d.value, d.label) for d in NeedDomain)]),
    )
    status = SelectField(
        "Progress", validate_choice=False, choices=options((s.value, s.label) for s in GoalStatus)
    )
    who_helps = StringField("Who helps", validators=[Length(max=200)])


class ActionForm(Form):
    category = SelectField(
        "Kind of action",
        validate_choice=False,
        choices=options((c.value, c.label) for c in ActionCategory),
    )
    what = TextAreaField("What", validators=[Length(max=2000)])
    who = StringField("Who", validators=[Length(max=160)])
    by_when = DateField("By when", validators=[Optional()])


class CarePlanForm(FlaskForm):
    revision = HiddenField()
    about_me = TextAreaField("About me", validators=LONG)
    what_matters = TextAreaField("What matters to me", validators=LONG)
    formulation = TextAreaField("A shared understanding", validators=LONG)
    goals = FieldList(FormField(GoalForm), min_entries=1, max_entries=30)
    actions = FieldList(FormField(ActionForm), min_entries=1, max_entries=30)
    if_things_get_worse = TextAreaField("What to do if things get worse", validators=LONG)
    carers_involvement = TextAreaField("Carers and family involvement", validators=LONG)
    review_due_on = DateField("Review date", validators=[Optional()])
    staff_notes = TextAreaField(
        "Staff-only notes (never shown to the person or VCSE staff)", validators=LONG
    )


class AgreeForm(FlaskForm):
    revision = HiddenField()
    method = RadioField(
        "How did the person agree?",
        validate_choice=False,
        choices=options((m.value, m.label) for m in AgreementMethod),
    )
    note = TextAreaField("Note about the agreement (optional)", validators=[Length(max=2000)])
    review_due_on = DateField(
        "Review date (at the latest 12 months from today)", validators=[Optional()]
    )


class DateForm(FlaskForm):
    on = DateField("Date", validators=[Optional()])


class CommentForm(FlaskForm):
    body = TextAreaField("Your comment", validators=[Length(max=4000)])


class ConfirmForm(FlaskForm):
    """A button-only form: its CSRF token is the point."""
