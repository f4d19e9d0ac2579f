"""How care plans join the app: their pages, their API, and break-glass access as a reason
to see a person."""

from __future__ import annotations

from flask import Flask

from hubs.careplans import access, api, views
from hubs.people.access import register_person_relationship


def init_app(app: Flask) -> None:
    register_person_relationship(access.person_via_break_glass)
    app.register_blueprint(views.bp)
    app.extensions["hubs_api"].register_blueprint(api.blp)
