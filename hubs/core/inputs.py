"""Bounds on what any request may carry, checked once for every route before a view runs.

A number past what an id column holds, or a NUL byte in text, used to reach the database:
PostgreSQL refused it (a 500), SQLite stored it. Here it never gets that far: an id in a URL
beyond the column's range matches no route (404, as for any record that does not exist); an
id or page number in a query, form or JSON body beyond it, or a control character in any
text, or a date outside 1900 to 2100, is refused with 422 naming the field.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from flask import Flask, request
from werkzeug.routing import IntegerConverter, Map

from hubs.core.errors import ValidationError

#: Every id column is a 32-bit integer on PostgreSQL.
MAX_ID = 2**31 - 1
# C0 controls and DEL, except tab, line feed and carriage return (text areas send them).
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# An ISO date anywhere in a request: no rule of ours needs one before 1900 or after 2100 (a
# referral "received" in the year 0281 once gave a clock of 263,420 days). Narrower windows,
# such as "not in the future", are each rule's own, checked by its service.
ISO_DATE = re.compile(r"^(\d{4})-\d{2}-\d{2}$")
EARLIEST_YEAR, LATEST_YEAR = 1900, 2100
# Query and form fields that carry an id or a page number.
NUMERIC_NAME = re.compile(r"(^|_)(id|page|per_page|team|neighbourhood)$")


class BoundedIntConverter(IntegerConverter):
    """`<int:…>` in a route: a whole number an id column can hold (larger matches nothing)."""

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def _refuse(field: str, message: str) -> None:
    raise ValidationError(message, field=field)


def _check_text(field: str, value: str) -> None:
    if CONTROL.search(value):
        _refuse(field, "Remove the control characters (such as NUL) from this text")
    date = ISO_DATE.match(value.strip())
    if date and not EARLIEST_YEAR <= int(date.group(1)) <= LATEST_YEAR:
        _refuse(field, f"Enter a date between {EARLIEST_YEAR} and {LATEST_YEAR}")


def _check_number(field: str, value: str) -> None:
    digits = value.strip().lstrip("+-")
    if digits.isdigit() and int(digits) > MAX_ID:
        _refuse(field, f"Enter a number no larger than {MAX_ID}")


def _json_leaves(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _json_leaves(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _json_leaves(item, f"{path}.{index}" if path else str(index))
    else:
        yield path, value


def _check_json() -> None:
    body = request.get_json(silent=True) if request.is_json else None
    for field, value in _json_leaves(body) if body is not None else ():
        if isinstance(value, str):
            _check_text(field, value)
        elif isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_ID:
            _refuse(field, f"Enter a number no larger than {MAX_ID}")


def check_request_inputs() -> None:
    """Refuse (422) control characters anywhere, and ids or pages past the column range."""
    for source in (request.args, request.form):
        for field, value in source.items(multi=True):
            _check_text(field, value)
            if NUMERIC_NAME.search(field):
                _check_number(field, value)
    _check_json()


def init_inputs(app: Flask) -> None:
    app.url_map.converters["int"] = BoundedIntConverter
    app.before_request(check_request_inputs)
