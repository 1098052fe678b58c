"""Background job records: attempts are counted and bounded, time limits fail cleanly, sweeping,
and the relay of jobs the broker never received."""

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
    background_job_enqueue,
    background_job_progress,
    background_job_start,
    background_jobs_relay,
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


# --- Relay: jobs the broker never received are sent again -------------------------------------


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, ...]]:
    """The broker, from the portal's side: each accepted message is recorded."""
    from kitakyushu_pf import test_hooks

    messages: list[tuple[Any, ...]] = []
    monkeypatch.setattr(test_hooks.probe_slow, "delay", lambda *args: messages.append(args))
    return messages


def _broker_down(monkeypatch: pytest.MonkeyPatch) -> None:
    from kitakyushu_pf import test_hooks

    def refuse(*args: Any) -> None:
        raise ConnectionError("broker down")

    monkeypatch.setattr(test_hooks.probe_slow, "delay", refuse)


def _enqueue(**kwargs: Any) -> BackgroundJob:
    from kitakyushu_pf import test_hooks

    return background_job_enqueue(name="report", task=test_hooks.probe_slow, args=[0], **kwargs)


def test_a_job_queued_while_the_broker_was_down_is_sent_by_the_relay(
    monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    _broker_down(monkeypatch)
    with django_capture_on_commit_callbacks(execute=True):
        job = _enqueue()  # the request succeeds; the failure is logged
    job.refresh_from_db()
    assert job.status == BackgroundJob.Status.QUEUED and job.sent_at is None
    monkeypatch.undo()
    messages: list[tuple[Any, ...]] = []
    from kitakyushu_pf import test_hooks

    monkeypatch.setattr(test_hooks.probe_slow, "delay", lambda *args: messages.append(args))
    later = timezone.now() + timedelta(seconds=settings.PORTAL_JOB_RELAY_AFTER_SECONDS + 1)
    with django_capture_on_commit_callbacks(execute=True):
        assert background_jobs_relay(now=later) == 1
    assert messages == [(job.pk, 0)]
    job.refresh_from_db()
    assert job.sent_at is not None and job.status == BackgroundJob.Status.QUEUED


def test_the_relay_is_idempotent_and_leaves_sent_running_and_finished_jobs_alone(
    sent: list[tuple[Any, ...]],
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        delivered = _enqueue()  # the broker took it
    assert sent == [(delivered.pk, 0)]
    _broker_down(monkeypatch)
    with django_capture_on_commit_callbacks(execute=True):
        waiting, fresh, running, done = (_enqueue() for _ in range(4))
    background_job_start(job_id=running.pk, worker_pid=1)
    _run(lambda task, job, workspace, seconds: None, done.pk, 0)
    long_ago = timezone.now() - timedelta(seconds=settings.PORTAL_JOB_RELAY_AFTER_SECONDS + 1)
    BackgroundJob.objects.exclude(pk=fresh.pk).update(created_at=long_ago)
    monkeypatch.undo()
    messages: list[tuple[Any, ...]] = []
    from kitakyushu_pf import test_hooks

    monkeypatch.setattr(test_hooks.probe_slow, "delay", lambda *args: messages.append(args))
    with django_capture_on_commit_callbacks(execute=True):
        assert background_jobs_relay() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert background_jobs_relay() == 0  # a second run sends nothing again
    assert messages == [(waiting.pk, 0)]


def test_the_relay_keeps_trying_while_the_broker_is_down(
    monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    _broker_down(monkeypatch)
    with django_capture_on_commit_callbacks(execute=True):
        job = _enqueue()
    later = timezone.now() + timedelta(seconds=settings.PORTAL_JOB_RELAY_AFTER_SECONDS + 1)
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            assert background_jobs_relay(now=later) == 1  # logged, not raised
    job.refresh_from_db()
    assert job.sent_at is None and job.status == BackgroundJob.Status.QUEUED


def test_a_message_the_broker_lost_is_sent_again_after_a_long_wait(
    sent: list[tuple[Any, ...]], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        job = _enqueue()
    soon = timezone.now() + timedelta(seconds=settings.PORTAL_JOB_RELAY_AFTER_SECONDS + 1)
    with django_capture_on_commit_callbacks(execute=True):
        assert background_jobs_relay(now=soon) == 0  # accepted, maybe waiting in a long queue
    lost = timezone.now() + timedelta(seconds=settings.PORTAL_JOB_RELAY_LOST_AFTER_SECONDS + 1)
    with django_capture_on_commit_callbacks(execute=True):
        assert background_jobs_relay(now=lost) == 1  # e.g. Redis restarted without its data
    assert sent == [(job.pk, 0), (job.pk, 0)]


def test_the_relay_runs_every_minute() -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["background-job-relay"]
    assert entry["task"] == "kitakyushu_pf.tasks.background_jobs_relay"
    assert entry["schedule"] == 60.0


def test_a_refusal_by_the_rules_fails_the_job_with_its_own_words() -> None:
    from django.core.exceptions import ValidationError

    job = background_job_create(name="report")

    def body(task: Any, job: BackgroundJob, workspace: Path) -> None:
        raise ValidationError("データが読み込まれていないため、集計できません。")

    _run(body, job.pk)
    job.refresh_from_db()
    assert job.status == BackgroundJob.Status.FAILED
    assert job.error == "データが読み込まれていないため、集計できません。"


def test_progress_is_recorded_and_full_when_done() -> None:
    job = background_job_create(name="report")

    def body(task: Any, job: BackgroundJob, workspace: Path) -> None:
        background_job_progress(job_id=job.pk, percent=40)
        assert BackgroundJob.objects.get(pk=job.pk).progress == 40

    _run(body, job.pk)
    job.refresh_from_db()
    assert job.progress == 100
