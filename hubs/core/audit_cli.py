"""`flask hubs audit …` (verify and seal the hash chain) and `flask hubs grants ROLE` (the
least privileges of the application's PostgreSQL role)."""

from __future__ import annotations

import re

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from hubs.core import audit_chain
from hubs.core.audit import AuditEvent
from hubs.core.session import app_session

audit_cli = AppGroup("audit", help="The tamper-evident audit log.")

ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


@audit_cli.command("verify")
def verify_command() -> None:
    """Walk the hash chain; exit 1 naming the first row that does not hold."""
    result = audit_chain.verify(app_session(), AuditEvent.__table__)  # type: ignore[arg-type]
    pending = f"; {result.unsealed} not yet sealed" if result.unsealed else ""
    if not result.is_intact:
        raise click.ClickException(
            f"Audit chain broken at row {result.broken_at}: {result.reason}"
            f" ({result.checked} rows before it hold{pending})"
        )
    click.echo(f"Audit chain intact: {result.checked} rows{pending}")


@audit_cli.command("seal")
def seal_command() -> None:
    """Seal rows written around the application (bulk loads) into the chain."""
    session = app_session()
    sealed = audit_chain.seal_unsealed(session, AuditEvent.__table__)  # type: ignore[arg-type]
    session.commit()
    click.echo(f"Sealed {sealed} audit rows")


def grant_statements(role: str) -> list[str]:
    """What the application's role may do: read and write the records, but only append to
    the audit log (and seal a row once). It owns nothing, so it cannot truncate the log,
    disable its triggers or change the schema; migrations run as the owner."""
    if not ROLE_NAME.match(role):
        raise click.BadParameter("a lower-case PostgreSQL role name", param_hint="ROLE")
    return [
        f"GRANT USAGE ON SCHEMA public TO {role}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}",
        f"REVOKE UPDATE, DELETE, TRUNCATE ON audit_events FROM {role}",
        f"GRANT UPDATE (chain_seq, prev_hash, row_hash) ON audit_events TO {role}",
        f"REVOKE INSERT, UPDATE, DELETE ON alembic_version FROM {role}",
    ]


@click.command("grants")
@click.argument("role")
@click.option("--apply", is_flag=True, help="Run them now (connected as the owner).")
def grants_command(role: str, apply: bool) -> None:
    """Print (or apply) the grants for ROLE, the role the application connects as."""
    statements = grant_statements(role)
    if apply:
        session = app_session()
        for statement in statements:
            session.execute(sa.text(statement))
        session.commit()
    click.echo(";\n".join(statements) + ";")
