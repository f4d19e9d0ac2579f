"""How the activity feed joins the app: its receivers keep the activity store up to date
inside each service's transaction (`hubs.activity.feed`). Idempotent."""

from __future__ import annotations

from flask import Flask

from hubs.activity import feed


def init_app(app: Flask) -> None:
    feed.connect_feed()
