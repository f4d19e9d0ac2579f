"""Domain errors raised by services and their mapping to HTTP.

Services raise these; one set of handlers turns them into NHS-styled pages for browsers and
JSON bodies naming the field for the API. A 500 shows only a correlation id.
"""

from __future__ import annotations

import traceback
from typing import Any

import structlog
from flask import Flask, g, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from hubs.core.session import app_session

log = structlog.get_logger(__name__)


class DomainError(Exception):
    status_code = 400
    title = "There is a problem"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class PermissionDenied(DomainError):
    status_code = 403
    title = "You do not have permission to do this"


class NotFound(DomainError):
    status_code = 404
    title = "Page not found"


class Conflict(DomainError):
    status_code = 409
    title = "This record has changed"


class InvalidTransition(Conflict):
    title = "This action is not available"


class ValidationError(DomainError):
    status_code = 422
    title = "Check the information you entered"


HTTP_TITLES = {
    400: "There is a problem with the request",
    401: "You need to sign in",
    403: "You do not have permission to see this page",
    404: "Page not found",
    405: "This action is not allowed here",
    409: "This record has changed",
    422: "Check the information you entered",
    429: "Too many requests",
}


def wants_json() -> bool:
    """API clients get JSON; browsers get pages."""
    if request.path.startswith(("/api/", "/fhir/")):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return (
        best == "application/json"
        and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
    )


def _respond(status: int, title: str, message: str, field: str | None = None) -> Any:
    if wants_json():
        body: dict[str, Any] = {"status": status, "error": title, "message": message}
        if field:
            body["field"] = field
            body["errors"] = {field: [message]}
        body["request_id"] = g.get("request_id")
        return jsonify(body), status
    return (
        render_template("errors/error.html", status=status, title=title, message=message),
        status,
    )


def handle_domain_error(error: DomainError) -> Any:
    app_session().rollback()  # nothing half-saves: the request's work is abandoned as a whole
    return _respond(error.status_code, error.title, error.message, error.field)


def _first_field(messages: Any, prefix: str = "") -> str | None:
    """The dotted path of the first invalid field in webargs' nested error messages."""
    if isinstance(messages, dict) and messages:
        key, value = next(iter(messages.items()))
        if key in {"json", "query", "form", "view_args"}:
            return _first_field(value, prefix)
        path = f"{prefix}.{key}" if prefix else str(key)
        return _first_field(value, path) or path
    return None


def handle_http_exception(error: HTTPException) -> Any:
    status = error.code or 500
    if status >= 500:
        return handle_unexpected(error)
    title = HTTP_TITLES.get(status, error.name)
    messages = (getattr(error, "data", None) or {}).get("messages")
    if messages and wants_json():
        field = _first_field(messages)
        body = {
            "status": status,
            "error": title,
            "message": "Check the fields named in errors",
            "field": field,
            "errors": messages.get("json", messages.get("query", messages)),
            "request_id": g.get("request_id"),
        }
        return jsonify(body), status
    body, status = _respond(status, title, error.description or title)
    # Keep the headers the error itself defines (Allow on a 405, Retry-After on a 429).
    headers = [(k, v) for k, v in error.get_headers() if k.lower() != "content-type"]
    if status == 401:
        # RFC 9110: a 401 names the scheme to use; API clients authenticate with bearer tokens.
        headers.append(("WWW-Authenticate", 'Bearer realm="hubs"'))
    return body, status, headers


def _type_names(error: BaseException) -> str:
    """The error's type and the types it was raised from (`raise … from`), outermost first."""
    names, seen = [], set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        names.append(type(current).__name__)
        current = current.__cause__ or current.__context__
    return " <- ".join(names)


def _frames(error: BaseException, keep: int = 12) -> list[str]:
    """Where it happened: the innermost frames as file:line function, without any text."""
    frames = traceback.extract_tb(error.__traceback__)[-keep:]
    return [f"{f.filename.rsplit('/hubs/', 1)[-1]}:{f.lineno} {f.name}" for f in frames]


def handle_unexpected(error: Exception) -> Any:
    app_session().rollback()
    request_id = g.get("request_id", "unknown")
    # Never the exception's message, locals or SQL parameters: they can quote a person's
    # NHS number, name or form values. The type, route and frames find the bug with the id.
    log.error(
        "unhandled_error",
        error_type=_type_names(error),
        endpoint=request.endpoint,
        method=request.method,
        frames=_frames(error),
    )
    message = "Sorry, there is a problem with the service. Quote this reference if you report it."
    if wants_json():
        return jsonify(
            {"status": 500, "error": "Internal error", "message": message, "request_id": request_id}
        ), 500
    return render_template("errors/500.html", request_id=request_id), 500


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(Exception, handle_unexpected)
