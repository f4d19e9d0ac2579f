"""The person's own choice of messages ("kept informed while waiting").

The person chooses text or email, or no messages; nothing is sent to anyone who has not
chosen. The choice is part of their record (`hubs.people.services`); notifications reads it
when it queues a message.
"""

from __future__ import annotations

from flask import url_for
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import RadioField, StringField
from wtforms.validators import InputRequired, Optional

from hubs.core import audit
from hubs.core.errors import NotFound
from hubs.core.web import Page, actor, handle_form, options, page
from hubs.extensions import db
from hubs.people.models import ContactPreference, Person
from hubs.people.services import set_contact_preference
from hubs.portal.views import bp, own_person_id


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


SAVED = "Your choice is saved. You can change it at any time."


def _own_person() -> Person:
    person = db.session.get(Person, own_person_id())
    if person is None:  # a portal account always has a record; never show someone else's
        raise NotFound("Page not found")
    return person


def _save(form: ContactPreferenceForm, person: Person) -> Person:
    return set_contact_preference(
        db.session,
        actor(),
        person,
        preference=ContactPreference(form.preference.data),
        mobile_phone=form.mobile_phone.data,
        email=form.email.data,
    )


def _show_saved(form: ContactPreferenceForm, person: Person) -> None:
    """Fill the form with the person's choice and audit that they looked at it."""
    if person.contact_preference != ContactPreference.NOT_ASKED:
        form.preference.data = person.contact_preference.value
    form.mobile_phone.data = person.mobile_phone
    form.email.data = person.email
    audit.record(
        "contact_preference.view_own",
        actor=actor(),
        record_type="person",
        record_id=person.id,
        person_id=person.id,
    )


@bp.route("/messages", methods=["GET", "POST"])
def my_messages() -> Page:
    person = _own_person()
    form = ContactPreferenceForm()
    status = handle_form(
        form,
        lambda: _save(form, person),
        done=lambda _: url_for("portal.my_messages"),
        message=SAVED,
    )
    if isinstance(status, Response):
        return status
    if status == 200:  # not submitted: the page shows the saved choice
        _show_saved(form, person)
    return page("portal/messages.html", status, form=form, person=person)
