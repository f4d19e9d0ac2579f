"""Password hashing with argon2id."""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, has_app_context

MIN_LENGTH = 12


@cache
def _hasher(fast: bool) -> tuple[PasswordHasher, str]:
    """argon2id with the library's RFC 9106 defaults; tests use cheap parameters of the same
    algorithm. The dummy hash is verified when an e-mail is unknown, so a wrong address
    costs the same time as a wrong password."""
    if fast:
        hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    else:
        hasher = PasswordHasher()
    return hasher, hasher.hash("not-a-real-password")


def _current() -> tuple[PasswordHasher, str]:
    # Per app, not per process: building a production app must not slow the test app.
    fast = has_app_context() and bool(current_app.config.get("TESTING"))
    return _hasher(fast)


def hash_password(password: str) -> str:
    return _current()[0].hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    hasher, dummy = _current()
    try:
        return hasher.verify(password_hash or dummy, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def password_problem(password: str) -> str | None:
    """Why a new password is not acceptable, or None."""
    if len(password) < MIN_LENGTH:
        return f"Enter a password of at least {MIN_LENGTH} characters"
    if password.lower() in {"password1234", "demo-password-not-for-production"}:
        return "Choose a password that is harder to guess"
    return None
