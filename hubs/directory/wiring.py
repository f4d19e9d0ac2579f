"""How the directory joins the app: its pages."""

from __future__ import annotations

from flask import Flask

from hubs.directory import views


def init_app(app: Flask) -> None:
    app.register_blueprint(views.bp)
