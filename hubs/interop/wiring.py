"""How interop joins the app: Swagger UI for the API (the API object itself is made in
`create_app`)."""

from __future__ import annotations

from flask import Flask

from hubs.interop import views


def init_app(app: Flask) -> None:
    app.register_blueprint(views.bp)
