"""`flask hubs user …`: account administration from the operator's shell."""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from hubs.core.errors import DomainError
from hubs.extensions import db
from hubs.staff.mfa import reset_mfa
from hubs.staff.models import User
from hubs.staff.services import normalise_email

user_cli = AppGroup("user", help="Staff accounts.")


@user_cli.command("reset-mfa")
@click.argument("email")
@click.option("--reason", required=True, help="Why (recorded with the reset).")
def reset_mfa_command(email: str, reason: str) -> None:
    """Clear EMAIL's second factor: they set up their authenticator app at next sign-in."""
    user = db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))
    if user is None:
        raise click.ClickException(f"No account with email {email}")
    try:
        reset_mfa(db.session, None, user.id, reason)
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from None
    db.session.commit()
    click.echo(
        f"Second factor of {user.email} reset and its sessions ended; "
        "they set up their authenticator app again at next sign-in."
    )
