"""Safety plan forms (shape only: the services in `hubs.safetyplans.services` hold the rules)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    Form,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    TextAreaField,
)
from wtforms.validators import Length, Optional

from hubs.careplans.models import AgreementMethod
from hubs.core.web import options
from hubs.safetyplans.content import MAX_SECTION, TEXT_SECTIONS

SECTION = [Length(max=MAX_SECTION)]

# What each section asks, in words the person would use (Stanley-Brown prompts).
SECTION_HINTS = {
    "warning_signs": "Thoughts, feelings, situations or behaviour that tell me a crisis may "
    "be coming",
    "coping_alone": "Things I can do to take my mind off things without contacting anyone",
    "distractions": "People I can be with and places I can go that help me feel better",
    "people_to_ask": "Friends or family I can ask for help, with their numbers",
    "professionals_note": "My lead worker, GP and others, with their numbers. Pick crisis "
    "services and helplines below: their hours and numbers are added for you.",
    "environment_safety": "What I can do, with others, to make where I am safer",
    "reasons_for_living": "The people, things and hopes that keep me going",
}


class VersionedForm(FlaskForm):
    # Which version and revision the editor opened: a save against older ones is refused.
    version = HiddenField()
    revision = HiddenField()


class SafetyPlanForm(VersionedForm):
    warning_signs = TextAreaField(TEXT_SECTIONS["warning_signs"], validators=SECTION)
    coping_alone = TextAreaField(TEXT_SECTIONS["coping_alone"], validators=SECTION)
    distractions = TextAreaField(TEXT_SECTIONS["distractions"], validators=SECTION)
    people_to_ask = TextAreaField(TEXT_SECTIONS["people_to_ask"], validators=SECTION)
    professionals_note = TextAreaField(TEXT_SECTIONS["professionals_note"], validators=SECTION)
    service_ids = SelectMultipleField(
        "Crisis services and helplines", coerce=str, validate_choice=False
    )
    environment_safety = TextAreaField(TEXT_SECTIONS["environment_safety"], validators=SECTION)
    reasons_for_living = TextAreaField(TEXT_SECTIONS["reasons_for_living"], validators=SECTION)
    review_due_on = DateField("Review date (optional)", validators=[Optional()])


class SafetyAgreeForm(VersionedForm):
    method = RadioField(
        "How did the person agree?",
        validate_choice=False,
        choices=options((m.value, m.label) for m in AgreementMethod),
    )
    review_due_on = DateField("Review date", validators=[Optional()])


class DecisionForm(FlaskForm):
    proposal_id = HiddenField()
    # Set by the button pressed: "accept" or "decline".
    decision = HiddenField()


class ProposeForm(FlaskForm):
    section = SelectField(
        "Which part of your safety plan?",
        validate_choice=False,
        choices=options([("", "Choose a part"), *TEXT_SECTIONS.items()]),
    )
    proposed_text = TextAreaField("What you would like it to say", validators=SECTION)


class CompareForm(Form):
    """Two versions to compare, read from the query string (a GET form: nothing changes)."""

    older = SelectField("Older version", coerce=str, validate_choice=False)
    newer = SelectField("Newer version", coerce=str, validate_choice=False)
