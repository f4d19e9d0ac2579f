from __future__ import annotations

from pathlib import Path

import pytest

from tests.synthdb import migrated_template


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return migrated_template(tmp_path_factory.mktemp("synth"))
