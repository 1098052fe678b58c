"""Background job records: attempts are counted and bounded, time limits fail cleanly, sweeping."""

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.urls import Resolver404, resolve
from django.utils import timezone

from kitakyushu_pf.jobs import (
    background_job_create,
    background_job_start,
    background_jobs_sweep,
    tracked_job,
)
from kitakyushu_pf.models import BackgroundJob

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _job_tmp(settings: Any, tmp_path: Path) -> Path:
    settings.PORTAL_JOB_TMP_DIR = str(tmp_path / "jobs")
    return tmp_path / "jobs"


def _run(body: Any, job_id: int, *args: Any) -> Any:
    return tracked_job(body)(None, job_id, *args)


def test_a_job_that_succeeds_is_done_after_one_attempt(_job_tmp: Path) -> None:
    job = background_job_create(name="report")
    seen: list[Path] = []

    def body(task: Any, job: BackgroundJob, workspace: Path, value: int) -> int:
        (workspace / "scratch.csv").write_text("a,b\n")
        seen.append(workspace)
        return value * 2

    assert _run(body, job.pk, 21) == 42
    job.refresh_from_db()
    assert job.status == BackgroundJob.Status.DONE
    assert job.attempts == 1 and job.finished_at is not None and job.error == ""
    assert not seen[0].exists()
    assert list(_job_tmp.iterdir()) == []


def test_a_job_is_refused_after_max_attempts_and_shown_failed_in_japanese() -> None:
    job = background_job_create(name="report", max_attempts=2)
    # Two attempts whose processes died: RUNNING, counted.
    for pid in (101, 102):
        assert background_job_start(job_id=job.pk, worker_pid=pid) is not None
    calls: list[int] = []
    _run(lambda task, job, workspace: calls.append(1), job.pk)
    job.refresh_from_db()
    assert calls == []
    assert job.status == BackgroundJob.Status.FAILED
    assert job.attempts == 2
    assert "2回" in job.error


def test_a_finished_job_is_not_run_again() -> None:
    job = background_job_create(name="report")
    calls: list[int] = []
    _run(lambda task, job, workspace: calls.append(1), job.pk)
    _run(lambda task, job, workspace: calls.append(1), job.pk)  # redelivered after success
    assert calls == [1]


def test_the_soft_time_limit_fails_the_job_and_removes_its_files(_job_tmp: Path) -> None:
    job = background_job_create(name="report")

    def body(task: Any, job: BackgroundJob, workspace: Path) -> None:
        (workspace / "partial.xlsx").write_bytes(b"PK")
        raise SoftTimeLimitExceeded()

    _run(body, job.pk)
    job.refresh_from_db()
    assert job.status == BackgroundJob.Status.FAILED
    assert "処理時間の上限を超えました" in job.error
    assert list(_job_tmp.iterdir()) == []


def test_an_error_fails_the_job_naming_the_error_type() -> None:
    job = background_job_create(name="report")

    def body(task: Any, job: BackgroundJob, workspace: Path) -> None:
        raise ValueError("row 3")

    _run(body, job.pk)
    job.refresh_from_db()
    assert job.status == BackgroundJob.Status.FAILED
    assert "ValueError" in job.error and "エラー" in job.error


def test_the_sweeper_fails_jobs_running_past_their_limit(_job_tmp: Path) -> None:
    stale = background_job_create(name="stale", time_limit_seconds=60)
    fresh = background_job_create(name="fresh", time_limit_seconds=60)
    background_job_start(job_id=stale.pk, worker_pid=1)
    background_job_start(job_id=fresh.pk, worker_pid=2)
    long_ago = timezone.now() - timedelta(seconds=60 + settings.PORTAL_JOB_SWEEP_GRACE_SECONDS + 1)
    BackgroundJob.objects.filter(pk=stale.pk).update(started_at=long_ago)
    _job_tmp.mkdir(parents=True, exist_ok=True)
    (_job_tmp / f"job-{stale.pk}-abc").mkdir()
    (_job_tmp / f"job-{fresh.pk}-def").mkdir()

    assert background_jobs_sweep() == 1
    stale.refresh_from_db()
    fresh.refresh_from_db()
    assert stale.status == BackgroundJob.Status.FAILED
    assert "時間内に終わらなかった" in stale.error
    assert fresh.status == BackgroundJob.Status.RUNNING
    assert [p.name for p in _job_tmp.iterdir()] == [f"job-{fresh.pk}-def"]


def test_the_sweeper_runs_periodically() -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["background-job-sweep"]
    assert entry["task"] == "kitakyushu_pf.tasks.background_jobs_sweep"
    import kitakyushu_pf.tasks  # noqa: F401
    from kitakyushu_pf.celery import app

    assert "kitakyushu_pf.tasks.background_jobs_sweep" in app.tasks


def test_fault_probes_are_off_by_default() -> None:
    assert settings.PORTAL_FAULT_PROBES is False
    with pytest.raises(Resolver404):
        resolve("/_probes/slow-query")
    from kitakyushu_pf import test_hooks

    with pytest.raises(RuntimeError, match="disabled"):
        test_hooks._require_probes()
