"""A pytest plugin (fixtures only) that makes every test see the same generated data.

Before each test it seeds, from the test's own node id, every random generator the tests
draw on: Python's `random` (synthetic NHS numbers), factory-boy's generator and the Faker
instances behind `factory.Faker` (names), and the Faker plugin's `faker` fixture (through
`faker_seed`). It also restarts the factories' sequences, so "Test Staff 0" is the first
user of every test. A test therefore gets the same names whichever tests ran before it, in
whatever order, alone or in the whole suite. Different tests still get different names.

Set HUBS_TEST_SEED to another whole number to run the suite over another set of names.
"""

from __future__ import annotations

import os
import random
import zlib

import factory
import factory.random
import pytest

DEFAULT_SEED = 20261123
# The locales the factories ask Faker for (None: factory-boy's default locale).
FACTORY_LOCALES = ("en_GB", None)


def _base_seed() -> int:
    return int(os.environ.get("HUBS_TEST_SEED") or DEFAULT_SEED)


def seed_for(nodeid: str) -> int:
    """A seed that depends only on the test (its node id) and the base seed."""
    return zlib.crc32(f"{_base_seed()}:{nodeid}".encode())


@pytest.fixture
def faker_seed(request: pytest.FixtureRequest) -> int:
    """The seed the Faker plugin's `faker` fixture uses: this test's seed."""
    return seed_for(request.node.nodeid)


def _reset_factory_sequences() -> None:
    from tests import factories  # imported late: it loads the app's models

    for value in vars(factories).values():
        if (
            isinstance(value, type)
            and issubclass(value, factory.Factory)
            and not value._meta.abstract
            and value._meta.counter_reference is value._meta
        ):
            value.reset_sequence()


@pytest.fixture(autouse=True)
def deterministic_data(faker_seed: int) -> None:
    """Seed every generator before the test (and before its other fixtures make data)."""
    random.seed(faker_seed)
    factory.random.reseed_random(faker_seed)  # factory-boy's and Faker's shared generator
    for locale in FACTORY_LOCALES:
        factory.Faker._get_faker(locale).seed_instance(faker_seed)
    _reset_factory_sequences()
