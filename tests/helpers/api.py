"""Calling the JSON API as a client with a token would."""

from __future__ import annotations

from hubs.extensions import db
from hubs.staff.models import TokenScope, User
from hubs.staff.services import create_api_token


def bearer(user: User, scope: TokenScope = TokenScope.READ_WRITE) -> dict[str, str]:
    """Headers carrying a new API token for the user (the token is committed)."""
    _, plain = create_api_token(db.session, user, "test", scope=scope)
    db.session.commit()
    return {"Authorization": f"Bearer {plain}"}
