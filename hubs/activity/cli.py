"""`flask hubs reporting rebuild`: the activity store again from the operational tables."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from hubs.extensions import db


@click.command("rebuild")
@click.option(
    "--batch-size", default=2000, show_default=True, help="People read per set of queries."
)
@click.option("--quiet", is_flag=True, help="No progress bar.")
@with_appcontext
def rebuild_command(batch_size: int, quiet: bool) -> None:
    """Delete and rebuild the pseudonymised activity store in one transaction."""
    from hubs.activity.rebuild import rebuild

    counts = rebuild(db.session, batch_size=batch_size, progress=not quiet)
    db.session.commit()
    width = max(len(t.value) for t in counts)
    for event_type, count in sorted(counts.items(), key=lambda item: item[0].value):
        click.echo(f"{event_type.value:<{width}}  {count:>9,}")
    click.echo(f"{'total':<{width}}  {sum(counts.values()):>9,}")
