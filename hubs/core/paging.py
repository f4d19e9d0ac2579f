"""Paging for list pages: no list page reads or renders more than one page of rows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from flask import request
from sqlalchemy.orm import Session

T = TypeVar("T")
PER_PAGE = 25


@dataclass(frozen=True)
class Paged(Generic[T]):
    items: list[T]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def page_arg() -> int:
    """The page asked for (`?page=`), at least 1."""
    return max(1, request.args.get("page", 1, type=int) or 1)


def page_of(
    session: Session, query: sa.Select[Any], page: int, per_page: int = PER_PAGE
) -> Paged[Any]:
    """One page of an ordered select, with the total it was cut from (two statements)."""
    total = session.scalar(sa.select(sa.func.count()).select_from(query.order_by(None).subquery()))
    items = list(session.scalars(query.limit(per_page).offset((page - 1) * per_page)))
    return Paged(items, total or 0, page, per_page)
