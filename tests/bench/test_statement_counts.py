"""The benchmark smoke run (`make bench-smoke`, part of `make test`): every main page in the
benchmark registry issues no more SQL statements on twice the data than on small data, and
at most 15. Synthetic data at small scale and at double small scale, on SQLite files.

Counted, never timed: timings belong to `make bench`. The pages, and the heavy case each
opens (the busiest hub, the biggest caseload...), come from `benchmarks.pages`, so a page
registered there is checked here too.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from benchmarks.pages import PAGES
from benchmarks.suite import MAX_STATEMENTS, cases, engine_of, statement_counts
from hubs.synth import run_synth
from hubs.synth.scales import SMALL
from tests.synthdb import fresh_database, migrated_template

AS_OF = dt.date(2026, 6, 1)


def _counts(template: Path, path: Path, factor: int) -> dict[str, int]:
    scale = SMALL.times(factor) if factor > 1 else SMALL
    with fresh_database(template, path) as app:
        engine = engine_of(app)
        run_synth(engine, scale, seed=11, as_of=AS_OF)
        return statement_counts(app, cases(engine))


@pytest.fixture(scope="module")
def counts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[int, int]]:
    directory = tmp_path_factory.mktemp("bench")
    template = migrated_template(directory)
    small = _counts(template, directory / "small.db", 1)
    double = _counts(template, directory / "double.db", 2)
    return {name: (small[name], double[name]) for name in small}


@pytest.mark.parametrize("page", sorted(PAGES))
def test_a_main_page_issues_no_more_statements_on_twice_the_data(counts, page):
    small, double = counts[page]
    assert double <= small, f"{page}: {small} statements on small data, {double} on double"


@pytest.mark.parametrize("page", sorted(PAGES))
def test_a_main_page_issues_at_most_15_statements(counts, page):
    small, double = counts[page]
    assert max(small, double) <= MAX_STATEMENTS, f"{page}: {small} / {double} statements"
