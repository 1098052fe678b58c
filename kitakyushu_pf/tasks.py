import os

from celery import shared_task
from django.conf import settings
from django.core.cache import cache

from .services import email_send, outbox_fresh_ids, outbox_pending_ids


@shared_task(ignore_result=True, soft_time_limit=10, time_limit=20)
def portal_echo(token: str) -> None:
    """Round-trip check for operators and tests: the worker writes its pid to the cache."""
    cache.set(f"portal-echo:{token}", os.getpid(), 60)


@shared_task(
    bind=True,
    ignore_result=True,
    acks_late=True,
    max_retries=5,
    default_retry_delay=30,
    soft_time_limit=60,
    time_limit=90,
)
def outbox_send(self, email_id: int) -> None:  # type: ignore[no-untyped-def]
    try:
        email_send(email_id=email_id)
    except Exception as exc:
        raise self.retry(exc=exc) from exc


@shared_task(ignore_result=True, soft_time_limit=60, time_limit=90)
def outbox_drain() -> int:
    """Hand every fresh unsent e-mail to its own send task (see ``outbox_dispatch_on_commit``).

    A row handed out twice (two drains close together) is still sent once: ``email_send``
    locks the row and skips it once sent.
    """
    ids = outbox_fresh_ids()
    for email_id in ids:
        outbox_send.delay(email_id)
    return len(ids)


@shared_task(ignore_result=True, soft_time_limit=120, time_limit=150)
def outbox_relay(older_than_seconds: int = 60) -> int:
    """Periodic: send what was queued while the broker was down (or whose task was lost)."""
    sent = 0
    for email_id in outbox_pending_ids(older_than_seconds=older_than_seconds):
        try:
            sent += email_send(email_id=email_id)
        except Exception:  # noqa: S112 - recorded on the row; the next run tries again
            continue
    return sent


@shared_task(ignore_result=True, soft_time_limit=120, time_limit=150)
def background_jobs_sweep() -> int:
    """Periodic: jobs still RUNNING long after their hard time limit are marked FAILED."""
    from .jobs import background_jobs_sweep as sweep

    return sweep()


@shared_task(ignore_result=True, soft_time_limit=120, time_limit=150)
def background_jobs_relay() -> int:
    """Periodic: send the jobs queued while the broker was down (or whose message was lost)."""
    from .jobs import background_jobs_relay as relay

    return relay()


if settings.PORTAL_FAULT_PROBES:
    from . import test_hooks  # noqa: F401  (registers the probe tasks in the worker)


@shared_task(ignore_result=True, soft_time_limit=600, time_limit=660)
def retention_run() -> None:
    """Beat: purge personal data past its retention period (every registered rule)."""
    from .retention import retention_run as run

    run()
