"""How the trackers join the app: their pages."""

from __future__ import annotations

from flask import Flask

from hubs.trackers import views


def init_app(app: Flask) -> None:
    app.register_blueprint(views.bp)
