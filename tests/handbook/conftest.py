from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction

from handbook import selectors
from handbook.demo import seed_demo


@pytest.fixture(autouse=True)
def _empty_usage_buffer() -> Iterator[None]:
    """The usage counts live in process memory until flushed: start each test empty."""
    from handbook import services

    services._usage.clear()
    services._today_memo[:] = [0.0, None]
    yield
    services._usage.clear()


@pytest.fixture(scope="module")
def snap(django_db_setup: None, django_db_blocker: Any) -> selectors.Snapshot:
    """The shipped catalogue, loaded once for the module and rolled back afterwards (the
    snapshot is plain data and outlives the transaction)."""
    with django_db_blocker.unblock(), transaction.atomic():
        seed_demo()
        snapshot = selectors.snapshot_build(None)
        transaction.set_rollback(True)
    return snapshot
