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

    monkeypatch.setattr(services.reports, "report_compute", boom)
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


# --- Through the real worker (make test-services) ---------------------------------------------


def _wait(predicate, timeout: float, what: str):  # type: ignore[no-untyped-def]
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.3)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


@pytest.fixture
def worker_analyst_client(reference_data, client, django_user_model):  # type: ignore[no-untyped-def]
    from kitakyushu_pf.roles import ANALYST
    from tests.conftest import make_user

    # Transactional tests run on a flushed database: put back what the surveys migration ships.
    services.instrument_load_all()
    services.national_figures_load_shipped()
    client.force_login(make_user(django_user_model, "ana-worker", ANALYST))
    return client


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_upload_and_reports_are_built_by_the_real_worker(
    real_worker: int,
    worker_analyst_client,  # type: ignore[no-untyped-def]
) -> None:
    import os

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from surveys.models import DatasetFile

    dataset = DatasetFactory(title="ワーカー確認", sample_size=500)
    content = synthetic_csv(400).decode().encode("cp932")
    response = worker_analyst_client.post(
        reverse("surveys:file-upload", args=[dataset.pk]),
        {"file": SimpleUploadedFile("city.csv", content, content_type="text/csv")},
    )
    assert response.status_code == 302
    dataset_file = DatasetFile.objects.get(dataset=dataset)

    def loaded() -> bool:
        dataset_file.refresh_from_db()
        return dataset_file.status == DatasetFile.Status.LOADED

    _wait(loaded, 60, "the worker to validate and load the upload")
    dataset.refresh_from_db()
    assert dataset.n_respondents == 400

    def built(mode: str) -> ReportJob | None:
        job = ReportJob.objects.filter(dataset=dataset, mode=mode).first()
        return job if job is not None and job.status == ReportJob.Status.DONE else None

    internal = _wait(lambda: built("internal"), 60, "the worker to build the internal report")
    assert internal.worker_pid and internal.worker_pid != os.getpid()
    assert internal.attempts == 1 and internal.progress == 100
    assert internal.result["meta"]["n_respondents"] == 400
    assert internal.result["meta"]["mode"] == "internal"

    response = worker_analyst_client.post(
        reverse("surveys:report-build", args=[dataset.pk]), {"mode": "publish"}
    )
    assert response.status_code == 302
    published = _wait(lambda: built("publish"), 60, "the worker to build the published report")
    assert published.worker_pid and published.worker_pid != os.getpid()
    assert published.result["meta"]["mode"] == "publish"
    assert published.result["meta"]["threshold"] == 10
    assert ReportJob.objects.filter(dataset=dataset).count() == 2
