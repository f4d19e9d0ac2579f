"""`flask hubs …`: demo data, reference data, API tokens."""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup

from hubs.core.errors import DomainError
from hubs.extensions import db

hubs_cli = AppGroup("hubs", help="Hubs administration commands.")


def _fail(error: DomainError) -> None:
    db.session.rollback()
    raise click.ClickException(error.message)


@hubs_cli.command("demo")
def demo_command() -> None:
    """Load demo hubs, services, staff and fictional people (idempotent)."""
    from hubs.demo import load_demo

    if current_app.config["NAME"] == "production":
        raise click.ClickException("Demo data is refused in production configuration.")
    report = load_demo(db.session, current_app.config["DEMO_PASSWORD"])
    db.session.commit()
    created = ", ".join(f"{n} {k}" for k, n in sorted(report.created.items())) or "nothing new"
    click.echo(
        f"Demo data ready ({created}). Password for every demo account: "
        f"{current_app.config['DEMO_PASSWORD']}"
    )


@hubs_cli.command("load-directory")
def load_directory_command() -> None:
    """Create or update LCPs, hubs, organisations, practices and services from the CSVs."""
    from hubs.directory.services import load_reference_data
    from hubs.support.offers import load_offer_details

    try:
        report = load_reference_data(db.session)
        offers = load_offer_details(db.session)
    except DomainError as error:
        _fail(error)
    db.session.commit()
    click.echo(
        f"Directory loaded: created {report.created or 'nothing'}, "
        f"updated {report.updated or 'nothing'}; "
        f"needs, times and accessibility set for {offers} offers"
    )


def _synth_command() -> click.Command:
    from hubs.synth.cli import synth_command

    return synth_command


hubs_cli.add_command(_synth_command())

token_cli = AppGroup("token", help="API tokens for system integrations.")
hubs_cli.add_command(token_cli)


@token_cli.command("create")
@click.argument("email")
@click.option("--name", default="integration", show_default=True, help="What the token is for.")
def token_create(email: str, name: str) -> None:
    """Print a new bearer token acting with EMAIL's permissions (shown once)."""
    from hubs.staff.models import User
    from hubs.staff.services import create_api_token, normalise_email

    user = db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))
    if user is None:
        raise click.ClickException(f"No account with email {email}")
    try:
        token, plain = create_api_token(db.session, user, name)
    except DomainError as error:
        _fail(error)
    db.session.commit()
    click.echo(
        f"Token {token.id} ({token.prefix}…) for {user.email}. Store it now; it is not shown again:"
    )
    click.echo(plain)


@token_cli.command("revoke")
@click.argument("token_id", type=int)
def token_revoke(token_id: int) -> None:
    """Revoke a token by its id; requests using it are refused at once."""
    from hubs.staff.services import revoke_api_token

    try:
        revoke_api_token(db.session, token_id)
    except DomainError as error:
        _fail(error)
    db.session.commit()
    click.echo(f"Token {token_id} revoked")
