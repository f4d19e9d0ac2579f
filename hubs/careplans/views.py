"""Staff pages for care plans."""

from flask import Blueprint

bp = Blueprint("careplans", __name__)
