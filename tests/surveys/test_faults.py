"""Survey validations and reports under faults: a killed worker child and a broker outage.

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

from kitakyushu_pf.models import BackgroundJob
from surveys import services
from surveys.models import Dataset, ReportJob
from tests.portal.faultkit import OwnRedis, Worker, pg_test_url, point_celery_at, wait_for

from .factories import load_dataset, synthetic_csv

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

REPORT_SLEEP = 4.0  # seconds each report build holds open in the fault worker
VALIDATION_SLEEP = 4.0  # seconds each file validation waits, rows checked, before it loads


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
            "SURVEYS_TEST_SLEEP_IN_VALIDATION": str(VALIDATION_SLEEP),
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
    return ReportJob.objects.select_related("job").get(dataset=dataset, mode=mode)


def test_a_killed_child_builds_the_report_again_and_stores_it_once(worker: Worker) -> None:
    dataset = _loaded_dataset()
    services.report_request(dataset=dataset, mode=ReportJob.Mode.INTERNAL)

    def running_pid() -> int | None:
        job = _job(dataset, "internal").job
        return job.worker_pid if job.status == BackgroundJob.Status.RUNNING else None

    first_pid = wait_for(running_pid, 30, "the worker to start building the report")
    assert first_pid not in (os.getpid(), worker.proc.pid if worker.proc else None)
    os.kill(first_pid, signal.SIGKILL)  # the pid the job recorded: the pool child

    def done() -> bool:
        return _job(dataset, "internal").job.is_finished

    wait_for(done, 90, "the redelivered report to finish")
    report = _job(dataset, "internal")
    job = report.job
    assert job.status == BackgroundJob.Status.DONE, job.error
    assert job.attempts == 2, "the report ran once more after the kill, and only once"
    assert job.worker_pid != first_pid
    assert job.progress == 100 and report.result["meta"]["n_respondents"] == 400
    # One row per mode (loading a file requests the internal and the publication report).
    assert ReportJob.objects.filter(dataset=dataset, mode="internal").count() == 1
    assert ReportJob.objects.filter(dataset=dataset).count() == 2
    log = worker.log()
    assert "WorkerLostError" in log or "signal 9" in log

    time.sleep(REPORT_SLEEP + 1)  # no further delivery runs it a third time
    job.refresh_from_db()
    assert job.attempts == 2 and job.status == BackgroundJob.Status.DONE


def test_a_validation_killed_every_time_stops_after_three_attempts(worker: Worker) -> None:
    from surveys.models import DatasetFile

    from .factories import DatasetFactory

    dataset = DatasetFactory(title="検証の中断")
    dataset_file = services.datasetfile_store(
        dataset=dataset, name="city.csv", chunks=[synthetic_csv(300)]
    )
    killed: list[int] = []

    def running_pid() -> int | None:
        job = BackgroundJob.objects.get(pk=dataset_file.job_id)
        if job.status == BackgroundJob.Status.RUNNING and job.worker_pid not in killed:
            return job.worker_pid
        return None

    for attempt in range(1, services.MAX_ATTEMPTS + 1):
        pid = wait_for(running_pid, 60, f"validation attempt {attempt} to start")
        os.kill(pid, signal.SIGKILL)  # mid-way: the rows are checked, nothing is loaded yet
        killed.append(pid)

    def failed() -> bool:
        return BackgroundJob.objects.get(pk=dataset_file.job_id).is_finished

    wait_for(failed, 60, "the fourth delivery to refuse the job")
    dataset_file = DatasetFile.objects.select_related("job").get(pk=dataset_file.pk)
    assert dataset_file.job.status == BackgroundJob.Status.FAILED
    assert dataset_file.job.attempts == 3 and "3回" in dataset_file.job.error
    assert dataset_file.status_label == "失敗"
    dataset.refresh_from_db()
    assert dataset.status == Dataset.Status.EMPTY and dataset.n_respondents == 0
    time.sleep(VALIDATION_SLEEP + 1)
    dataset_file.job.refresh_from_db()
    assert dataset_file.job.attempts == 3, "a failed validation is never started again"


def test_an_upload_made_while_the_broker_is_down_is_validated_when_it_returns(
    worker: Worker, own_redis: OwnRedis, django_user_model: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from kitakyushu_pf.roles import ANALYST
    from kitakyushu_pf.tasks import background_jobs_relay
    from surveys.models import DatasetFile
    from tests.conftest import make_user

    from .factories import DatasetFactory

    dataset = DatasetFactory(title="障害中の受付")
    client = Client()
    client.force_login(make_user(django_user_model, "ana-upload", ANALYST))
    own_redis.kill()
    try:
        started = time.monotonic()
        response = client.post(
            reverse("surveys:file-upload", args=[dataset.pk]),
            {"file": SimpleUploadedFile("city.csv", synthetic_csv(200), content_type="text/csv")},
        )
        assert time.monotonic() - started < 15, "an upload must not hang"
        assert response.status_code == 302
        assert "検証待ち" in client.get(dataset.get_absolute_url()).content.decode()
    finally:
        own_redis.start()
    dataset_file = DatasetFile.objects.get(dataset=dataset)
    BackgroundJob.objects.filter(pk=dataset_file.job_id).update(
        created_at=timezone.now() - timedelta(minutes=2)
    )

    def loaded() -> bool:
        if BackgroundJob.objects.get(pk=dataset_file.job_id).sent_at is None:
            background_jobs_relay.delay()  # what beat does every minute
            time.sleep(2)
        dataset_file.refresh_from_db()
        return dataset_file.status == DatasetFile.Status.LOADED

    wait_for(loaded, 90, "the relayed validation to load the file")
    dataset.refresh_from_db()
    assert dataset.n_respondents == 200
    assert "読み込み済み" in client.get(dataset.get_absolute_url()).content.decode()


def test_a_report_asked_for_while_the_broker_is_down_is_built_when_it_returns(
    worker: Worker, own_redis: OwnRedis, django_user_model: Any
) -> None:
    from kitakyushu_pf.roles import ANALYST
    from kitakyushu_pf.tasks import background_jobs_relay
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
        report = _job(dataset, "publish")
        status = client.get(reverse("surveys:job-status", args=[report.pk]))
        assert status.status_code == 200 and status.json()["status"] == "queued"
        time.sleep(1)
        job = _job(dataset, "publish").job
        assert job.status == BackgroundJob.Status.QUEUED and job.attempts == 0
        assert job.sent_at is None
    finally:
        own_redis.start()

    # A minute later the relay (beat) finds the job never sent and sends it.
    BackgroundJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(minutes=2))

    def built() -> bool:
        if _job(dataset, "publish").job.status == BackgroundJob.Status.QUEUED:
            background_jobs_relay.delay()
            time.sleep(2)
        return _job(dataset, "publish").job.status == BackgroundJob.Status.DONE

    wait_for(built, 90, "the relayed report to be built")
    report = _job(dataset, "publish")
    assert report.job is not None and report.job.attempts == 1
    assert report.job.worker_pid and report.job.worker_pid != os.getpid()
    assert report.result["meta"]["mode"] == "publish"
