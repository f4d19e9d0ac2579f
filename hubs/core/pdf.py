"""PDFs of our own pages with WeasyPrint, reading only our own static files.

A PDF is rendered from the same template as its printable page, so the two never differ;
the fetcher refuses every URL outside the app's static folder, so rendering never makes a
network request (and the CSP's promise of no third-party content holds for PDFs too).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from flask import current_app, request
from weasyprint import HTML, URLFetcher

# The NHS stylesheet carries browser-only rules WeasyPrint warns about by the thousand.
logging.getLogger("weasyprint").setLevel(logging.ERROR)


class StaticFilesOnly(URLFetcher):
    """Lets WeasyPrint read the app's static files (the stylesheets) and nothing else."""

    def fetch(self, url: str, headers: Any = None) -> Any:
        prefix = request.host_url.rstrip("/") + current_app.static_url_path + "/"
        if not url.startswith(prefix):
            raise ValueError(f"refused to fetch {url}")
        root = Path(current_app.static_folder or "").resolve()
        path = (root / url[len(prefix) :].split("?")[0]).resolve()
        if not path.is_file() or root not in path.parents:
            raise ValueError(f"refused to fetch {url}")
        return super().fetch(path.as_uri(), headers)


def html_to_pdf(html: str) -> bytes:
    """Render a page of ours (in a request) to PDF bytes."""
    return HTML(  # type: ignore[no-any-return]
        string=html,
        base_url=request.host_url,
        url_fetcher=StaticFilesOnly(allowed_protocols=["file"]),
    ).write_pdf()
