"""How reporting joins the app: indicator pages, exports, the board pack, and the
indicators API. The reporting blueprint (`views.bp`) gets pages from the modules below when
they are imported, so all are imported before it is registered."""

from __future__ import annotations

from flask import Flask

from hubs.reporting import api, boardpack, exports, views

PAGE_MODULES = (views, exports, boardpack)


def init_app(app: Flask) -> None:
    app.register_blueprint(views.bp)
    app.extensions["hubs_api"].register_blueprint(api.blp)
