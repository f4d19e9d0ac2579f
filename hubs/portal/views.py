"""The portal: a person signs in and sees their own record (DESIGN §3 rule 5)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint
from flask_login import current_user

from hubs.core.errors import NotFound
from hubs.core.web import Page, actor, page
from hubs.extensions import db
from hubs.people import services
from hubs.people.models import PortalAccount

bp = Blueprint("portal", __name__, url_prefix="/my")

# What an audit action means, in words for the person reading who used their record.
RECORD_WORDS = {
    "person": "your details",
    "referral": "your referral",
    "care_plan": "your care plan",
    "care_team": "your care team",
    "safety_plan": "your safety plan",
    "outcome_measure": "your scores",
    "consent": "your sharing choices",
    "episode": "your care",
    "task": "a reminder about you",
    "message": "you a message",
    "contact_preference": "how we contact you",
    "feedback": "your feedback",
    "transition": "your move between services",
    "transition_list": "your moves between services",
    "onward_plan": "your plan for after the hub",
}
VERB_WORDS = {
    "view": "looked at",
    "view_own": "looked at",
    "list": "saw a list including",
    "list_own": "looked at",
    "create": "added",
    "update": "changed",
    "agree": "recorded your agreement to",
    "break_glass": "used emergency access to",
    "view_versions": "looked at earlier versions of",
    "compare": "compared versions of",
    "print": "printed",
    "download": "downloaded",
    "propose": "suggested a change to",
    "accept_proposal": "accepted your suggested change to",
    "decline_proposal": "did not take up your suggested change to",
    "done": "completed",
    "dismissed": "closed",
    "send": "sent",
    "plan": "planned",
    "record_meeting": "recorded the joint meeting for",
    "accept": "accepted",
    "decline": "declined",
    "escalate": "raised with managers",
    "replan": "replanned",
    "start_parallel_support": "started joint support for",
    "complete": "completed",
    "checklist": "ticked off a step in",
    "discharge": "recorded the end of",
    "finish": "ended",
}


def own_person_id() -> int:
    """The signed-in person's own record id; every portal page reads only this record."""
    person_id = db.session.scalar(
        sa.select(PortalAccount.person_id).where(PortalAccount.user_id == current_user.id)
    )
    if person_id is None:
        raise NotFound("Your account is not linked to a record yet. Contact your hub.")
    return person_id


@bp.app_template_filter("access_words")
def access_words(action: str) -> str:
    """'care_plan.view' → 'looked at your care plan'."""
    record, _, verb = action.partition(".")
    what = RECORD_WORDS.get(record, "your record")
    return f"{VERB_WORDS.get(verb, 'worked on')} {what}"


@bp.get("/")
def home() -> Page:
    person = services.view_person(db.session, actor(), own_person_id())
    history = services.access_history(db.session, person.id)
    # `page` commits after rendering: a commit would expire the history rows shown.
    return page("portal/home.html", person=person, history=history)
