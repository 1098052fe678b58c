"""Survey report jobs under faults: a killed worker child and a broker outage.

Marked `faults` (run by `make test-faults`). Uses its own redis-server and worker, both stopped
by pid; needs PostgreSQL for the database the worker shares with the tests.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from surveys import services
from surveys.models import Dataset, ReportJob
from tests.portal.faultkit import OwnRedis, Worker, pg_test_url, point_celery_at, wait_for

from .factories import load_dataset, synthetic_csv

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

REPORT_SLEEP = 4.0  # seconds each report build holds open in the fault worker


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
    worker.env.update(
        {
            "DJANGO_PRIVATE_ROOT": str(settings.PRIVATE_STORAGE_ROOT),
            "DJANGO_MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "SURVEYS_TEST_SLEEP_IN_REPORT": str(REPORT_SLEEP),
        }
    )
    try:
        worker.start()
        yield worker
    finally:
        worker.stop()
        undo()


@pytest.fixture
def worker(fault_worker: Worker, reference_data: Any) -> Worker:
    from kitakyushu_pf.celery import app

    app.conf.task_always_eager = False
    # Transactional tests run on a flushed database: put back what the surveys migration ships.
    services.instrument_load_all()
    services.national_figures_load_shipped()
    return fault_worker


def _loaded_dataset() -> Dataset:
    dataset = load_dataset(synthetic_csv(400), title="障害試験", sample_size=1000)
    assert dataset.status == Dataset.Status.LOADED
    return dataset


def _job(dataset: Dataset, mode: str) -> ReportJob:
    return ReportJob.objects.get(dataset=dataset, mode=mode)


def test_a_killed_child_builds_the_report_again_and_stores_it_once(worker: Worker) -> None:
    dataset = _loaded_dataset()
    services.report_request(dataset=dataset, mode=ReportJob.Mode.INTERNAL)

    def running_pid() -> int | None:
        job = _job(dataset, "internal")
        return job.worker_pid if job.status == ReportJob.Status.RUNNING else None

    first_pid = wait_for(running_pid, 30, "the worker to start building the report")
    assert first_pid not in (os.getpid(), worker.proc.pid if worker.proc else None)
    os.kill(first_pid, signal.SIGKILL)  # the pid the job recorded: the pool child

    def done() -> bool:
        return _job(dataset, "internal").status in (ReportJob.Status.DONE, ReportJob.Status.FAILED)

    wait_for(done, 90, "the redelivered report to finish")
    job = _job(dataset, "internal")
    assert job.status == ReportJob.Status.DONE, job.error
    assert job.attempts == 2, "the report ran once more after the kill, and only once"
    assert job.worker_pid != first_pid
    assert job.progress == 100 and job.result["meta"]["n_respondents"] == 400
    # One row per mode (loading a file requests the internal and the publication report).
    assert ReportJob.objects.filter(dataset=dataset, mode="internal").count() == 1
    assert ReportJob.objects.filter(dataset=dataset).count() == 2
    log = worker.log()
    assert "WorkerLostError" in log or "signal 9" in log

    time.sleep(REPORT_SLEEP + 1)  # no further delivery runs it a third time
    job.refresh_from_db()
    assert job.attempts == 2 and job.status == ReportJob.Status.DONE


def test_a_report_asked_for_while_the_broker_is_down_is_built_when_it_returns(
    worker: Worker, own_redis: OwnRedis, django_user_model: Any
) -> None:
    from kitakyushu_pf.roles import ANALYST
    from surveys.tasks import reportjob_sweep_task
    from tests.conftest import make_user

    dataset = _loaded_dataset()
    client = Client()
    client.force_login(make_user(django_user_model, "ana-faults", ANALYST))

    own_redis.kill()
    try:
        started = time.monotonic()
        response = client.post(
            reverse("surveys:report-build", args=[dataset.pk]), {"mode": "publish"}
        )
        assert time.monotonic() - started < 15, "asking for a report must not hang"
        assert response.status_code == 302
        page = client.get(dataset.get_absolute_url())
        assert page.status_code == 200
        job = _job(dataset, "publish")
        status = client.get(reverse("surveys:job-status", args=[job.pk]))
        assert status.status_code == 200 and status.json()["status"] == "QUEUED"
        time.sleep(1)
        job.refresh_from_db()
        assert job.status == ReportJob.Status.QUEUED and job.attempts == 0
    finally:
        own_redis.start()

    # A minute later the periodic sweeper (beat) finds the job still queued and sends it again.
    ReportJob.objects.filter(dataset=dataset).update(
        queued_at=timezone.now() - timedelta(minutes=2)
    )

    def built() -> bool:
        if _job(dataset, "publish").status == ReportJob.Status.QUEUED:
            reportjob_sweep_task.delay()
            time.sleep(2)
        return _job(dataset, "publish").status == ReportJob.Status.DONE

    wait_for(built, 90, "the relayed report to be built")
    job = _job(dataset, "publish")
    assert job.attempts == 1
    assert job.worker_pid and job.worker_pid != os.getpid()
    assert job.result["meta"]["mode"] == "publish"
