"""How care plans join the app: their pages and their API."""

from __future__ import annotations

from flask import Flask

from hubs.careplans import api, views


def init_app(app: Flask) -> None:
    app.register_blueprint(views.bp)
    app.extensions["hubs_api"].register_blueprint(api.blp)
