"""Background jobs: record each attempt of a task, stop after a bounded number, sweep stale ones,
and relay what the broker never received.

Usage in an app's tasks.py::

    @shared_task(bind=True, acks_late=True, soft_time_limit=300, time_limit=330)
    @tracked_job
    def report_build(self, job: BackgroundJob, workspace: Path, report_id: int) -> None:
        ...  # scratch files go in `workspace`; it is removed whatever happens

and enqueue with ``job = background_job_enqueue(name="report", task=report_build,
args=[report.pk], time_limit_seconds=330)``: the task is sent with ``(job.pk, report.pk)`` after
commit, and sent again by the relay if the broker was down. The view shows ``job.status``,
``job.progress`` and ``job.error`` (already in Japanese).
"""

import functools
import logging
import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from .models import BackgroundJob

logger = logging.getLogger(__name__)

TIME_LIMIT_MESSAGE = _("The processing time limit was exceeded.")
ATTEMPTS_MESSAGE = _("Stopped after %(attempts)d attempts: the job kept failing.")
ERROR_MESSAGE = _("An error occurred while processing (%(error)s).")
STALE_MESSAGE = _("The job did not finish within its time limit and was stopped.")


def _in_portal_language(message: Any, **params: Any) -> str:
    """Job errors are stored as shown to users: in the portal's language (Japanese)."""
    with translation.override(settings.LANGUAGE_CODE):
        text = str(message)
    return text % params if params else text


def background_job_create(
    *,
    name: str,
    max_attempts: int = 3,
    time_limit_seconds: int | None = None,
    task: Any = None,
    args: Sequence[Any] = (),
) -> BackgroundJob:
    """A QUEUED job; with `task` (a Celery task) and its `args` the relay can send it."""
    job = BackgroundJob(
        name=name,
        max_attempts=max_attempts,
        time_limit_seconds=time_limit_seconds or settings.CELERY_TASK_TIME_LIMIT,
        task=task.name if task is not None else "",
        args=list(args),
    )
    job.full_clean()
    job.save()
    return job


def background_job_dispatch(job: BackgroundJob) -> None:
    """Send the job's task after commit and record when the broker took it.

    A broker outage is logged, never raised: the row waits and the relay sends it later.
    """
    task = import_string(job.task)
    job_id, args = job.pk, [job.pk, *job.args]

    def send() -> None:
        try:
            task.delay(*args)
        except Exception:
            logger.exception("could not send job %s (%s); the relay will retry", job_id, job.task)
            return
        BackgroundJob.objects.filter(pk=job_id).update(sent_at=timezone.now())

    transaction.on_commit(send)


def background_job_enqueue(
    *,
    name: str,
    task: Any,
    args: Sequence[Any] = (),
    max_attempts: int = 3,
    time_limit_seconds: int | None = None,
    dispatch: bool = True,
) -> BackgroundJob:
    """Create the job and send ``task(job.pk, *args)`` after commit (unless `dispatch` is off:
    the caller runs it in-process, see :func:`background_job_run`)."""
    job = background_job_create(
        name=name,
        max_attempts=max_attempts,
        time_limit_seconds=time_limit_seconds,
        task=task,
        args=args,
    )
    if dispatch:
        background_job_dispatch(job)
    return job


def background_job_progress(*, job_id: int, percent: int) -> None:
    BackgroundJob.objects.filter(pk=job_id, status=BackgroundJob.Status.RUNNING).update(
        progress=max(0, min(100, percent))
    )


def background_job_start(*, job_id: int, worker_pid: int) -> BackgroundJob | None:
    """Count one attempt and mark the job RUNNING; None when it must not run (again).

    Committed at once, so an attempt whose process is killed still counts.
    """
    with transaction.atomic():
        job = BackgroundJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.is_finished:
            return None
        now = timezone.now()
        if job.attempts >= job.max_attempts:
            job.status = BackgroundJob.Status.FAILED
            job.finished_at = now
            job.error = _in_portal_language(ATTEMPTS_MESSAGE, attempts=job.attempts)
            job.save(update_fields=["status", "finished_at", "error"])
            logger.error("job %s refused after %s attempts", job_id, job.attempts)
            return None
        job.attempts += 1
        job.status = BackgroundJob.Status.RUNNING
        job.worker_pid = worker_pid
        job.started_at = now
        job.progress = 0
        job.save(update_fields=["attempts", "status", "worker_pid", "started_at", "progress"])
        return job


def background_job_finish(*, job_id: int) -> None:
    BackgroundJob.objects.filter(pk=job_id, status=BackgroundJob.Status.RUNNING).update(
        status=BackgroundJob.Status.DONE, finished_at=timezone.now(), error="", progress=100
    )


def background_job_fail(*, job_id: int, error: str) -> None:
    BackgroundJob.objects.filter(pk=job_id).exclude(status=BackgroundJob.Status.DONE).update(
        status=BackgroundJob.Status.FAILED, finished_at=timezone.now(), error=error[:2000]
    )


def _workspace_root() -> Path:
    root = Path(settings.PORTAL_JOB_TMP_DIR)
    root.mkdir(parents=True, exist_ok=True)
    return root


def background_jobs_sweep(*, now: Any = None) -> int:
    """Fail RUNNING jobs past their hard limit plus a grace; remove their leftover scratch dirs."""
    now = now or timezone.now()
    grace = settings.PORTAL_JOB_SWEEP_GRACE_SECONDS
    swept = 0
    running = BackgroundJob.objects.filter(status=BackgroundJob.Status.RUNNING)
    for job in running.only("pk", "started_at", "time_limit_seconds"):
        limit = timedelta(seconds=job.time_limit_seconds + grace)
        if job.started_at is None or job.started_at + limit < now:
            background_job_fail(job_id=job.pk, error=_in_portal_language(STALE_MESSAGE))
            logger.error("job %s swept: still running past its time limit", job.pk)
            swept += 1
    # Scratch dirs of jobs that are no longer running (e.g. killed at the hard limit).
    running_ids = set(
        BackgroundJob.objects.filter(status=BackgroundJob.Status.RUNNING).values_list(
            "pk", flat=True
        )
    )
    for path in _workspace_root().glob("job-*-*"):
        try:
            job_id = int(path.name.split("-")[1])
        except (IndexError, ValueError):
            continue
        if job_id not in running_ids:
            shutil.rmtree(path, ignore_errors=True)
    return swept


def background_jobs_relay(*, now: Any = None) -> int:
    """Send again the QUEUED jobs that have a task and that the broker never took (it was down
    when they were queued) or took so long ago that the message must be lost. Returns how many
    were sent (or tried: a broker still down is logged, and the next run tries again).

    Idempotent: a job the broker took is not sent again until the lost-message wait has passed,
    and a job that runs twice anyway is not run again once finished (see tracked_job).
    """
    now = now or timezone.now()
    waiting = BackgroundJob.objects.filter(
        Q(sent_at__isnull=True)
        | Q(sent_at__lt=now - timedelta(seconds=settings.PORTAL_JOB_RELAY_LOST_AFTER_SECONDS)),
        status=BackgroundJob.Status.QUEUED,
        created_at__lt=now - timedelta(seconds=settings.PORTAL_JOB_RELAY_AFTER_SECONDS),
    ).exclude(task="")
    count = 0
    for job in waiting.order_by("created_at"):
        background_job_dispatch(job)
        logger.warning("job %s (%s) relayed: still queued", job.pk, job.task)
        count += 1
    return count


def background_job_run(
    *,
    job_id: int,
    body: Callable[[BackgroundJob, Path], Any],
    raise_errors: bool = False,
) -> Any:
    """Run `body(job, workspace)` as one attempt of the job (what tracked_job does in a worker).

    Each run counts an attempt; a finished job or one past ``max_attempts`` is not run again. The
    soft time limit ends the job FAILED with 「処理時間の上限を超えました」; a ValidationError
    (a rule's refusal, already in the user's words) with its messages; any other error with the
    error's type. `raise_errors` re-raises after recording (for in-process callers: commands).
    """
    job = background_job_start(job_id=job_id, worker_pid=os.getpid())
    if job is None:
        return None
    workspace = Path(tempfile.mkdtemp(prefix=f"job-{job_id}-", dir=_workspace_root()))
    try:
        result = body(job, workspace)
    except SoftTimeLimitExceeded:
        logger.error("job %s exceeded its soft time limit", job_id)
        background_job_fail(job_id=job_id, error=_in_portal_language(TIME_LIMIT_MESSAGE))
        if raise_errors:
            raise
        return None
    except ValidationError as exc:
        with translation.override(settings.LANGUAGE_CODE):
            refusal = " ".join(str(m) for m in exc.messages)
        logger.warning("job %s refused: %s", job_id, refusal)
        background_job_fail(job_id=job_id, error=refusal)
        if raise_errors:
            raise
        return None
    except Exception as exc:
        logger.exception("job %s failed", job_id)
        background_job_fail(
            job_id=job_id, error=_in_portal_language(ERROR_MESSAGE, error=type(exc).__name__)
        )
        if raise_errors:
            raise
        return None
    finally:
        shutil.rmtree(workspace, ignore_errors=True)
    background_job_finish(job_id=job_id)
    return result


def tracked_job(func: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a bound Celery task body taking ``(self, job, workspace, *args)``.

    The task is called with ``(job_id, *args)`` and runs as one attempt (background_job_run).
    """

    @functools.wraps(func)
    def wrapper(task: Any, job_id: int, *args: Any, **kwargs: Any) -> Any:
        return background_job_run(
            job_id=job_id,
            body=lambda job, workspace: func(task, job, workspace, *args, **kwargs),
        )

    # Celery checks call arguments against the signature: expose (job_id, *args), not the body's.
    del wrapper.__wrapped__
    return wrapper
