"""How referrals join the app: pages, API, a referral or care team as a reason to see a
person, and the hubs of a person's episodes as hubs answering for them."""

from __future__ import annotations

from flask import Flask

from hubs.people.access import register_person_hubs, register_person_relationship
from hubs.referrals import access, api, views


def init_app(app: Flask) -> None:
    register_person_relationship(access.person_via_referrals)
    register_person_hubs(access.teams_of_episodes)
    app.register_blueprint(views.bp)
    app.extensions["hubs_api"].register_blueprint(api.blp)
