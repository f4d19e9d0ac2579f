"""How support joins the app: its pages and the contacts API."""

from __future__ import annotations

from flask import Flask

from hubs.support import access, api, views


def init_app(app: Flask) -> None:
    # Templates show a contact's notes only through this rule (staff-only notes withheld).
    app.jinja_env.globals["contact_notes"] = access.notes_for_current_user
    app.register_blueprint(views.bp)
    app.extensions["hubs_api"].register_blueprint(api.blp)
