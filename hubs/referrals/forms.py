"""Referral forms (shape only: the services hold the rules)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
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
from wtforms.validators import DataRequired, Length, Optional

from hubs.core.web import options
from hubs.people.models import Sex
from hubs.referrals.models import NeedDomain, Priority, ReferralSource, Severity

NEED_CHOICES = options([("", "Choose a need"), *((d.value, d.label) for d in NeedDomain)])
SEVERITY_CHOICES = options((s.value, s.value.capitalize()) for s in Severity)
PRIORITY_CHOICES = options((p.value, p.label) for p in Priority)
SOURCE_CHOICES = options((s.value, s.label) for s in ReferralSource)
SEX_CHOICES = options((s.value, s.value.replace("_", " ").capitalize()) for s in Sex)


class NeedForm(Form):
    """One need row; a row with no domain chosen is ignored."""

    domain = SelectField("Need", choices=NEED_CHOICES, validators=[Optional()])
    severity = SelectField(
        "How much does it affect them?", choices=SEVERITY_CHOICES, default=Severity.MODERATE.value
    )
    own_words = TextAreaField("In the person's own words", validators=[Length(max=2000)])


class NeedsMixin:
    needs = FieldList(FormField(NeedForm), min_entries=3, max_entries=len(NeedDomain))
    what_matters = TextAreaField("What matters to the person", validators=[Length(max=4000)])


class NewPersonForm(Form):
    nhs_number = StringField("NHS number", validators=[Optional(), Length(max=12)])
    given_name = StringField("First name", validators=[Optional(), Length(max=80)])
    family_name = StringField("Last name", validators=[Optional(), Length(max=80)])
    date_of_birth = DateField("Date of birth", validators=[Optional()])
    sex = SelectField(
        "Sex",
        choices=SEX_CHOICES,
        validate_choice=False,  # only read for someone new; the service checks it then
    )
    gp_practice_id = SelectField("Registered GP practice", coerce=str, validate_choice=False)


class ReferralForm(NeedsMixin, FlaskForm):
    submission_key = HiddenField()
    person_id = HiddenField()
    person = FormField(NewPersonForm)
    source = SelectField("Who made the referral", choices=SOURCE_CHOICES)
    referrer_name = StringField(
        "Referrer's name", validators=[DataRequired("Enter who made the referral"), Length(max=120)]
    )
    referrer_organisation = StringField(
        "Referrer's organisation", validators=[Optional(), Length(max=160)]
    )
    received_on = DateField(
        "Date received", validators=[DataRequired("Enter the date the referral was received")]
    )
    priority = RadioField("Priority", choices=PRIORITY_CHOICES, default=Priority.ROUTINE.value)
    risk_summary = TextAreaField("Risk summary", validators=[Length(max=4000)])
    communication_needs = TextAreaField(
        "Communication and access needs", validators=[Length(max=2000)]
    )
    diagnosis = TextAreaField(
        "Diagnosis, if known (optional, not used for routing)", validators=[Length(max=2000)]
    )
    service_id = SelectField("Referred to", coerce=str, validate_choice=False)
    team_id = SelectField("Receiving hub", coerce=str, validate_choice=False)
    team_override_reason = TextAreaField(
        "Reason for a different hub", validators=[Length(max=2000)]
    )
    confirm_duplicate = BooleanField("I have checked: record this referral as well as the open one")


class SelfReferralForm(NeedsMixin, FlaskForm):
    submission_key = HiddenField()
    communication_needs = TextAreaField(
        "Is there anything that would make it easier for you to talk to us?",
        validators=[Length(max=2000)],
    )
    confirm_duplicate = BooleanField("I still want to ask for support again")


class TriageForm(FlaskForm):
    rationale = TextAreaField("MDT triage rationale", validators=[Length(max=4000)])
    priority = RadioField("Confirmed priority", choices=PRIORITY_CHOICES)


class AcceptForm(FlaskForm):
    lead_worker_id = SelectField("Lead worker", coerce=str, validate_choice=False)
    package_started_on = DateField(
        "Date the NICE-recommended package started (early intervention only)",
        validators=[Optional()],
    )


class SignpostForm(FlaskForm):
    service_id = SelectField("Named service", coerce=str, validate_choice=False)
    handover_note = TextAreaField("Warm-handover note", validators=[Length(max=4000)])
    confirmed_on = DateField("Date the receiving service confirmed", validators=[Optional()])


class ReasonForm(FlaskForm):
    reason = TextAreaField("Reason", validators=[Length(max=2000)])


class ReassignForm(FlaskForm):
    lead_worker_id = SelectField("New lead worker", coerce=str, validate_choice=False)
    reason = TextAreaField("Reason for the change", validators=[Length(max=2000)])
