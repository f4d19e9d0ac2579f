"""Response headers that Talisman does not set."""

from __future__ import annotations

from flask import Flask, Response


def _isolate_browsing_context(response: Response) -> Response:
    # A page opened from ours (or that opened ours) gets no handle on this window, so a
    # hostile page cannot navigate or probe a signed-in record (ASVS 5.0 V3.4).
    response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    return response


def init_headers(app: Flask) -> None:
    app.after_request(_isolate_browsing_context)
