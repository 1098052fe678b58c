"""Celery under faults: killed children, crash loops, time limits and a Redis outage.

Marked `faults` (run by `make test-faults`). Uses its own redis-server and worker, both stopped
by pid; needs PostgreSQL for the database the worker shares with the tests.
"""

import os
import signal
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from kitakyushu_pf.jobs import background_job_create
from kitakyushu_pf.models import BackgroundJob, OutboxEmail
from kitakyushu_pf.services import email_enqueue

from .faultkit import OwnRedis, Worker, pg_test_url, point_celery_at, wait_for

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def own_redis(tmp_path_factory: Any) -> Iterator[OwnRedis]:
    redis = OwnRedis(tmp_path_factory.mktemp("redis"))
    redis.start()
    try:
        yield redis
    finally:
        redis.kill()


@pytest.fixture(scope="module")
def fault_worker(
    own_redis: OwnRedis, django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any
) -> Iterator[Worker]:
    with django_db_blocker.unblock():
        pg_test_url()  # skips on SQLite
    undo = point_celery_at(own_redis.url(0))
    worker = Worker(
        broker_url=own_redis.url(0),
        cache_url=own_redis.url(1),
        workdir=tmp_path_factory.mktemp("worker"),
    )
    try:
        worker.start()
        yield worker
    finally:
        worker.stop()
        undo()


@pytest.fixture
def worker(fault_worker: Worker) -> Worker:
    from kitakyushu_pf.celery import app

    app.conf.task_always_eager = False
    for path in fault_worker.maildir.glob("*"):
        if path.name != "delay":
            path.unlink()
    fault_worker.set_mail_delay(0)
    return fault_worker


def _echo_round_trip(timeout: float = 30) -> None:
    """Another task still runs: portal_echo writes the worker's pid into the shared database."""
    from kitakyushu_pf.celery import app

    token = uuid.uuid4().hex
    app.send_task("kitakyushu_pf.tasks.background_jobs_sweep")  # any cheap task goes through
    job = background_job_create(name=f"echo-{token}")
    app.send_task("kitakyushu_pf.test_hooks.probe_slow", args=[job.pk, 0])

    def done() -> bool:
        job.refresh_from_db()
        return job.status == BackgroundJob.Status.DONE

    wait_for(done, timeout, "another task to run on the same worker")


def test_a_killed_child_runs_the_task_again_and_the_email_goes_once(worker: Worker) -> None:
    worker.set_mail_delay(4)
    email = email_enqueue(
        key=f"fault:{uuid.uuid4().hex}", to=["someone@example.jp"], subject="登録完了", body="本文"
    )
    assert email is not None
    first_pid = wait_for(worker.sending_pids, 30, "the worker to start sending")[0]
    assert first_pid != os.getpid()
    os.kill(first_pid, signal.SIGKILL)  # the pid the sending task recorded
    worker.set_mail_delay(0.5)

    wait_for(worker.sent_messages, 60, "the redelivered task to send the e-mail")
    email.refresh_from_db()
    assert email.sent_at is not None
    assert len(set(worker.sending_pids())) == 2, "the task ran again in a new child"
    # Neither the late relay nor another delivery sends it again.
    from kitakyushu_pf.tasks import outbox_relay

    outbox_relay.delay(0)
    time.sleep(3)
    assert len(worker.sent_messages()) == 1
    assert "WorkerLostError" in worker.log() or "signal 9" in worker.log()


def test_a_task_that_always_crashes_stops_and_is_failed_while_others_run(worker: Worker) -> None:
    from kitakyushu_pf.celery import app

    job = background_job_create(name="crash-loop", max_attempts=3)
    app.send_task("kitakyushu_pf.test_hooks.probe_crash", args=[job.pk])

    def finished() -> bool:
        job.refresh_from_db()
        return job.is_finished

    wait_for(finished, 90, "the crash loop to be stopped")
    assert job.status == BackgroundJob.Status.FAILED
    assert job.attempts == 3
    assert "3回" in job.error
    _echo_round_trip()
    time.sleep(2)
    job.refresh_from_db()
    assert job.attempts == 3, "a failed job is never started again"


def test_a_task_over_its_soft_time_limit_fails_and_leaves_no_files(worker: Worker) -> None:
    from kitakyushu_pf.celery import app

    job = background_job_create(name="slow-report")
    app.send_task("kitakyushu_pf.test_hooks.probe_slow", args=[job.pk, 30])

    def finished() -> bool:
        job.refresh_from_db()
        return job.is_finished

    started = time.monotonic()
    wait_for(finished, 30, "the soft time limit")
    assert time.monotonic() - started < 15
    assert job.status == BackgroundJob.Status.FAILED
    assert "処理時間の上限を超えました" in job.error
    assert list(worker.jobdir.iterdir()) == []


def test_redis_outage_pages_answer_mail_waits_in_the_outbox_sessions_survive(
    worker: Worker, own_redis: OwnRedis, django_user_model: Any, settings: Any
) -> None:
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": own_redis.url(1),
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 1,
                "SOCKET_TIMEOUT": 1,
            },
        }
    }
    user = django_user_model.objects.create_user(username="outage", password="pw-for-tests-123")
    client = Client()
    client.force_login(user)
    assert client.get("/").status_code == 200
    assert client.get("/healthz").json() == {"database": "ok", "cache": "ok", "broker": "ok"}

    own_redis.kill()
    try:
        home = client.get("/")
        assert home.status_code == 200
        assert 'action="/accounts/logout/"' in home.content.decode(), "the session was lost"
        health = client.get("/healthz")
        assert health.status_code == 503
        assert health.json() == {"database": "ok", "cache": "down", "broker": "down"}
        anonymous = Client().get("/handbook/")
        assert anonymous.status_code == 200

        started = time.monotonic()
        email = email_enqueue(
            key=f"outage:{uuid.uuid4().hex}", to=["a@example.jp"], subject="件名", body="本文"
        )
        assert time.monotonic() - started < 15, "enqueueing must not hang on a dead broker"
        assert email is not None
        time.sleep(1)
        email.refresh_from_db()
        assert email.sent_at is None  # waiting in the outbox, not lost
    finally:
        own_redis.start()

    # Redis is back (empty: no persistence). The session comes from the database.
    home = client.get("/")
    assert 'action="/accounts/logout/"' in home.content.decode()
    wait_for(lambda: client.get("/healthz").status_code == 200, 60, "healthz to recover")

    from kitakyushu_pf.tasks import outbox_relay

    def relayed() -> bool:
        outbox_relay.delay(0)
        return bool(wait_for_quietly(worker.sent_messages, 5))

    wait_for(relayed, 90, "the relay to send the queued e-mail")
    email.refresh_from_db()
    assert email.sent_at is not None
    assert len(worker.sent_messages()) == 1
    assert OutboxEmail.objects.filter(sent_at__isnull=True).count() == 0


def wait_for_quietly(predicate: Any, timeout: float) -> Any:
    try:
        return wait_for(predicate, timeout, "")
    except AssertionError:
        return None


def test_probe_tasks_need_the_switch(tmp_path: Path) -> None:
    from kitakyushu_pf import test_hooks

    with pytest.raises(RuntimeError):
        test_hooks._require_probes()
