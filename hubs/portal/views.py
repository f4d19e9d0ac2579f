"""The portal: a person signs in and sees their own record (DESIGN §3 rule 5)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, render_template
from flask_login import current_user

from hubs.core.errors import NotFound
from hubs.extensions import db
from hubs.people import services
from hubs.people.models import PortalAccount

bp = Blueprint("portal", __name__, url_prefix="/my")


@bp.get("/")
def home() -> str:
    actor = current_user._get_current_object()
    person_id = db.session.scalar(
        sa.select(PortalAccount.person_id).where(PortalAccount.user_id == actor.id)
    )
    if person_id is None:
        raise NotFound("Your account is not linked to a record yet. Contact your hub.")
    person = services.view_person(db.session, actor, person_id)
    history = services.access_history(db.session, person.id)
    db.session.commit()
    return render_template("portal/home.html", person=person, history=history)
