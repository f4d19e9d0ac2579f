"""The person's own choice of messages ("kept informed while waiting"), in the portal.

Added to the portal blueprint when imported (SIDE_EFFECT_MODULES). The person chooses
text or email, or no messages; nothing is sent to anyone who has not chosen.
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from hubs.core import audit
from hubs.core.errors import DomainError, NotFound
from hubs.core.web import show_error
from hubs.extensions import db
from hubs.notifications import services
from hubs.notifications.forms import ContactPreferenceForm
from hubs.people.models import ContactPreference, Person
from hubs.portal.views import bp, own_person_id


def _page(form: ContactPreferenceForm, person: Person, status: int = 200) -> tuple[str, int]:
    return render_template("portal/messages.html", form=form, person=person), status


@bp.route("/messages", methods=["GET", "POST"])
def my_messages() -> Response | tuple[str, int]:
    person = db.session.get(Person, own_person_id())
    if person is None:  # a portal account always has a record; never show someone else's
        raise NotFound("Page not found")
    actor: Any = current_user._get_current_object()
    form = ContactPreferenceForm()
    if request.method == "POST":
        if not form.validate():
            return _page(form, person, 422)
        try:
            services.set_contact_preference(
                db.session,
                actor,
                person,
                preference=ContactPreference(form.preference.data),
                mobile_phone=form.mobile_phone.data,
                email=form.email.data,
            )
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
            return _page(form, person, error.status_code)
        db.session.commit()
        flash("Your choice is saved. You can change it at any time.")
        return redirect(url_for("portal.my_messages"))
    if person.contact_preference != ContactPreference.NOT_ASKED:
        form.preference.data = person.contact_preference.value
    form.mobile_phone.data = person.mobile_phone
    form.email.data = person.email
    audit.record(
        "contact_preference.view_own",
        actor=actor,
        record_type="person",
        record_id=person.id,
        person_id=person.id,
    )
    page = _page(form, person)
    db.session.commit()
    return page
