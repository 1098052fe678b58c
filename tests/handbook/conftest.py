from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def _empty_usage_buffer() -> Iterator[None]:
    """The usage counts live in process memory until flushed: start each test empty."""
    from handbook import services

    services._usage.clear()
    services._today_memo[:] = [0.0, None]
    yield
    services._usage.clear()
