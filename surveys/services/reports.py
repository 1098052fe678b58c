"""Report jobs: requesting, running, failing, sweeping and relaying; the response-rate note."""

from __future__ import annotations

import os
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kitakyushu_pf import test_hooks
from kitakyushu_pf.services import dispatch_on_commit

from ..models import Dataset, ReportJob
from .calculations import ReportInputs, report_compute
from .datasets import dataset_margins, microdata_frame
from .extended import extend_result, extended_spec, trend_block
from .national import _national_frame, national_profile

# --- Reports ----------------------------------------------------------------------------------


def report_request(*, dataset: Dataset, mode: str, dispatch: bool = True) -> ReportJob:
    """Queue (or re-queue) the report of a dataset in one mode; the task runs after commit."""
    from ..tasks import report_build_task

    with transaction.atomic():
        job, _ = ReportJob.objects.update_or_create(
            dataset=dataset,
            mode=mode,
            defaults={
                "status": ReportJob.Status.QUEUED,
                "progress": 0,
                "attempts": 0,
                "error": "",
                "queued_at": timezone.now(),
                "started_at": None,
                "finished_at": None,
                "threshold": settings.SURVEYS_SUPPRESSION_THRESHOLD,
            },
        )
        if dispatch:
            dispatch_on_commit(report_build_task, str(job.pk))
    return job


def _previous_fielding(dataset: Dataset) -> dict[str, Any] | None:
    """The city's earlier fielding of the same instrument, when one is set and still loaded."""
    previous = dataset.previous
    if (
        previous is None
        or previous.instrument_id != dataset.instrument_id
        or previous.status != Dataset.Status.LOADED
    ):
        return None
    start = previous.fielding_start
    return {
        "title": previous.title,
        "period": f"{start:%Y-%m}" if start else "",
        "frame": microdata_frame(previous),
    }


def _response_note(dataset: Dataset, spec: dict[str, Any]) -> dict[str, Any]:
    national_rate = spec.get("national_response_rate")
    rate = dataset.response_rate
    text = (
        f"回収率は {rate}%（{dataset.n_respondents:,} / {dataset.sample_size:,}）です。"
        if rate is not None
        else "標本数（発送数）が未入力のため回収率を計算できません。"
    )
    if national_rate:
        text += f" 全国調査の有効回収率は {national_rate}% です。"
    text += (
        " 回収率の低い調査では、回答しなかった人（孤独・孤立の状態にある人ほど回答しにくい"
        "可能性があります）との差が結果を偏らせるおそれがあります。全国値との差は、"
        "非回答による偏りと年齢構成の違いを考慮して読んでください。"
    )
    return {
        "city_rate": rate,
        "national_rate": national_rate,
        "national_rate_source": spec.get("national_response_rate_source", ""),
        "text": text,
    }


def report_job_run(*, job: ReportJob, pid: int | None = None) -> ReportJob:
    """Build and store the report; idempotent (same inputs → same stored result)."""
    ReportJob.objects.filter(pk=job.pk).update(
        status=ReportJob.Status.RUNNING,
        progress=5,
        started_at=timezone.now(),
        worker_pid=pid or os.getpid(),
        attempts=job.attempts + 1,
        error="",
    )
    dataset = Dataset.objects.select_related("instrument").get(pk=job.dataset_id)
    if dataset.status != Dataset.Status.LOADED:
        raise ValidationError("データが読み込まれていないため、集計できません。")
    spec = dataset.instrument.spec

    def progress(pct: int) -> None:
        ReportJob.objects.filter(pk=job.pk).update(progress=pct)

    if spec["survey"] == "seikatsu":
        national = _national_frame(survey="tsunagari", wave="__none__")
        hik = _national_frame(survey="seikatsu")
        band_wave = {"15〜39歳": "H27", "40〜64歳": "H30"}
        hik = hik[hik["group"].map(band_wave) == hik["wave"]]
    else:
        national = _national_frame(survey=spec["survey"], wave=spec["wave"])
        hik = _national_frame(survey="seikatsu", wave="__none__")
    inputs = ReportInputs(
        frame=microdata_frame(dataset),
        spec=extended_spec(spec),
        national=national,
        hikikomori_national=hik,
        rule=dataset.hikikomori_rule,
        national_profile=national_profile(survey=spec["survey"]),
        margins=dataset_margins(dataset),
        weight_bounds=(
            (dataset.weight_min_ratio, dataset.weight_max_ratio)
            if dataset.weight_min_ratio is not None and dataset.weight_max_ratio is not None
            else None
        ),
    )
    progress(10)
    test_hooks.surveys_report_build_started()
    publish = job.mode == ReportJob.Mode.PUBLISH
    result = report_compute(inputs, publish=publish, threshold=job.threshold, progress=progress)
    extend_result(result, inputs=inputs, publish=publish, threshold=job.threshold)
    result["trend"] = trend_block(
        spec=inputs.spec,
        result=result,
        national_all=_national_frame(survey=spec["survey"]),
        previous=_previous_fielding(dataset),
        threshold=job.threshold,
        publish=publish,
        current_period=f"{dataset.fielding_start:%Y-%m}" if dataset.fielding_start else "",
    )
    result["meta"] = {
        "dataset_id": str(dataset.pk),
        "title": dataset.title,
        "instrument": dataset.instrument.name,
        "national_wave": spec["wave"],
        "population": dataset.population,
        "n_respondents": dataset.n_respondents,
        "mode": job.mode,
        "threshold": job.threshold,
        "synthetic": dataset.is_synthetic,
    }
    result["response"] = _response_note(dataset, spec)
    with transaction.atomic():
        job = ReportJob.objects.select_for_update().get(pk=job.pk)
        job.result = result
        job.status = ReportJob.Status.DONE
        job.progress = 100
        job.finished_at = timezone.now()
        job.save(update_fields=["result", "status", "progress", "finished_at"])
    return job


def report_job_fail(*, job_id: str, message: str) -> None:
    ReportJob.objects.filter(pk=job_id).update(
        status=ReportJob.Status.FAILED, error=message, finished_at=timezone.now()
    )


def reportjob_sweep(*, now: Any = None) -> int:
    """Jobs still RUNNING after the hard time limit died with their worker: mark them failed."""
    now = now or timezone.now()
    limit = settings.SURVEYS_REPORT_TIME_LIMIT
    stale = ReportJob.objects.filter(
        status=ReportJob.Status.RUNNING, started_at__lt=now - timedelta(seconds=limit + 60)
    )
    return stale.update(
        status=ReportJob.Status.FAILED,
        error="集計が制限時間内に終わりませんでした（処理が中断されました）。再実行してください。",
        finished_at=now,
    )


def reportjob_relay(*, now: Any = None) -> int:
    """Jobs still QUEUED a while after being queued (the broker was down when they were
    requested): send them to the broker again. A job that runs twice stores the same result."""
    from django.db.models import Q

    from ..tasks import report_build_task

    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.SURVEYS_REPORT_RELAY_AFTER)
    waiting = Q(queued_at__lt=cutoff) | Q(queued_at__isnull=True)
    job_ids = [
        str(pk)
        for pk in ReportJob.objects.filter(waiting, status=ReportJob.Status.QUEUED).values_list(
            "pk", flat=True
        )
    ]
    for job_id in job_ids:
        with transaction.atomic():
            updated = ReportJob.objects.filter(
                waiting, pk=job_id, status=ReportJob.Status.QUEUED
            ).update(queued_at=now)
            if updated:
                dispatch_on_commit(report_build_task, job_id)
    return len(job_ids)
