import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Rate limits and cached figures must not leak from one test to the next.
    cache.clear()
    yield
    cache.clear()
