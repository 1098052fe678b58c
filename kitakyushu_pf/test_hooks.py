"""The test-only hooks of every app, in one module; production settings refuse their switches.

Nothing in a production function reads a test switch: a hook here is imported only when its
switch is on (``PORTAL_FAULT_PROBES``, ``DJANGO_EMAIL_BACKEND``, ``DJANGO_CONN_HEALTH_CHECKS`` and
every ``*_TEST_*`` variable), and ``DJANGO_ENV=production`` refuses to start when one is set
(see the end of settings.py). Each app keeps its hooks in its own marked section below.
"""

import os
import time
from pathlib import Path
from typing import Any

from celery import shared_task
from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection
from django.http import HttpRequest, JsonResponse

from .jobs import tracked_job
from .models import BackgroundJob

# === portal: fault-injection probes for `make test-faults` (PORTAL_FAULT_PROBES) ==============
# These tasks crash their worker process or sleep on purpose, and the page holds a database
# query open.


def _require_probes() -> None:
    if not settings.PORTAL_FAULT_PROBES:
        raise RuntimeError("fault probes are disabled (PORTAL_FAULT_PROBES is off)")


@shared_task(bind=True, acks_late=True, ignore_result=True, soft_time_limit=30, time_limit=40)
@tracked_job
def probe_crash(self: Any, job: BackgroundJob, workspace: Path) -> None:
    """Kills its own worker process at once, every time it runs."""
    _require_probes()
    os._exit(1)


@shared_task(bind=True, acks_late=True, ignore_result=True, soft_time_limit=2, time_limit=15)
@tracked_job
def probe_slow(self: Any, job: BackgroundJob, workspace: Path, seconds: float) -> None:
    """Writes a scratch file and works longer than its soft time limit."""
    _require_probes()
    (workspace / "partial.csv").write_text("id,value\n1,2\n", encoding="utf-8")
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        time.sleep(0.1)


def probe_slow_query(request: HttpRequest) -> JsonResponse:
    """A page whose database query takes `seconds` (PostgreSQL): a request in flight."""
    _require_probes()
    seconds = min(float(request.GET.get("seconds", "3")), 30.0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_sleep(%s)", [seconds])
    return JsonResponse({"slept": seconds})


class SlowFileEmailBackend(BaseEmailBackend):
    """Test mail backend: records the sending pid, waits, then writes each message to a file.

    Configured by DJANGO_EMAIL_BACKEND in the fault-test worker only; the directory and delay come
    from PORTAL_TEST_MAILDIR and the file `delay` in it.
    """

    def send_messages(self, email_messages: Any) -> int:
        _require_probes()
        maildir = Path(os.environ["PORTAL_TEST_MAILDIR"])
        delay_file = maildir / "delay"  # the test may change the delay while the worker runs
        delay = float(delay_file.read_text()) if delay_file.exists() else 0.0
        (maildir / f"sending-{os.getpid()}-{time.monotonic_ns()}.pid").write_text(str(os.getpid()))
        time.sleep(delay)
        for message in email_messages:
            name = f"sent-{time.time_ns()}-{os.getpid()}.eml"
            (maildir / name).write_bytes(message.message().as_bytes())
        return len(email_messages)


# === trainings ===============================================================================
# TRAININGS_TEST_DISABLE_LOCKING: the session row lock is not taken and seats are counted by
#   a plain count-then-insert (the race the lock exists to prevent).
# TRAININGS_TEST_SLEEP_AFTER_CAPACITY_CHECK: seconds to sleep between counting the seats and
#   inserting, so that concurrent requests interleave.


def trainings_locking_disabled() -> bool:
    return bool(settings.TRAININGS_TEST_DISABLE_LOCKING)


def trainings_after_capacity_check() -> None:
    seconds = float(settings.TRAININGS_TEST_SLEEP_AFTER_CAPACITY_CHECK or 0)
    if seconds:
        time.sleep(seconds)


# === surveys =================================================================================
# SURVEYS_TEST_SLEEP_IN_REPORT: seconds a report build waits after recording its worker pid, so
#   that the fault test can kill that worker child mid-task.
# SURVEYS_TEST_SLEEP_IN_VALIDATION: seconds a file validation waits once the rows are checked and
#   before anything is stored or loaded, so that the fault test can kill it mid-way.


def surveys_report_build_started() -> None:
    seconds = float(settings.SURVEYS_TEST_SLEEP_IN_REPORT or 0)
    if seconds > 0:
        time.sleep(seconds)


def surveys_validation_checked() -> None:
    seconds = float(settings.SURVEYS_TEST_SLEEP_IN_VALIDATION or 0)
    if seconds > 0:
        time.sleep(seconds)
