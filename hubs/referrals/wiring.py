"""How referrals join the app: pages, API, and a referral or care team as a reason to see
a person."""

from __future__ import annotations

from flask import Flask

from hubs.people.access import register_person_relationship
from hubs.referrals import access, api, views


def init_app(app: Flask) -> None:
    register_person_relationship(access.person_via_referrals)
    app.register_blueprint(views.bp)
    app.extensions["hubs_api"].register_blueprint(api.blp)
