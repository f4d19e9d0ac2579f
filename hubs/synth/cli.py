"""`flask hubs synth`: fictional city- or region-scale data, in bulk."""

from __future__ import annotations

import datetime as dt
import json
import sys

import click
from flask import current_app

from hubs.extensions import db
from hubs.synth.scales import SCALES


@click.command("synth")
@click.option(
    "--scale",
    "scale_name",
    type=click.Choice(sorted(SCALES)),
    default="small",
    show_default=True,
    help="How much to generate (city: 60,000 people).",
)
@click.option(
    "--seed",
    type=int,
    default=1,
    show_default=True,
    help="The same seed (and as-of date) gives the same rows.",
)
@click.option(
    "--as-of",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="The date the data runs up to (default: today).",
)
@click.option(
    "--times",
    type=int,
    default=1,
    show_default=True,
    help="Multiply people and their records (hubs stay as they are).",
)
@click.option(
    "--append",
    is_flag=True,
    help="Add people and their history to a database that already has a run, "
    "reusing its hubs and staff.",
)
@click.option(
    "--years-back",
    type=int,
    default=0,
    show_default=True,
    help="With --append: date everything this many years earlier (older history).",
)
@click.option(
    "--json-report",
    type=click.Path(dir_okay=False),
    default=None,
    help="Also write the rows-per-table report as JSON here.",
)
def synth_command(
    scale_name: str,
    seed: int,
    as_of: dt.datetime | None,
    times: int,
    append: bool,
    years_back: int,
    json_report: str | None,
) -> None:
    """Generate fictional hubs, staff, people and their records in bulk."""
    from tqdm import tqdm

    from hubs.core.types import today
    from hubs.synth.run import AlreadySynthesised, run_synth

    if current_app.config["NAME"] == "production":
        raise click.ClickException("Synthetic data is refused in production configuration.")
    scale = SCALES[scale_name].times(times) if times > 1 else SCALES[scale_name]
    day = as_of.date() if as_of else today()

    def bar(unit: str) -> tqdm:  # type: ignore[type-arg]
        return tqdm(unit=f" {unit}", unit_scale=True, disable=None, file=sys.stderr)

    try:
        report = run_synth(
            db.engine,
            scale,
            seed=seed,
            as_of=day,
            append=append,
            years_back=years_back,
            progress=bar,
        )
    except AlreadySynthesised as error:
        raise click.ClickException(str(error)) from None
    for table, count in sorted(report.rows.items()):
        click.echo(f"  {table:<28} {count:>12,}")
    click.echo(
        f"Synthetic {report.scale} data (seed {seed}, as of {day}): {report.total_rows:,} rows "
        f"in {report.total_seconds:.1f} s = {report.rows_per_second:,.0f} rows per second"
    )
    if json_report:
        with open(json_report, "w", encoding="utf-8") as handle:
            json.dump(report.as_dict(), handle, indent=2)
