"""Running every registered generator in one go, with a progress bar and a rate at the end."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from hubs.synth.context import SynthContext
from hubs.synth.registry import ordered
from hubs.synth.scales import Scale
from hubs.synth.writer import BulkWriter


@dataclass
class SynthReport:
    scale: str
    seed: int
    as_of: dt.date
    rows: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    total_seconds: float = 0.0

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())

    @property
    def rows_per_second(self) -> float:
        return self.total_rows / self.total_seconds if self.total_seconds else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "scale": self.scale,
            "seed": self.seed,
            "as_of": self.as_of.isoformat(),
            "rows": dict(sorted(self.rows.items())),
            "total_rows": self.total_rows,
            "seconds": round(self.total_seconds, 1),
            "rows_per_second": round(self.rows_per_second),
            "generator_seconds": {k: round(v, 2) for k, v in self.seconds.items()},
        }


class AlreadySynthesised(RuntimeError):
    """The database already holds a synthetic run and --append was not asked for."""


def _prepare_sqlite(connection: sa.Connection) -> None:
    """WAL lets readers work while a writer commits (persistent for the file); a bulk load
    needs no fsync per page: a crash mid-run means running it again on a fresh file."""
    raw = connection.connection.driver_connection
    if connection.engine.url.database not in (None, "", ":memory:"):
        raw.execute("PRAGMA journal_mode=WAL")
    raw.execute("PRAGMA synchronous=OFF")
    raw.execute("PRAGMA cache_size=-262144")


def _reset_sequences(connection: sa.Connection, tables: list[str]) -> None:
    """PostgreSQL: move each id sequence past the ids the generators chose."""
    from hubs.core.db import Base

    for name in tables:
        if "id" not in Base.metadata.tables[name].c:
            continue
        statement = (
            f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "  # noqa: S608 - our table names
            f'(SELECT max(id) FROM "{name}"))'
        )
        connection.exec_driver_sql(statement)
    connection.commit()


def _finish(connection: sa.Connection, tables: list[str]) -> None:
    """Sequences past the ids we chose (PostgreSQL) and fresh planner statistics."""
    if connection.dialect.name == "postgresql":
        _reset_sequences(connection, tables)
        autocommit = connection.execution_options(isolation_level="AUTOCOMMIT")
        autocommit.exec_driver_sql("ANALYZE")
    else:
        connection.exec_driver_sql("ANALYZE")
        connection.commit()


def run_synth(
    engine: sa.Engine,
    scale: Scale,
    *,
    seed: int = 1,
    as_of: dt.date | None = None,
    append: bool = False,
    years_back: int = 0,
    progress: Callable[[str], Any] | None = None,
) -> SynthReport:
    """Generate `scale` on `engine` (a freshly migrated database unless `append`).

    `years_back` (with `append`) ends this run's timelines that many years before the as-of
    date: older history for the same hubs and staff, nearly all of it closed by now."""
    from hubs.core.types import today
    from hubs.people.models import Person

    day = as_of or today()
    report = SynthReport(scale.name, seed, day)
    started = time.perf_counter()
    with engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            _prepare_sqlite(connection)
        existing = connection.scalar(
            sa.select(sa.func.count(Person.id)).where(Person.is_synthetic.is_(True))
        )
        if existing and not append:
            raise AlreadySynthesised(
                f"the database already holds {existing} synthetic people: use a fresh database, "
                "or --append to add more history"
            )
        bar = progress("rows") if progress else None
        writer = BulkWriter(connection, on_rows=bar.update if bar is not None else None)
        window_end = day.replace(year=day.year - years_back) if years_back else None
        ctx = SynthContext(
            connection, writer, scale, seed, day, append=append, window_end=window_end
        )
        for gen in ordered():
            if bar is not None:
                bar.set_description(f"{gen.name:>12}")
            begun = time.perf_counter()
            gen.run(ctx)
            connection.commit()
            report.seconds[gen.name] = time.perf_counter() - begun
        if bar is not None:
            bar.set_description(f"{'analyse':>12}")
        _finish(connection, ctx.touched_tables)
        if bar is not None:
            bar.close()
        report.rows = dict(writer.counts)
    report.total_seconds = time.perf_counter() - started
    return report
