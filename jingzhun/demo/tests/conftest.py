"""Fixtures of the demo tests: ``demo`` is the small demo county (small_demo.py) built once per test module inside
a transaction rolled back at the end. Modules that need another size define their own ``demo``."""

import pytest
from django.db import transaction

from .small_demo import SEED, load


@pytest.fixture(scope="module")
def demo_db(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        output = load("--seed", SEED)
        yield output
        transaction.set_rollback(True)


@pytest.fixture
def demo(demo_db, db):
    return demo_db
