"""Tasks are thin: called directly with a pk; bounded attempts; one eager smoke test."""

from __future__ import annotations

import pytest

from surveys import services
from surveys.models import ReportJob
from surveys.tasks import datasetfile_validate_task, report_build_task, reportjob_sweep_task

from .factories import DatasetFactory, load_dataset, synthetic_csv

pytestmark = pytest.mark.django_db


def test_report_task_builds_and_records_the_worker() -> None:
    dataset = load_dataset(synthetic_csv(80))
    job = ReportJob.objects.get(dataset=dataset, mode="internal")
    report_build_task(str(job.pk))
    job.refresh_from_db()
    assert job.status == "DONE" and job.progress == 100 and job.worker_pid
    report_build_task(str(job.pk))  # a redelivered message is a no-op
    job.refresh_from_db()
    assert job.attempts == 1


def test_report_task_stops_after_bounded_attempts() -> None:
    dataset = load_dataset(synthetic_csv(80))
    job = ReportJob.objects.get(dataset=dataset, mode="internal")
    ReportJob.objects.filter(pk=job.pk).update(attempts=services.MAX_ATTEMPTS, status="QUEUED")
    report_build_task(str(job.pk))
    job.refresh_from_db()
    assert job.status == "FAILED" and "3回試みました" in job.error


def test_crashing_report_is_shown_as_failed(monkeypatch: pytest.MonkeyPatch) -> None:
    dataset = load_dataset(synthetic_csv(80))
    job = ReportJob.objects.get(dataset=dataset, mode="internal")

    def boom(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("boom")

    monkeypatch.setattr(services, "report_compute", boom)
    report_build_task(str(job.pk))
    job.refresh_from_db()
    assert job.status == "FAILED" and "エラーが発生しました" in job.error


def test_validate_task_ignores_finished_files() -> None:
    dataset = load_dataset(synthetic_csv(30))
    dataset_file = dataset.files.get()
    datasetfile_validate_task(str(dataset_file.pk))
    dataset.refresh_from_db()
    assert dataset.n_respondents == 30  # not loaded twice


def test_eager_smoke_through_delay(django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    dataset = load_dataset(synthetic_csv(40))
    with django_capture_on_commit_callbacks(execute=True):
        job = services.report_request(dataset=dataset, mode="publish")
    job.refresh_from_db()
    assert job.status == "DONE"
    assert reportjob_sweep_task() == 0
    assert DatasetFactory().reports.count() == 0
