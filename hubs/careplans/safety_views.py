"""Staff pages for safety plans (filled in by the safety plan work)."""

from flask import Blueprint

bp = Blueprint("safetyplans", __name__)
