import time
import uuid

import pytest
from django.core.cache import cache

from kitakyushu_pf.tasks import portal_echo


def test_echo_task_runs_eagerly_by_default() -> None:
    token = uuid.uuid4().hex
    portal_echo.delay(token)
    assert cache.get(f"portal-echo:{token}") is not None


@pytest.mark.worker
def test_echo_task_round_trip_through_the_real_worker(real_worker: int) -> None:
    token = uuid.uuid4().hex
    portal_echo.delay(token)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        pid = cache.get(f"portal-echo:{token}")
        if pid is not None:
            break
        time.sleep(0.2)
    assert pid is not None, "the worker never ran the task"
    assert pid != __import__("os").getpid(), "the task ran in the test process, not the worker"
