"""Bulk writing: Core `insert()` executemany in chunks, or COPY on PostgreSQL.

Python-side column defaults are filled here (COPY would skip them); a column whose default
is computed at call time (e.g. `utcnow`) must be given by the generator, so the same seed
always writes the same rows.
"""

from __future__ import annotations

import enum
import itertools
import json
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import sqlalchemy as sa

CHUNK = 5_000


class MissingValue(ValueError):
    """A generator left out a column whose default would differ from run to run."""


def _fixed_defaults(table: sa.Table, given: Sequence[str]) -> tuple[list[str], list[Any]]:
    names, values = [], []
    for column in table.columns:
        if column.name in given or column.default is None:
            continue
        if not column.default.is_scalar:
            raise MissingValue(f"{table.name}.{column.name} has a computed default: give it")
        value = column.default.arg  # type: ignore[attr-defined]
        names.append(column.name)
        values.append(value.value if isinstance(value, enum.Enum) else value)
    return names, values


class BulkWriter:
    """Writes rows (tuples in `columns` order) to one connection, counting them."""

    def __init__(self, connection: sa.Connection, on_rows: Callable[[int], None] | None = None):
        self.connection = connection
        self.is_postgresql = connection.dialect.name == "postgresql"
        self.counts: Counter[str] = Counter()
        self.on_rows = on_rows or (lambda n: None)

    def insert(self, table: sa.Table, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
        extra_names, extra_values = _fixed_defaults(table, columns)
        names = [*columns, *extra_names]
        tail = tuple(extra_values)
        written = 0
        iterator = iter(rows)
        while chunk := list(itertools.islice(iterator, CHUNK)):
            full = [(*row, *tail) for row in chunk] if tail else chunk
            if self.is_postgresql:
                self._copy(table, names, full)
            else:
                self._executemany(table, names, full)
            written += len(chunk)
            self.on_rows(len(chunk))
        self.counts[table.name] += written
        return written

    def _executemany(self, table: sa.Table, names: list[str], rows: list[Sequence[Any]]) -> None:
        """The compiled Core insert, run with executemany; values go through each column
        type's own bind processor, so they are stored exactly as the ORM would store them."""
        dialect = self.connection.dialect
        compiled = table.insert().compile(dialect=dialect, column_keys=names)
        order = [names.index(key) for key in compiled.positiontup or names]
        processors = [table.c[names[i]].type.bind_processor(dialect) for i in order]
        steps = [(i, p) for i, p in zip(order, processors, strict=True)]
        prepared = [
            tuple(row[i] if p is None or row[i] is None else p(row[i]) for i, p in steps)
            for row in rows
        ]
        self.connection.exec_driver_sql(str(compiled), prepared)

    def _copy(self, table: sa.Table, names: list[str], rows: list[Sequence[Any]]) -> None:
        from psycopg.types.json import Json

        json_at = [i for i, n in enumerate(names) if isinstance(table.c[n].type, sa.JSON)]
        columns = ", ".join(f'"{n}"' for n in names)
        cursor = self.connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
        with cursor.copy(f'COPY "{table.name}" ({columns}) FROM STDIN') as copy:
            for row in rows:
                if json_at:
                    row = list(row)
                    for i in json_at:
                        row[i] = None if row[i] is None else Json(row[i], dumps=json.dumps)
                copy.write_row(row)
