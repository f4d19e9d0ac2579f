"""Reporting reads only the pseudonymised activity store (DESIGN §3 rule 9, §7).

No module under `hubs/reporting/` may import a module that holds identifiable data: not
directly, not with `from … import …`, not relatively, not through `importlib`. The check
parses the source with `ast` (it never imports it), so a violation is caught even in a
module no test happens to import.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

REPORTING = Path(__file__).resolve().parents[2] / "hubs" / "reporting"
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
    # Imports every model module, identifiable ones included.
    "hubs.models",
)


def _absolute(module: str | None, level: int, package: str) -> str:
    """`from ..people import x` inside hubs.reporting → hubs.people."""
    if level == 0:
        return module or ""
    parts = package.split(".")
    base = parts[: len(parts) - level + 1]
    return ".".join([*base, module] if module else base)


def imported_modules(source: str, package: str = "hubs.reporting") -> Iterator[tuple[int, str]]:
    """Every module a source imports, with its line: the module itself, and for
    `from package import name` also `package.name` (the name may be a submodule)."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node.module, node.level, package)
            yield node.lineno, base
            for alias in node.names:
                yield node.lineno, f"{base}.{alias.name}"
        elif isinstance(node, ast.Call) and _is_dynamic_import(node.func):
            for argument in node.args[:1]:
                if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                    yield node.lineno, argument.value


def _is_dynamic_import(func: ast.expr) -> bool:
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    return name in {"import_module", "__import__"}


def _is_identifiable(module: str) -> bool:
    return any(module == bad or module.startswith(bad + ".") for bad in IDENTIFIABLE)


def violations(source: str, package: str = "hubs.reporting") -> list[str]:
    return sorted(
        {
            f"line {line}: {module}"
            for line, module in imported_modules(source, package)
            if _is_identifiable(module)
        }
    )


def _package_of(path: Path) -> str:
    """The package a module's relative imports start from (its folder, for __init__ too)."""
    return ".".join(path.relative_to(REPORTING.parent.parent).with_suffix("").parts[:-1])


def _reporting_modules() -> list[Path]:
    return sorted(REPORTING.rglob("*.py"))


def test_reporting_modules_import_no_identifiable_model():
    assert _reporting_modules(), "hubs/reporting has no modules to check"
    found = {
        str(path.relative_to(REPORTING.parent.parent)): problems
        for path in _reporting_modules()
        if (problems := violations(path.read_text(encoding="utf-8"), _package_of(path)))
    }
    assert found == {}, f"reporting must read only the activity store: {found}"


@pytest.mark.parametrize(
    "source",
    [
        "import hubs.people.models",
        "import hubs.referrals as r",
        "from hubs.careplans.models import CarePlan",
        "from hubs import support",
        "from hubs.trackers import models as t",
        "from ..staff.models import User",
        "from .. import portal",
        "from hubs.activity.rows import Fact",
        "from hubs.models import Person",
        "import importlib\nimportlib.import_module('hubs.pathways.models')",
        "def later():\n    from hubs.people.models import Person\n    return Person",
        "__import__('hubs.referrals.models')",
    ],
)
def test_the_check_catches_an_identifiable_import(source):
    assert violations(source, "hubs.reporting") != []


@pytest.mark.parametrize(
    "source",
    [
        "from hubs.reporting.models import ActivityEvent",
        "from .models import ActivityEvent",
        "from hubs.core.types import today",
        "from hubs.directory.models import Hub",  # the map of hubs names no one
        "import sqlalchemy as sa",
        "from hubs.peoplecounter import x",  # a prefix of a name is not that package
    ],
)
def test_the_check_allows_the_activity_store_and_shared_modules(source):
    assert violations(source, "hubs.reporting") == []


def test_relative_imports_resolve_from_the_module_package():
    assert violations("from ...people import models", "hubs.reporting.views") == [
        "line 1: hubs.people",
        "line 1: hubs.people.models",
    ]
