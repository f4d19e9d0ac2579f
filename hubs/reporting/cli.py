"""`flask hubs reporting …`: the reporting command group.

The group lives here so every reporting command (this module's `refresh`, and the activity
store's `rebuild`) hangs off one `reporting` group: add a command with
`@reporting_cli.command(...)` in any module imported below.
"""

from __future__ import annotations

import click
from flask.cli import AppGroup

from hubs.core.errors import DomainError
from hubs.core.types import utcnow
from hubs.extensions import db

reporting_cli = AppGroup("reporting", help="Strategy indicators and the activity store.")


@reporting_cli.command("refresh")
def refresh_command() -> None:
    """Recompute every indicator from the activity store (what the nightly job does)."""
    from hubs.reporting.jobs import refresh_indicators

    try:
        stored = refresh_indicators(utcnow())
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from error
    db.session.commit()
    click.echo(f"Indicators refreshed: {stored} suppressed values stored.")
