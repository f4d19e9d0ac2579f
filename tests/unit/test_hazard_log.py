"""The hazard log's controls are tests that exist, and its ratings follow the DCB0129 matrix
(clinical safety issue, point 7; DEVELOPERS standard 6)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _module():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("hazard_log", ROOT / "scripts" / "hazard_log.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def test_every_control_in_the_hazard_log_names_tests_that_exist():
    hazard_log = _module()

    assert hazard_log.problems(hazard_log.load()) == []


def test_the_log_names_the_hazards_the_design_requires():
    titles = {h["title"].lower() for h in _module().load().values()}

    for words in (
        "lost between services",
        "crisis referral",
        "young person",
        "lead worker",
        "discharge to nothing",
        "safety plan",
        "wrong person",
        "breach",
        "never-contacted",
        "non-engagement",
        "died",
    ):
        assert any(words in t for t in titles), words


def test_a_missing_test_or_an_untested_control_is_reported():
    hazard_log = _module()
    broken = {
        "H99": {
            "title": "t",
            "description": "d",
            "cause": "c",
            "effect": "e",
            "initial": {"severity": "major", "likelihood": "often"},
            "residual": {"severity": "major", "likelihood": "low"},
            "controls": [
                {"text": "untested", "tests": []},
                {"text": "gone", "tests": ["tests/unit/test_hazard_log.py::test_no_such_thing"]},
            ],
        }
    }

    found = hazard_log.problems(broken, ROOT)

    assert any("initial needs" in p for p in found)
    assert any("control without a test" in p for p in found)
    assert any("no such test" in p for p in found)


def test_risk_follows_the_dcb0129_matrix():
    risk = _module().risk

    assert risk({"severity": "minor", "likelihood": "very_low"}) == 1
    assert risk({"severity": "catastrophic", "likelihood": "very_high"}) == 5
    assert risk({"severity": "major", "likelihood": "medium"}) == 3
    assert risk({"severity": "catastrophic", "likelihood": "medium"}) == 4
