"""The second factor for staff: TOTP enrolment, codes, recovery codes, resets and step-up.

Services take explicit arguments, flush but never commit, and raise domain errors; the views
and the CLI commit.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import secrets

import pyotp
import segno
import sqlalchemy as sa
from sqlalchemy.orm import Session

from hubs.core import audit
from hubs.core.access import AccessRole
from hubs.core.audit import Outcome
from hubs.core.errors import NotFound, PermissionDenied, ValidationError
from hubs.core.types import utcnow
from hubs.staff import sessions
from hubs.staff.models import AccountKind, MfaReset, RecoveryCode, User, UserSession

RECOVERY_CODE_COUNT = 10
WRONG_CODE = "Enter the 6-digit code your authenticator app shows now"
WRONG_CODE_OR_RECOVERY = (
    "Enter the code your authenticator app shows now, or an unused recovery code"
)
# A code is accepted for one step either side of now (30 seconds), for clock drift.
DRIFT_STEPS = 1


def needs_second_factor(user: User, *, required: bool) -> bool:
    """Whether signing in asks for a code: staff when MFA is required, anyone enrolled."""
    return user.has_mfa or (required and user.kind == AccountKind.STAFF)


def begin_enrolment(user: User) -> str:
    """The secret to show for enrolment: a new one unless an enrolment is under way."""
    if user.has_mfa:
        raise ValidationError("Your authenticator app is already set up", field="code")
    if user.mfa_secret is None:
        user.mfa_secret = pyotp.random_base32()
    return user.mfa_secret


def provisioning_uri(user: User, issuer: str) -> str:
    assert user.mfa_secret is not None
    return pyotp.TOTP(user.mfa_secret).provisioning_uri(name=user.email, issuer_name=issuer)


def qr_svg(uri: str) -> str:
    """The enrolment QR code as inline SVG, drawn here: the secret never leaves the server."""
    qr = segno.make(uri, error="m")
    return qr.svg_inline(scale=5, title="QR code for your authenticator app")


def _matching_step(secret: str, code: str, now: dt.datetime) -> int | None:
    totp = pyotp.TOTP(secret)
    for drift in range(-DRIFT_STEPS, DRIFT_STEPS + 1):
        at = now + dt.timedelta(seconds=drift * totp.interval)
        if secrets.compare_digest(totp.at(at), code):
            return totp.timecode(at)
    return None


def _accept_totp(user: User, code: str) -> bool:
    """A current code not used before (each time step once: no replay)."""
    if user.mfa_secret is None or not (len(code) == 6 and code.isdigit()):
        return False
    step = _matching_step(user.mfa_secret, code, utcnow())
    if step is None or (user.mfa_last_step is not None and step <= user.mfa_last_step):
        return False
    user.mfa_last_step = step
    return True


def _normalise(code: str) -> str:
    return "".join(ch for ch in code.lower() if ch.isalnum())


def _digest(code: str) -> str:
    return hashlib.sha256(_normalise(code).encode()).hexdigest()


def _new_recovery_code() -> str:
    # 80 random bits as 16 base32 letters, grouped in fours to copy by hand.
    raw = base64.b32encode(secrets.token_bytes(10)).decode().lower()
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def confirm_enrolment(session: Session, user: User, code: str) -> list[str]:
    """Finish enrolment with a first code; returns the ten recovery codes (shown once)."""
    if user.has_mfa or user.mfa_secret is None:
        raise ValidationError("Start setting up your authenticator app again", field="code")
    if not _accept_totp(user, _normalise(code)):
        audit.record(
            "user.mfa_enrol",
            actor=user,
            record_type="user",
            record_id=user.id,
            outcome=Outcome.FAILED,
        )
        raise ValidationError(WRONG_CODE, field="code")
    user.mfa_enrolled_at = utcnow()
    codes = _replace_recovery_codes(session, user)
    audit.record("user.mfa_enrol", actor=user, record_type="user", record_id=user.id)
    return codes


def _replace_recovery_codes(session: Session, user: User) -> list[str]:
    session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    session.add_all(RecoveryCode(user_id=user.id, code_hash=_digest(c)) for c in codes)
    session.flush()
    return codes


def _use_recovery_code(session: Session, user: User, code: str) -> bool:
    found = session.scalar(
        sa.select(RecoveryCode).where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == _digest(code),
            RecoveryCode.used_at.is_(None),
        )
    )
    if found is None:
        return False
    found.used_at = utcnow()
    audit.record("user.recovery_code_used", actor=user, record_type="user", record_id=user.id)
    return True


def verify_second_factor(session: Session, user: User, code: str) -> None:
    """Check the code at sign-in: a current TOTP code or an unused recovery code."""
    normal = _normalise(code)
    if user.has_mfa and (_accept_totp(user, normal) or _use_recovery_code(session, user, code)):
        return
    audit.record(
        "auth.second_factor",
        actor=user,
        record_type="user",
        record_id=user.id,
        outcome=Outcome.FAILED,
    )
    raise ValidationError(WRONG_CODE_OR_RECOVERY, field="code")


def unused_recovery_codes(session: Session, user_id: int) -> int:
    return (
        session.scalar(
            sa.select(sa.func.count(RecoveryCode.id)).where(
                RecoveryCode.user_id == user_id, RecoveryCode.used_at.is_(None)
            )
        )
        or 0
    )


def step_up(session: Session, user: User, code: str) -> None:
    """Re-enter a current code before a sensitive action; the session remembers when."""
    if not _accept_totp(user, _normalise(code)):
        audit.record(
            "auth.step_up",
            actor=user,
            record_type="user",
            record_id=user.id,
            outcome=Outcome.FAILED,
        )
        raise ValidationError(WRONG_CODE, field="code")
    mark_second_factor(session, user)
    audit.record("auth.step_up", actor=user, record_type="user", record_id=user.id)


def mark_second_factor(session: Session, user: User) -> None:
    """Note on this browser's session record that the second factor was just entered."""
    now = utcnow()
    if user.session_token:
        session.execute(
            sa.update(UserSession)
            .where(UserSession.token_hash == sessions.token_digest(user.session_token))
            .values(second_factor_at=now)
            .execution_options(synchronize_session=False)
        )
    user.second_factor_at = now


def reset_mfa(session: Session, actor: User | None, user_id: int, reason: str) -> User:
    """Clear an account's second factor (lost phone): it enrols again at next sign-in, and
    every session it has ends now. `actor` None is the operator's command line."""
    if actor is not None and actor.access_role != AccessRole.SYSADMIN:
        raise PermissionDenied("Only a system administrator can reset a second factor")
    user = session.get(User, user_id)
    if user is None or user.kind != AccountKind.STAFF:
        raise NotFound("No such account")
    why = reason.strip()
    if not why:
        raise ValidationError("Enter why the second factor is being reset", field="reason")
    user.mfa_secret = user.mfa_enrolled_at = user.mfa_last_step = None
    session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    session.add(MfaReset(user_id=user.id, reset_by_id=actor.id if actor else None, reason=why))
    sessions.revoke_all_sessions(session, user.id, "mfa_reset")
    audit.record("user.mfa_reset", actor=actor, record_type="user", record_id=user.id)
    session.flush()
    return user


def staff_without_mfa(session: Session) -> int:
    """Active staff accounts with no second factor and no reset awaiting re-enrolment."""
    awaiting = sa.select(MfaReset.user_id)
    return (
        session.scalar(
            sa.select(sa.func.count(User.id)).where(
                User.kind == AccountKind.STAFF,
                User.is_active.is_(True),
                User.mfa_enrolled_at.is_(None),
                User.id.not_in(awaiting),
            )
        )
        or 0
    )
