"""How the staff feature joins the app: sign-in and account pages, and staff administration."""

from __future__ import annotations

from flask import Flask

from hubs.staff import admin_views, mfa_views, views
from hubs.staff.throttle import init_throttle


def init_app(app: Flask) -> None:
    init_throttle(app)
    app.register_blueprint(views.bp)
    app.register_blueprint(admin_views.bp)
    app.register_blueprint(mfa_views.bp)
