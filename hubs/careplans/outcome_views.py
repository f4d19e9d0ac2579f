"""Staff pages for outcome measures (filled in by the outcome measures work)."""

from flask import Blueprint

bp = Blueprint("outcomes", __name__)
