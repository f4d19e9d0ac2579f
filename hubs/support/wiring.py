"""How support joins the app: its pages and the contacts API."""

from __future__ import annotations

from flask import Flask

from hubs.support import api, views


def init_app(app: Flask) -> None:
    app.register_blueprint(views.bp)
    app.extensions["hubs_api"].register_blueprint(api.blp)
