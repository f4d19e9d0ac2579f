"""Reporting reads only the activity store: no indicator module imports an identifiable
model (DESIGN §3 rule 9, §7). The feed's own boundary test covers the whole package."""

from __future__ import annotations

import ast
from pathlib import Path

import hubs.reporting

IDENTIFIABLE = (
    "hubs.people",
    "hubs.referrals",
    "hubs.careplans",
    "hubs.outcomes",
    "hubs.safetyplans",
    "hubs.support",
    "hubs.trackers",
    "hubs.pathways",
    "hubs.staff",
    "hubs.portal",
    "hubs.activity",
    "hubs.caseloads",
    "hubs.models",
)
MINE = (
    "access",
    "api",
    "boardpack",
    "cli",
    "compute",
    "definitions",
    "dashboard",
    "differencing",
    "demo",
    "exports",
    "indicator_models",
    "indicators",
    "jobs",
    "periods",
    "population",
    "presenters",
    "queries",
    "refresh",
    "schemas",
    "sql",
    "stats",
    "suppression",
    "units",
    "views",
)


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_no_indicator_module_imports_an_identifiable_model():
    package = Path(hubs.reporting.__file__).parent
    for name in MINE:
        imported = _imports(package / f"{name}.py")
        bad = sorted(i for i in imported if i.startswith(IDENTIFIABLE))
        assert not bad, f"hubs.reporting.{name} imports {bad}"
