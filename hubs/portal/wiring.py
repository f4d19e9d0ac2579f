"""How the portal joins the app: the person's own pages, and the managers' feedback pages.

Every page of the portal blueprint (`views.bp`, under /my) is in this package; each module
below adds its pages to it when imported, so all are imported before it is registered.
"""

from __future__ import annotations

from flask import Flask

from hubs.portal import (
    feedback_views,
    message_views,
    outcome_views,
    pathway_views,
    plan_views,
    referral_views,
    safety_views,
    views,
)

PAGE_MODULES = (
    views,
    referral_views,
    plan_views,
    safety_views,
    outcome_views,
    feedback_views,
    pathway_views,
    message_views,
)


def init_app(app: Flask) -> None:
    app.register_blueprint(views.bp)
    app.register_blueprint(feedback_views.staff_bp)
