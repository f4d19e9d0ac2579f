"""The shared web layer: what every HTML view needs, written once.

A view reads as DESIGN §7 says: load the object, check access, then `handle_form` (validate →
one service → commit → flash → redirect, or roll back and show the error on its field), then
`page` (render, audit what the page shows, commit). Read-audit is declared on the view with
`@audits("contact.view")`; `page(..., shows=record)` writes that row for the record shown.
A button (one service, no fields) ends with `finish`; a small form posted from another page
(nowhere to show its errors but that page) with `handle_post`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any, TypeVar

import sqlalchemy as sa
from flask import flash, g, redirect, render_template
from flask_login import current_user
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from hubs.core import audit
from hubs.core.errors import DomainError, ValidationError
from hubs.core.session import app_session

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])
Page = tuple[str, int] | Response


def actor() -> Any:
    """The signed-in user as a plain object (services take it explicitly, never the proxy)."""
    return current_user._get_current_object()


def options(pairs: Iterable[tuple[str, str]]) -> list[SelectChoice]:
    """Select and radio choices as WTForms wants them, from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


def show_error(form: Any, error: DomainError) -> None:
    """Put a service's error on the form field it names (dotted for nested forms), or on the
    form as a whole, so the NHS error summary lists it with the field's own errors."""
    target = form
    for part in (error.field or "").split("."):
        target = getattr(target, part, None) if part else None
        if target is None:
            break
        if hasattr(target, "form") and hasattr(target.form, "_fields"):
            target = target.form
    if target is not None and hasattr(target, "errors") and not hasattr(target, "_fields"):
        target.errors = [error.message]
    else:
        form.form_errors.append(error.message)


def form_status(form: Any) -> int:
    """422 while a form shows errors (so tools and tests see the refusal), else 200."""
    return 422 if form.errors or form.form_errors else 200


def handle_form(
    form: Any,
    work: Callable[[], T],
    *,
    done: Callable[[T], str],
    message: str | Callable[[T], str] | None = None,
    catch: tuple[type[DomainError], ...] = (ValidationError,),
    show: Callable[[Any, DomainError], None] = show_error,
    own_status: bool = False,
) -> Response | int:
    """Validate, call one service, commit, flash and redirect (POST/redirect/GET).

    Otherwise the status to render the form with: 200 when it was not submitted, 422 with
    every error shown at once. A service's refusal rolls the request's work back whole and
    is shown on the form by `show`, with 422, or with the refusal's own status when
    `own_status` (409 for an edit made against an old version: the page says so)."""
    if not form.validate_on_submit():
        return form_status(form)
    try:
        result = work()
    except catch as error:
        app_session().rollback()
        show(form, error)
        return error.status_code if own_status else 422
    app_session().commit()
    if message:
        flash(message(result) if callable(message) else message)
    return redirect(done(result))


def rolled_back(record: Any) -> bool:
    """Whether the request's work was rolled back (a service's refusal in `handle_form`)
    since `record` was loaded: the page showing the refusal loads it again, and repeats any
    read-audit the rollback took with it."""
    return bool(sa.inspect(record).expired)


def audits(action: str, record_type: str | None = None) -> Callable[[F], F]:
    """Declare that a view's page shows one person's record: `page(shows=...)` then writes
    an audit row with this action for the record it shows (DESIGN §3 rule 7)."""

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            g.audit_read = (action, record_type)
            return view(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate


def audit_read(record: Any, action: str | None = None, record_type: str | None = None) -> None:
    """Write the read-audit row for a record the page shows (the view's declared action
    unless one is given). The record needs `id` and `person_id`."""
    declared_action, declared_type = g.get("audit_read") or (None, None)
    action = action or declared_action
    if action is None:
        raise RuntimeError("audit_read needs an action: declare it with @audits(...)")
    audit.record(
        action,
        actor=actor(),
        record_type=record_type or declared_type or action.split(".")[0],
        record_id=record.id,
        person_id=record.person_id,
    )


def page(template: str, status: int = 200, *, shows: Any = None, **context: Any) -> Page:
    """Render a page and commit its read-audit row with it (one transaction per request)."""
    if shows is not None:
        audit_read(shows)
    body = render_template(template, **context)
    app_session().commit()
    return body, status


def commit(result: T) -> T:
    """The API twin of `handle_form`: the service's result, committed. Refusals never get
    here: the error handlers roll back and answer 4xx naming the field."""
    app_session().commit()
    return result


def finish(
    result: T,
    *,
    done: str | Callable[[T], str],
    message: str | Callable[[T], str] | None = None,
) -> Response:
    """The end of a button's request (one service, no fields to show an error on): commit,
    flash and redirect. Refusals never get here: the error handlers roll back and answer 4xx."""
    app_session().commit()
    if message:
        flash(message(result) if callable(message) else message)
    return redirect(done(result) if callable(done) else done)


def handle_post(
    form: Any,
    work: Callable[[], T],
    *,
    back: str,
    message: str | Callable[[T], str],
    invalid: str,
    catch: tuple[type[DomainError], ...] = (ValidationError,),
) -> Response:
    """A small form posted from another page (a checklist tick from a transition's page) has
    no page of its own to show errors on: validate, call one service, commit and go back with
    the message flashed; or go back with `invalid`, or the service's refusal (rolled back)."""
    if not form.validate_on_submit():
        flash(invalid)
        return redirect(back)
    try:
        result = work()
    except catch as error:
        app_session().rollback()
        flash(error.message)
        return redirect(back)
    return finish(result, done=back, message=message)
