"""Tasks are thin: called with a job id and a pk, as the broker delivers them; attempts bounded
by the portal's background jobs; validations and reports relayed after a broker outage; one
eager smoke test."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from kitakyushu_pf import test_hooks
from kitakyushu_pf.jobs import background_job_start, background_jobs_sweep
from kitakyushu_pf.jobs import background_jobs_relay as relay_jobs
from kitakyushu_pf.models import BackgroundJob
from kitakyushu_pf.tasks import background_jobs_relay
from surveys import services, tasks
from surveys.models import Dataset, DatasetFile, ReportJob
from surveys.tasks import report_build_task

from .factories import DatasetFactory, load_dataset, synthetic_csv

pytestmark = pytest.mark.django_db


def _deliver(job: BackgroundJob) -> None:
    """What the worker does with the message: the task with the job's id and arguments."""
    from django.utils.module_loading import import_string

    import_string(job.task)(job.pk, *job.args)


def _later() -> Any:
    from django.conf import settings

    return timezone.now() + timedelta(seconds=settings.PORTAL_JOB_RELAY_AFTER_SECONDS + 1)


def test_report_task_builds_and_records_the_worker() -> None:
    dataset = load_dataset(synthetic_csv(80))
    report = ReportJob.objects.get(dataset=dataset, mode="internal")
    _deliver(report.job)
    report.refresh_from_db()
    job = report.job
    assert job.status == "done" and job.progress == 100 and job.worker_pid
    assert report.result["meta"]["n_respondents"] == 80
    _deliver(job)  # a redelivered message is a no-op
    job.refresh_from_db()
    assert job.attempts == 1


def test_report_task_stops_after_bounded_attempts() -> None:
    dataset = load_dataset(synthetic_csv(80))
    report = ReportJob.objects.get(dataset=dataset, mode="internal")
    BackgroundJob.objects.filter(pk=report.job_id).update(attempts=services.MAX_ATTEMPTS)
    _deliver(report.job)
    report.refresh_from_db()
    assert report.job.status == "failed" and "3回試みても" in report.job.error
    assert report.result == {}


def test_crashing_report_is_shown_as_failed(monkeypatch: pytest.MonkeyPatch) -> None:
    dataset = load_dataset(synthetic_csv(80))
    report = ReportJob.objects.get(dataset=dataset, mode="internal")

    def boom(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("boom")

    monkeypatch.setattr(services.reports, "report_compute", boom)
    _deliver(report.job)
    report.refresh_from_db()
    assert report.job.status == "failed" and "エラーが発生しました" in report.job.error


def test_a_superseded_report_job_stores_nothing() -> None:
    dataset = load_dataset(synthetic_csv(80))
    report = ReportJob.objects.get(dataset=dataset, mode="internal")
    old_job = report.job
    services.report_request(dataset=dataset, mode="internal", dispatch=False)  # asked again
    report_build_task(old_job.pk, str(report.pk))  # the old message arrives late
    report.refresh_from_db()
    assert report.result == {} and report.job.status == "queued"


def test_validate_task_ignores_finished_files(django_capture_on_commit_callbacks: Any) -> None:
    dataset = DatasetFactory()
    with django_capture_on_commit_callbacks(execute=True):
        dataset_file = services.datasetfile_store(
            dataset=dataset, name="a.csv", chunks=[synthetic_csv(30)]
        )
    dataset_file.refresh_from_db()
    assert dataset_file.status == DatasetFile.Status.LOADED
    BackgroundJob.objects.filter(pk=dataset_file.job_id).update(status="queued")
    _deliver(dataset_file.job)  # delivered once more
    dataset.refresh_from_db()
    assert dataset.n_respondents == 30  # not loaded twice


def test_eager_smoke_through_delay(django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    dataset = load_dataset(synthetic_csv(40))
    with django_capture_on_commit_callbacks(execute=True):
        report = services.report_request(dataset=dataset, mode="publish")
    report.refresh_from_db()
    assert report.job.status == "done" and report.job.sent_at is not None
    assert background_jobs_relay() == 0
    assert DatasetFactory().reports.count() == 0


# --- A broker outage: validations and reports wait in the database, then the relay sends them --


def _broker_down(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any) -> None:
        raise ConnectionError("broker down")

    monkeypatch.setattr(tasks.datasetfile_validate_task, "delay", refuse)
    monkeypatch.setattr(tasks.report_build_task, "delay", refuse)


def test_an_upload_made_while_the_broker_is_down_is_validated_once_the_relay_runs(
    analyst_client: Any,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    dataset = DatasetFactory(title="障害中の受付")
    _broker_down(monkeypatch)
    upload = io.BytesIO(synthetic_csv(60))
    upload.name = "city.csv"
    with django_capture_on_commit_callbacks(execute=True):
        response = analyst_client.post(
            reverse("surveys:file-upload", args=[dataset.pk]), {"file": upload}
        )
    assert response.status_code == 302
    page = analyst_client.get(dataset.get_absolute_url()).content.decode()
    assert "検証待ち" in page
    dataset_file = dataset.files.get()
    assert dataset_file.job.status == "queued" and dataset_file.job.sent_at is None
    with django_capture_on_commit_callbacks(execute=True):
        assert background_jobs_relay() == 0  # too soon: the upload's own send may still come

    monkeypatch.undo()  # the broker is back
    BackgroundJob.objects.update(created_at=timezone.now() - timedelta(minutes=2))
    with django_capture_on_commit_callbacks(execute=True):
        assert background_jobs_relay() == 1
    dataset_file.refresh_from_db()
    dataset.refresh_from_db()
    assert dataset_file.status == DatasetFile.Status.LOADED
    assert dataset_file.job.status == "done" and dataset_file.job.attempts == 1
    assert dataset.status == Dataset.Status.LOADED and dataset.n_respondents == 60
    page = analyst_client.get(dataset.get_absolute_url()).content.decode()
    assert "検証待ち" not in page and "読み込み済み" in page


def test_the_relay_sends_each_waiting_survey_job_once(
    monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    dataset = load_dataset(synthetic_csv(60))
    _broker_down(monkeypatch)
    with django_capture_on_commit_callbacks(execute=True):
        dataset_file = services.datasetfile_store(
            dataset=DatasetFactory(), name="b.csv", chunks=[synthetic_csv(20)]
        )
        for mode in ("internal", "publish"):
            services.report_request(dataset=dataset, mode=mode)
    monkeypatch.undo()
    sent: list[tuple[Any, ...]] = []
    monkeypatch.setattr(tasks.datasetfile_validate_task, "delay", lambda *a: sent.append(a))
    monkeypatch.setattr(tasks.report_build_task, "delay", lambda *a: sent.append(a))
    later = _later()
    with django_capture_on_commit_callbacks(execute=True):
        assert relay_jobs(now=later) == 3
    with django_capture_on_commit_callbacks(execute=True):
        assert relay_jobs(now=later) == 0  # idempotent: nothing is sent twice
    reports = {r.mode: r for r in ReportJob.objects.filter(dataset=dataset)}
    assert sorted(sent, key=str) == sorted(
        [(dataset_file.job_id, str(dataset_file.pk)),
         (reports["internal"].job_id, str(reports["internal"].pk)),
         (reports["publish"].job_id, str(reports["publish"].pk))], key=str,
    )  # fmt: skip


# --- A worker killed while validating ---------------------------------------------------------


class WorkerKilled(BaseException):
    """The worker process dies: nothing after this point runs, not even an except clause."""


def _killed_mid_validation(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    kills: list[int] = []

    def die() -> None:
        kills.append(1)
        raise WorkerKilled()

    monkeypatch.setattr(test_hooks, "surveys_validation_checked", die)
    return kills


def _queued_upload(django_capture_on_commit_callbacks: Any) -> DatasetFile:
    with django_capture_on_commit_callbacks(execute=False):  # the message waits in the broker
        return services.datasetfile_store(
            dataset=DatasetFactory(), name="city.csv", chunks=[synthetic_csv(50)]
        )


def test_a_validation_killed_mid_way_is_run_again_and_loads_once(
    monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    dataset_file = _queued_upload(django_capture_on_commit_callbacks)
    kills = _killed_mid_validation(monkeypatch)
    with pytest.raises(WorkerKilled):
        _deliver(dataset_file.job)
    dataset_file.refresh_from_db()
    assert dataset_file.job.status == "running" and dataset_file.status_label == "検証中"
    assert dataset_file.dataset.n_respondents == 0  # killed before the load: nothing loaded
    monkeypatch.undo()
    _deliver(dataset_file.job)  # the broker redelivers the unacknowledged message
    dataset_file.refresh_from_db()
    assert kills == [1] and dataset_file.status == DatasetFile.Status.LOADED
    assert dataset_file.job.attempts == 2 and dataset_file.job.status == "done"
    assert Dataset.objects.get(pk=dataset_file.dataset_id).n_respondents == 50


def test_a_validation_killed_every_time_stops_after_max_attempts(
    analyst_client: Any,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    dataset_file = _queued_upload(django_capture_on_commit_callbacks)
    kills = _killed_mid_validation(monkeypatch)
    for _ in range(services.MAX_ATTEMPTS):
        with pytest.raises(WorkerKilled):
            _deliver(dataset_file.job)
    _deliver(dataset_file.job)  # the next delivery is refused, not run
    assert len(kills) == services.MAX_ATTEMPTS == 3
    dataset_file.refresh_from_db()
    job = dataset_file.job
    assert job.status == "failed" and job.attempts == 3 and "3回試みても" in job.error
    assert dataset_file.status_label == "失敗"
    assert dataset_file.dataset.status == Dataset.Status.EMPTY
    page = analyst_client.get(dataset_file.get_absolute_url()).content.decode()
    assert "3回試みても" in page and "何も読み込んでいません" in page
    _deliver(dataset_file.job)
    job.refresh_from_db()
    assert len(kills) == 3 and job.attempts == 3  # never started again


def test_a_validation_left_running_by_a_dead_worker_is_failed_by_the_sweeper(
    django_capture_on_commit_callbacks: Any,
) -> None:
    from django.conf import settings

    dataset_file = _queued_upload(django_capture_on_commit_callbacks)
    background_job_start(job_id=dataset_file.job_id, worker_pid=4242)  # then the host died
    limit = settings.SURVEYS_REPORT_TIME_LIMIT + settings.PORTAL_JOB_SWEEP_GRACE_SECONDS
    BackgroundJob.objects.filter(pk=dataset_file.job_id).update(
        started_at=timezone.now() - timedelta(seconds=limit + 1)
    )
    assert background_jobs_sweep() == 1
    dataset_file.refresh_from_db()
    assert dataset_file.status_label == "失敗"
    assert "時間内に終わらなかった" in dataset_file.job.error


def test_a_report_left_running_by_a_dead_worker_is_failed_by_the_sweeper() -> None:
    from django.conf import settings

    dataset = load_dataset(synthetic_csv(40))
    report = ReportJob.objects.get(dataset=dataset, mode="internal")
    background_job_start(job_id=report.job_id, worker_pid=4242)
    assert report.job.time_limit_seconds == settings.SURVEYS_REPORT_TIME_LIMIT
    BackgroundJob.objects.filter(pk=report.job_id).update(
        started_at=timezone.now() - timedelta(hours=2)
    )
    assert background_jobs_sweep() == 1
    report.refresh_from_db()
    assert report.job.status == "failed" and "時間内に終わらなかった" in report.job.error


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
        report = ReportJob.objects.select_related("job").filter(dataset=dataset, mode=mode).first()
        done = report is not None and report.job is not None and report.job.status == "done"
        return report if done else None

    internal = _wait(lambda: built("internal"), 60, "the worker to build the internal report")
    assert internal.job.worker_pid and internal.job.worker_pid != os.getpid()
    assert internal.job.attempts == 1 and internal.job.progress == 100
    assert internal.result["meta"]["n_respondents"] == 400
    assert internal.result["meta"]["mode"] == "internal"
    assert dataset_file.job.status == "done" and dataset_file.job.sent_at is not None

    response = worker_analyst_client.post(
        reverse("surveys:report-build", args=[dataset.pk]), {"mode": "publish"}
    )
    assert response.status_code == 302
    published = _wait(lambda: built("publish"), 60, "the worker to build the published report")
    assert published.job.worker_pid and published.job.worker_pid != os.getpid()
    assert published.result["meta"]["mode"] == "publish"
    assert published.result["meta"]["threshold"] == 10
    assert ReportJob.objects.filter(dataset=dataset).count() == 2


# --- Rows from before the shared jobs ---------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_migration_moves_report_and_validation_state_onto_background_jobs(
    django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before = [("surveys", "0005_web_fielding")]
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes("surveys")
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    instrument = old.get_model("surveys", "Instrument").objects.create(
        slug="old-instrument", name="旧調査票", survey="tsunagari", wave="R3"
    )
    dataset = old.get_model("surveys", "Dataset").objects.create(instrument=instrument, title="旧")
    reports = old.get_model("surveys", "ReportJob").objects
    done = reports.create(dataset=dataset, mode="internal", status="DONE", progress=100,
                          attempts=1, worker_pid=77, queued_at=timezone.now(),
                          finished_at=timezone.now(), result={"rows": []})  # fmt: skip
    waiting = reports.create(dataset=dataset, mode="publish", status="QUEUED")
    files = old.get_model("surveys", "DatasetFile").objects
    stuck = files.create(dataset=dataset, original_name="a.csv", stored_path="x", status="pending")
    cut = files.create(dataset=dataset, original_name="b.csv", stored_path="y", status="validating")
    timed_out = "検証が制限時間内に終わりませんでした。"
    failed = files.create(
        dataset=dataset, original_name="c.csv", stored_path="z", status="failed", problem_count=1,
        problems=[{"row": None, "column": "", "value": "", "message": timed_out}],
    )  # fmt: skip
    loaded = files.create(dataset=dataset, original_name="d.csv", stored_path="w", status="loaded")
    executor = MigrationExecutor(connection)
    executor.migrate(latest)

    report = ReportJob.objects.get(pk=done.pk)
    assert report.is_ready and report.job is not None and report.job.worker_pid == 77
    assert report.job.task == "surveys.tasks.report_build_task"
    assert ReportJob.objects.get(pk=waiting.pk).job.status == "queued"
    by_pk = {f.pk: f for f in DatasetFile.objects.select_related("job")}
    assert by_pk[stuck.pk].status_label == "検証待ち" and by_pk[stuck.pk].job.args == [
        str(stuck.pk)
    ]
    assert by_pk[cut.pk].job.status == "queued" and by_pk[cut.pk].job.attempts == 1
    assert by_pk[failed.pk].status_label == "失敗" and by_pk[failed.pk].problem_count == 0
    assert by_pk[failed.pk].job.error == timed_out
    assert by_pk[loaded.pk].job is None and by_pk[loaded.pk].status_label == "読み込み済み"
    # What waited before the upgrade is sent by the relay now.
    sent: list[tuple[Any, ...]] = []
    monkeypatch.setattr(tasks.datasetfile_validate_task, "delay", lambda *a: sent.append(a))
    monkeypatch.setattr(tasks.report_build_task, "delay", lambda *a: sent.append(a))
    assert relay_jobs(now=_later()) == 3
    assert {a[1] for a in sent} == {str(waiting.pk), str(stuck.pk), str(cut.pk)}
    # And back, for a rollback of the release.
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = MigrationExecutor(connection).loader.project_state(before).apps
    states = dict(old.get_model("surveys", "DatasetFile").objects.values_list("pk", "status"))
    assert [states[f.pk] for f in (stuck, cut, failed, loaded)] == [
        "pending",
        "pending",
        "failed",
        "loaded",
    ]
    assert old.get_model("surveys", "ReportJob").objects.get(pk=done.pk).status == "DONE"
    MigrationExecutor(connection).migrate(latest)
