"""Password hashing with argon2id."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

# Production parameters are argon2-cffi's defaults (RFC 9106 low-memory profile).
_hasher = PasswordHasher()
# Verified when the e-mail is unknown, so a wrong address costs the same time as a wrong password.
_DUMMY_HASH = _hasher.hash("not-a-real-password")

MIN_LENGTH = 12


def configure(fast: bool) -> None:
    """Tests use cheap parameters; the algorithm (argon2id) stays the same."""
    global _hasher, _DUMMY_HASH
    _hasher = (
        PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1) if fast else PasswordHasher()
    )
    _DUMMY_HASH = _hasher.hash("not-a-real-password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def password_problem(password: str) -> str | None:
    """Why a new password is not acceptable, or None."""
    if len(password) < MIN_LENGTH:
        return f"Enter a password of at least {MIN_LENGTH} characters"
    if password.lower() in {"password1234", "demo-password-not-for-production"}:
        return "Choose a password that is harder to guess"
    return None
