"""How care plans and safety plans join the app: pages, APIs, and break-glass access as a
reason to see a person."""

from __future__ import annotations

from flask import Flask

from hubs.careplans import access, api, safety_api, safety_views, views
from hubs.people.access import register_person_relationship


def init_app(app: Flask) -> None:
    register_person_relationship(access.person_via_break_glass)
    for blueprint in (views.bp, safety_views.bp):
        app.register_blueprint(blueprint)
    for api_blueprint in (api.blp, safety_api.blp):
        app.extensions["hubs_api"].register_blueprint(api_blueprint)
