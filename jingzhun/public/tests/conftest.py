import pytest

from .factories import clear_limits


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Rate-limit counters live in the process-wide cache: start and end every test with none."""
    clear_limits()
    yield
    clear_limits()
