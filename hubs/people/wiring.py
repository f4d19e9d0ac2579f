"""How the people feature joins the app: its pages, and break-glass as a reason to see a
person (registered like the other features' reasons)."""

from __future__ import annotations

from flask import Flask

from hubs.people import access, views


def init_app(app: Flask) -> None:
    access.register_person_relationship(access.person_via_break_glass)
    app.register_blueprint(views.bp)
