"""`flask hubs …`: demo data, reference data, API tokens, the audit chain."""

from __future__ import annotations

from pathlib import Path

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup

from hubs.core.audit_cli import audit_cli, grants_command
from hubs.core.errors import DomainError
from hubs.directory.packs import LoadReport
from hubs.extensions import db
from hubs.reporting.cli import reporting_cli
from hubs.staff.cli import user_cli

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
    click.echo(f"Activity store rebuilt from it: {report.activity_rows} pseudonymised rows.")


@hubs_cli.command("load-directory")
def load_directory_command() -> None:
    """Create or update every area pack that ships in the repo (Leeds, then LLR)."""
    from hubs.directory.loading import load_shipped_areas
    from hubs.support.offers import load_shipped_offers

    try:
        report = load_shipped_areas(db.session)
        offers = load_shipped_offers(db.session)
    except DomainError as error:
        _fail(error)
    db.session.commit()
    _echo_load("Directory loaded", report, offers)


area_cli = AppGroup("area", help="Area packs: an area's map, teams, practices and services.")
hubs_cli.add_command(area_cli)


@area_cli.command("load")
@click.argument("path", type=click.Path(file_okay=False, path_type=Path))
def load_area_command(path: Path) -> None:
    """Create or update one area from the pack in PATH: every row is checked first, and
    nothing is written unless all of it is good (one transaction)."""
    from hubs.directory.loading import load_area
    from hubs.support.offers import OFFERS_FILE, load_offer_details

    try:
        report = load_area(db.session, path)
        offers = load_offer_details(db.session, path / OFFERS_FILE)
    except DomainError as error:
        _fail(error)
    db.session.commit()
    _echo_load(f"Area pack {path.name} loaded", report, offers)


def _echo_load(title: str, report: LoadReport, offers: int) -> None:
    click.echo(
        f"{title}: created {report.created or 'nothing'}, "
        f"updated {report.updated or 'nothing'}; "
        f"needs, times and accessibility set for {offers} offers"
    )


def _register_reporting_commands() -> None:
    # Registered here, not in hubs.reporting, which must never import the identifiable feed.
    from hubs.activity.cli import rebuild_command

    reporting_cli.add_command(rebuild_command)


_register_reporting_commands()


def _synth_command() -> click.Command:
    from hubs.synth.cli import synth_command

    return synth_command


hubs_cli.add_command(_synth_command())

token_cli = AppGroup("token", help="API tokens for system integrations.")
hubs_cli.add_command(token_cli)

# `flask hubs reporting …` (refresh, rebuild): one group, defined by the reporting package.
hubs_cli.add_command(reporting_cli)
# `flask hubs user reset-mfa EMAIL --reason …`: defined by the staff package.
hubs_cli.add_command(user_cli)
# `flask hubs audit verify|seal` and `flask hubs grants ROLE`.
hubs_cli.add_command(audit_cli)
hubs_cli.add_command(grants_command)


@token_cli.command("create")
@click.argument("email")
@click.option("--name", default="integration", show_default=True, help="What the token is for.")
@click.option(
    "--scope",
    type=click.Choice(["read", "read_write"]),
    default="read",
    show_default=True,
    help="read: GET only; read_write: may also record and change.",
)
@click.option("--days", type=int, default=90, show_default=True, help="Lifetime, 1 to 365.")
def token_create(email: str, name: str, scope: str, days: int) -> None:
    """Print a new bearer token acting with EMAIL's permissions (shown once)."""
    import datetime as dt

    from hubs.staff.models import TokenScope, User
    from hubs.staff.services import create_api_token, normalise_email

    user = db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))
    if user is None:
        raise click.ClickException(f"No account with email {email}")
    try:
        token, plain = create_api_token(
            db.session, user, name, scope=TokenScope(scope), lifetime=dt.timedelta(days=days)
        )
    except DomainError as error:
        _fail(error)
    db.session.commit()
    click.echo(
        f"Token {token.id} ({token.prefix}…) for {user.email}, {token.scope.value}, expires"
        f" {token.expires_at:%Y-%m-%d}. Store it now; it is not shown again:"
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


@hubs_cli.command("scheduler")
@click.option("--once", is_flag=True, help="Run every job once now, then exit.")
@click.option("--list", "list_jobs", is_flag=True, help="List the registered jobs and exit.")
def scheduler_command(once: bool, list_jobs: bool) -> None:
    """Run the scheduled jobs in this one dedicated process (never in web workers).

    A database lease makes a second copy stand by; it takes over if this one stops.
    """
    from hubs.core.scheduler import JobRunner, build_scheduler
    from hubs.scheduling import JOBS

    if list_jobs:
        for job in JOBS:
            click.echo(f"{job.id}: {job.function} ({job.trigger})")
        return
    runner = JobRunner(current_app._get_current_object())  # type: ignore[attr-defined]
    _warn_if_messages_are_only_logged()
    if once:
        for job in JOBS:
            changed = runner.run(job)
            click.echo(f"{job.id}: {'standing by' if changed is None else f'{changed} changed'}")
        runner.release()
        return
    _run_until_stopped(runner, build_scheduler(runner, JOBS))


def _warn_if_messages_are_only_logged() -> None:
    import structlog

    if current_app.config["NOTIFIER"] == "log":
        # Not silent: in production this means people are not being sent their messages.
        structlog.get_logger(__name__).warning(
            "messages_logged_not_sent", notifier="log", config=current_app.config["NAME"]
        )


def _run_until_stopped(runner, scheduler) -> None:  # type: ignore[no-untyped-def]
    import signal
    import sys

    # `make run` and service managers stop us with SIGTERM: leave through the same path as
    # Ctrl-C, so the lease is released and a standby takes over at once.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    click.echo(f"Scheduler {runner.holder} started; stop with Ctrl-C.")
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        if scheduler.running:
            scheduler.shutdown(wait=False)
        runner.release()
        click.echo("Scheduler stopped; lease released.")
