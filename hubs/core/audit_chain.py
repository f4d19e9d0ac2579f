"""A tamper-evident audit log: each row carries a SHA-256 over the previous row's hash and
its own canonical content, so changing, removing or reordering a sealed row breaks every
hash after it (DESIGN §3 rule 7; ASVS 5.0 V16).

Rows are written as before, in the transaction of the work they describe, and sealed after
it commits by a job that runs every minute (`audit-chain-seal`, and `flask hubs audit seal`):
under one lock, in id order, each unsealed row gets the next place (`chain_seq`) and its
hashes. A request never waits for the chain, and a row that committed late with an early id
simply takes a later place. `flask hubs audit verify` walks the chain and names the first
broken row; rows not yet sealed are counted, not checked.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

#: The columns whose values a row's hash covers, in this order.
CHAINED = (
    "id",
    "at",
    "actor_user_id",
    "actor_label",
    "actor_role",
    "actor_organisation_id",
    "action",
    "record_type",
    "record_id",
    "person_id",
    "request_id",
    "outcome",
)
GENESIS = "0" * 64
# Any constant will do: it only has to be the same in every process that writes audit rows.
CHAIN_LOCK_ID = 7_212_027
BATCH = 5_000


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat(timespec="microseconds")
    if isinstance(value, enum.Enum):
        return value.value
    return value


def row_hash(previous: str, values: Mapping[str, Any]) -> str:
    """The hash of a row: SHA-256 over the previous hash and the row's canonical JSON."""
    content = json.dumps([_plain(values[c]) for c in CHAINED], separators=(",", ":"))
    return hashlib.sha256(f"{previous}\n{content}".encode()).hexdigest()


def _lock(connection: sa.Connection) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(sa.select(sa.func.pg_advisory_xact_lock(CHAIN_LOCK_ID)))


def _chain_end(connection: sa.Connection, events: sa.Table) -> tuple[int, str]:
    last = connection.execute(
        sa.select(events.c.chain_seq, events.c.row_hash)
        .where(events.c.chain_seq.is_not(None))
        .order_by(events.c.chain_seq.desc())
        .limit(1)
    ).first()
    return (last.chain_seq, last.row_hash) if last else (0, GENESIS)


def seal_rows(
    connection: sa.Connection, events: sa.Table, rows: Sequence[Mapping[str, Any]]
) -> int:
    """Give `rows` of the audit table (each with every CHAINED value) the next places."""
    if not rows:
        return 0
    _lock(connection)
    seq, previous = _chain_end(connection, events)
    updates = []
    for values in sorted(rows, key=lambda r: r["id"]):
        seq, digest = seq + 1, row_hash(previous, values)
        updates.append({"b_id": values["id"], "seq": seq, "prev": previous, "hash": digest})
        previous = digest
    connection.execute(
        events.update()
        .where(events.c.id == sa.bindparam("b_id"), events.c.row_hash.is_(None))
        .values(
            chain_seq=sa.bindparam("seq"),
            prev_hash=sa.bindparam("prev"),
            row_hash=sa.bindparam("hash"),
        ),
        updates,
    )
    return len(updates)


def seal_unsealed(session: Session, events: sa.Table) -> int:
    """Seal every row not yet in the chain, oldest id first (after a bulk load)."""
    sealed = 0
    while True:
        rows = session.connection().execute(
            sa.select(*(events.c[c] for c in CHAINED))
            .where(events.c.row_hash.is_(None))
            .order_by(events.c.id)
            .limit(BATCH)
        )
        batch = [row._asdict() for row in rows]
        if not batch:
            return sealed
        sealed += seal_rows(session.connection(), events, batch)


@dataclass(frozen=True)
class Verification:
    checked: int
    unsealed: int
    broken_at: int | None = None  # the id of the first row whose hash does not hold
    reason: str = ""

    @property
    def is_intact(self) -> bool:
        return self.broken_at is None


def _walk(rows: Iterable[Any]) -> Verification:
    previous, expected_seq, checked = GENESIS, 1, 0
    for row in rows:
        values = row._asdict()
        if row.chain_seq != expected_seq:
            return Verification(checked, 0, row.id, f"position {expected_seq} is missing")
        if row.prev_hash != previous:
            return Verification(checked, 0, row.id, "it does not follow the row before it")
        if row.row_hash != row_hash(previous, values):
            return Verification(checked, 0, row.id, "its content was changed")
        previous, expected_seq, checked = row.row_hash, expected_seq + 1, checked + 1
    return Verification(checked, 0)


def verify(session: Session, events: sa.Table) -> Verification:
    """Walk the chain in order; the first row whose position or hash does not hold."""
    connection = session.connection()
    rows = connection.execute(
        sa.select(
            *(events.c[c] for c in CHAINED),
            events.c.chain_seq,
            events.c.prev_hash,
            events.c.row_hash,
        )
        .where(events.c.chain_seq.is_not(None))
        .order_by(events.c.chain_seq)
        .execution_options(yield_per=BATCH)  # the statement's option, not the connection's
    )
    result = _walk(rows)
    unsealed = connection.scalar(
        sa.select(sa.func.count()).select_from(events).where(events.c.row_hash.is_(None))
    )
    return Verification(result.checked, unsealed or 0, result.broken_at, result.reason)
