"""Services against the real database: upload, validate, load, report, national figures,
audit, retention and the relay."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError
from django.utils import timezone

from kitakyushu_pf.models import BackgroundJob
from surveys import services
from surveys.models import AuditLog, Dataset, DatasetFile, NationalFigure, ReportJob

from .factories import DatasetFactory, csv_text, good_row, load_dataset, synthetic_csv

pytestmark = pytest.mark.django_db


def test_reference_data_is_shipped_by_the_migration() -> None:
    assert NationalFigure.objects.count() == 115
    figure = NationalFigure.objects.get(
        survey="tsunagari", wave="R3", indicator="lonely_direct", breakdown="total",
        answer="しばしばある・常にある",
    )  # fmt: skip
    assert (float(figure.pct), figure.base_n, figure.status) == (4.5, 11867, "VERIFIED-P")


def test_instrument_load_is_idempotent() -> None:
    first = services.instrument_load(slug="tsunagari-r3")
    again = services.instrument_load(slug="tsunagari-r3")
    assert first.pk == again.pk
    names = list(again.variables.values_list("name", flat=True))
    assert names[:3] == ["resp_id", "mode", "sex"] and "ucla_band" in names
    lonely = again.variables.get(name="lonely_direct")
    assert lonely.codes["5"] == "しばしばある・常にある"


def test_clean_file_is_kept_privately_loaded_and_reported() -> None:
    dataset = load_dataset(synthetic_csv(200))
    assert dataset.status == Dataset.Status.LOADED and dataset.n_respondents == 200
    stored = services.private_root() / dataset.files.get().stored_path
    assert stored.exists()
    from django.conf import settings

    assert not str(stored).startswith(str(settings.MEDIA_ROOT))
    assert services.microdata_frame(dataset)["resp_id"].iloc[0] == "K0000001"


def test_file_with_errors_is_kept_with_its_report_and_loads_nothing() -> None:
    content = csv_text([good_row("1"), good_row("2", sex=7), good_row("1")]).encode("cp932")
    dataset = load_dataset(content)
    dataset_file = dataset.files.get()
    assert dataset_file.status == DatasetFile.Status.INVALID
    assert dataset_file.problem_count == 3
    assert dataset.status == Dataset.Status.EMPTY and dataset.n_respondents == 0
    assert (services.private_root() / dataset_file.stored_path).exists()
    report = services.problems_file_path(dataset_file).read_bytes().decode("utf-8-sig")
    assert "範囲外のコード" in report and "重複" in report


def test_undecodable_file_is_refused_with_the_portal_decoders_message() -> None:
    dataset = load_dataset(synthetic_csv(5).decode().encode("utf-16"))
    dataset_file = dataset.files.get()
    assert dataset_file.status == DatasetFile.Status.INVALID
    assert [p["message"] for p in dataset_file.problems] == [
        "UTF-16 のファイルには対応していません。Excel では「CSV UTF-8（コンマ区切り）」"
        "または「CSV（コンマ区切り）」で保存してください。"
    ]


def test_second_file_appends_and_duplicate_ids_across_files_are_refused() -> None:
    dataset = load_dataset(csv_text([good_row("1"), good_row("2")]).encode())
    second = services.datasetfile_store(
        dataset=dataset, name="b.csv", chunks=[csv_text([good_row("3")]).encode()], dispatch=False
    )
    services.datasetfile_validate(dataset_file=second, dispatch=False)
    dataset.refresh_from_db()
    assert dataset.n_respondents == 3
    third = services.datasetfile_store(
        dataset=dataset, name="c.csv", chunks=[csv_text([good_row("2")]).encode()], dispatch=False
    )
    services.datasetfile_validate(dataset_file=third, dispatch=False)
    third.refresh_from_db()
    dataset.refresh_from_db()
    assert third.status == DatasetFile.Status.INVALID and dataset.n_respondents == 3


def test_upload_that_fails_half_way_changes_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    dataset = load_dataset(csv_text([good_row("1")]).encode())
    before = (dataset.n_respondents, dataset.microdata_file, sorted(p.name for p in
              services.dataset_dir(dataset).glob("microdata-*")))  # fmt: skip
    second = services.datasetfile_store(
        dataset=dataset, name="b.csv", chunks=[csv_text([good_row("2")]).encode()], dispatch=False
    )
    original_save = DatasetFile.save

    def failing_save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if kwargs.get("update_fields") and "status" in kwargs["update_fields"]:
            raise DatabaseError("disk full")
        return original_save(self, *args, **kwargs)

    monkeypatch.setattr(DatasetFile, "save", failing_save)
    with pytest.raises(DatabaseError):
        services.datasetfile_validate(dataset_file=second, dispatch=False)
    dataset.refresh_from_db()
    after = (dataset.n_respondents, dataset.microdata_file, sorted(p.name for p in
             services.dataset_dir(dataset).glob("microdata-*")))  # fmt: skip
    assert after == before
    assert services.microdata_frame(dataset)["resp_id"].tolist() == ["1"]


def test_upload_size_cap(settings) -> None:  # type: ignore[no-untyped-def]
    settings.PORTAL_MAX_UPLOAD_BYTES = 100
    dataset = DatasetFactory()
    with pytest.raises(ValidationError, match="大きすぎます"):
        services.datasetfile_store(dataset=dataset, name="a.csv", chunks=[b"x" * 101])
    assert not dataset.files.exists()
    assert not list(services.dataset_dir(dataset).glob("upload-*"))


def test_only_csv_and_xlsx_are_accepted() -> None:
    with pytest.raises(ValidationError):
        services.datasetfile_store(dataset=DatasetFactory(), name="a.exe", chunks=[b"x"])


def test_report_is_idempotent_and_keyed_by_dataset_and_mode() -> None:
    dataset = load_dataset(synthetic_csv(300))
    job = services.report_request(dataset=dataset, mode="internal", dispatch=False)
    first_run = services.report_job_run(job=job)
    first, first_job_id = first_run.result, first_run.job_id
    job = services.report_request(dataset=dataset, mode="internal", dispatch=False)
    second = services.report_job_run(job=job).result
    assert first == second
    assert ReportJob.objects.filter(dataset=dataset, mode="internal").count() == 1
    job.refresh_from_db()
    build = job.job
    assert (build.status, build.progress, build.attempts) == ("done", 100, 1)
    assert build.worker_pid and build.started_at and build.finished_at
    assert BackgroundJob.objects.filter(pk=first_job_id).count() == 0  # the superseded build


def test_report_contents_national_and_no_national() -> None:
    dataset = load_dataset(synthetic_csv(300), sample_size=1000)
    job = ReportJob.objects.get(dataset=dataset, mode="internal")
    services.report_job_run(job=job)
    job.refresh_from_db()
    rows = job.result["rows"]
    head = next(r for r in rows if r["indicator"] == "lonely_direct" and r["breakdown"] == "total"
                and r["answer"] == "しばしばある・常にある")  # fmt: skip
    assert head["national_pct"] == 4.5 and head["national_status"] == "VERIFIED-P"
    assert head["p_value"] is not None
    nothing = next(r for r in rows if r["indicator"] == "contact_freq" and r["breakdown"] == "sex")
    assert nothing["national_pct"] is None  # the nation has no R3 figure: never invented
    assert {r["indicator"] for r in rows} == {
        "lonely_direct", "ucla_band", "contact_freq", "participation", "has_confidant",
        # the extended questionnaire: a partial-base item, multiple answers, support
        "support_received", "loneliness_duration", "triggers", "activities",
    }  # fmt: skip
    assert not any(r["indicator"] == r["breakdown"] for r in rows)
    assert job.result["standardised"]["rate_pct"] > 0
    assert "R4" in job.result["standardised"]["weights_note"]
    assert job.result["response"]["city_rate"] == 30.0
    assert "59.3" in job.result["response"]["text"]


def test_publication_mode_suppresses_small_cells() -> None:
    dataset = load_dataset(synthetic_csv(300))
    job = services.report_request(dataset=dataset, mode="publish", dispatch=False)
    job = services.report_job_run(job=job)
    hidden = [r for r in job.result["rows"] if r["suppressed"]]
    assert hidden and all(r["city_n"] is None and r["city_pct"] is None for r in hidden)
    internal = ReportJob.objects.get(dataset=dataset, mode="internal")
    services.report_job_run(job=internal)
    internal.refresh_from_db()
    assert not any(r["suppressed"] for r in internal.result["rows"])
    small = [r for r in internal.result["rows"] if r["city_n"] < 10]
    assert small  # the internal view shows everything


def test_report_of_an_empty_dataset_fails_in_japanese() -> None:
    from surveys.tasks import report_build_task

    dataset = DatasetFactory()
    job = services.report_request(dataset=dataset, mode="internal", dispatch=False)
    report_build_task(job.job_id, str(job.pk))
    job.refresh_from_db()
    assert job.job.status == "failed" and "読み込まれていない" in job.job.error


def test_national_figures_replace_all_or_nothing() -> None:
    header = "survey,wave,indicator,breakdown,group,answer,pct,base_n,status,source\n"
    good = (
        header + "tsunagari,R3,lonely_direct,total,,しばしばある・常にある,4.6,100,VERIFIED-P,x\n"
    )
    assert services.national_figures_replace(content=good.encode("utf-8-sig")) == 1
    bad = header + "tsunagari,R3,lonely_direct,total,,a,abc,,VERIFIED-P,x\n"
    bad += "tsunagari,R3,lonely_direct,total,,b,1,,MADE-UP,x\n"
    with pytest.raises(ValidationError) as err:
        services.national_figures_replace(content=bad.encode())
    assert len(err.value.messages) == 2
    assert NationalFigure.objects.count() == 1


def test_audit_record_is_written() -> None:
    dataset = DatasetFactory()
    entry = services.audit_record(
        user=None, dataset=dataset, action="download", format="csv", mode="internal",
        client_ip="127.0.0.1",
    )  # fmt: skip
    assert AuditLog.objects.get() == entry and entry.dataset_title == dataset.title


def test_template_has_every_column_and_a_codebook(tmp_path: Path) -> None:
    from surveys.models import Instrument

    instrument = Instrument.objects.get(slug="tsunagari-r3")
    header = services.instrument_template_csv(instrument=instrument).decode("utf-8-sig")
    assert header.strip() == ",".join(v["name"] for v in instrument.spec["variables"])
    codebook = services.instrument_codebook(instrument=instrument)
    assert ["lonely_direct", "あなたはどの程度、孤独であると感じることがありますか。", "code", "5",
            "しばしばある・常にある", "空欄は無回答。"] in [r[:6] for r in codebook]  # fmt: skip


def test_a_100000_row_file_validates_and_loads() -> None:
    dataset = load_dataset(synthetic_csv(100_000, seed=2))
    assert dataset.status == Dataset.Status.LOADED and dataset.n_respondents == 100_000
    frame = services.microdata_frame(dataset)
    assert frame["lonely_direct"].dtype.itemsize == 1  # stored as small integer codes


def test_a_report_asked_for_while_the_broker_is_down_is_built_by_the_relay(
    monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    from kitakyushu_pf.tasks import background_jobs_relay
    from surveys import tasks

    dataset = load_dataset(synthetic_csv(60))

    def refuse(*args: Any) -> None:
        raise ConnectionError("broker down")

    monkeypatch.setattr(tasks.report_build_task, "delay", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        job = services.report_request(dataset=dataset, mode="internal")  # logged, not raised
    job.refresh_from_db()
    assert job.job.status == "queued" and job.job.sent_at is None
    monkeypatch.undo()
    BackgroundJob.objects.filter(pk=job.job_id).update(
        created_at=timezone.now() - timedelta(minutes=2)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert background_jobs_relay() == 1
    job.refresh_from_db()
    assert job.job.status == "done" and job.job.attempts == 1
    assert job.result["meta"]["n_respondents"] == 60


def test_report_sleep_switch_is_refused_in_production() -> None:
    import os
    import subprocess
    import sys

    from django.conf import settings as django_settings

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kitakyushu_pf.settings",
        "DJANGO_ENV": "production",
        "DJANGO_SECRET_KEY": "k8#2Lq!v9Zr@x4Wm$7Tn%1Yp^6Gb&3Hc*5Jd(0Fs)8Ke_2Qa+9Ul=4Ro",
        "DJANGO_ALLOWED_HOSTS": "tsunagaru.example.jp",
        "AXES_PROXY_COUNT": "1",
    }
    code = "import django; django.setup()"
    cwd = django_settings.BASE_DIR
    ok = subprocess.run([sys.executable, "-c", code], env=env, cwd=cwd, capture_output=True)
    assert ok.returncode == 0, ok.stderr.decode()
    env["SURVEYS_TEST_SLEEP_IN_REPORT"] = "5"
    refused = subprocess.run([sys.executable, "-c", code], env=env, cwd=cwd, capture_output=True)
    assert refused.returncode != 0
    assert b"SURVEYS_TEST_* switches are for tests only" in refused.stderr


def test_publication_report_of_a_small_pilot_file_completes() -> None:
    dataset = load_dataset(synthetic_csv(60))
    job = services.report_request(dataset=dataset, mode="publish", dispatch=False)
    job = services.report_job_run(job=job)
    assert job.is_ready
    rows = job.result["rows"]
    by_age = [
        r for r in rows if r["indicator"] == "lonely_direct" and r["breakdown"] == "age_group"
    ]
    assert by_age and all(r["suppressed"] and r["city_n"] is None for r in by_age)
    internal = ReportJob.objects.get(dataset=dataset, mode="internal")
    services.report_job_run(job=internal)
    internal.refresh_from_db()
    small = {
        (r["indicator"], r["breakdown"], r["group"], r["answer"])
        for r in internal.result["rows"]
        if r["city_n"] is not None and r["city_n"] < 10
    }
    published = {(r["indicator"], r["breakdown"], r["group"], r["answer"]): r for r in rows}
    assert small and all(published[k]["suppressed"] for k in small)
