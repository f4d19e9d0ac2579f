"""The declarative base every model uses.

A fixed naming convention gives every constraint a stable name, so Alembic can drop and
alter them identically on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase, Session, registry

from hubs.core.types import UTCDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    # Every Mapped[datetime] is timezone-aware UTC; naive datetimes are refused on write.
    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={dt.datetime: UTCDateTime()},
    )


def refresh_planner_statistics(session: Session, *tables: str) -> None:
    """Fresh PostgreSQL planner statistics for tables that a bulk load just filled.

    Statistics from before the load can say a table is empty (a vacuum after rolled-back
    inserts leaves reltuples 0 over many pages): the planner then nests loops over tens of
    thousands of rows and a refresh that takes seconds takes minutes. ANALYZE runs inside
    the caller's transaction and counts that transaction's own new rows. Others have none.
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    for table in tables:
        session.execute(sa.text(f'ANALYZE "{table}"'))
