"""Swagger UI for staff developers, served from our own static files (never a CDN)."""

from flask import Blueprint, render_template

bp = Blueprint("api_docs", __name__, url_prefix="/api/v1")


@bp.get("/docs")
def swagger_ui() -> str:
    return render_template("interop/swagger.html")
