"""The person's outcome scores in the portal ("My scores"), in plain words."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from hubs.extensions import db
from hubs.outcomes import scoring, services
from hubs.portal.views import bp


@bp.get("/scores")
def my_scores() -> str:
    person, measures = services.own_outcomes(db.session, current_user._get_current_object())
    db.session.commit()
    return render_template(
        "portal/outcomes.html",
        person=person,
        charts=scoring.charts(measures),
        items=scoring.DIALOG_BY_KEY,
    )
