"""Reports: requesting and building them (as portal background jobs); the response-rate note."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kitakyushu_pf import test_hooks
from kitakyushu_pf.jobs import (
    background_job_create,
    background_job_dispatch,
    background_job_progress,
    background_job_run,
)
from kitakyushu_pf.models import BackgroundJob

from ..models import Dataset, ReportJob
from ..tasks import report_build_task
from ._common import MAX_ATTEMPTS
from .calculations import ReportInputs, report_compute
from .datasets import dataset_margins, microdata_frame
from .extended import extend_result, extended_spec, trend_block
from .national import _national_frame, national_profile

# --- Reports ----------------------------------------------------------------------------------


def report_request(
    *, dataset: Dataset, mode: str, dispatch: bool = True, unless_queued: bool = False
) -> ReportJob:
    """Queue (or re-queue) the report of a dataset in one mode: a new background job, sent after
    commit (relayed if the broker is down). The previous job, unless it is running, goes; a
    running one finishes without storing anything. `unless_queued`: keep a job still waiting."""
    with transaction.atomic():
        report, _created = ReportJob.objects.select_for_update().get_or_create(
            dataset=dataset, mode=mode
        )
        previous = report.job
        waiting = previous is not None and previous.status == BackgroundJob.Status.QUEUED
        if unless_queued and waiting:
            return report
        job = background_job_create(
            name=f"surveys: {mode} report",
            task=report_build_task,
            args=[str(report.pk)],
            max_attempts=MAX_ATTEMPTS,
            time_limit_seconds=settings.SURVEYS_REPORT_TIME_LIMIT,
        )
        report.job = job
        report.threshold = settings.SURVEYS_SUPPRESSION_THRESHOLD
        report.save(update_fields=["job", "threshold"])
        if previous is not None and previous.status != BackgroundJob.Status.RUNNING:
            previous.delete()
        if dispatch:
            background_job_dispatch(job)
    return report


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
    if rate is not None:
        text = gettext("The response rate is %(rate)s%% (%(n)s / %(sample)s).") % {
            "rate": rate,
            "n": f"{dataset.n_respondents:,}",
            "sample": f"{dataset.sample_size:,}",
        }
    else:
        text = gettext(
            "The sample size (letters sent) is not entered, so there is no response rate."
        )
    if national_rate:
        text += gettext(" The national survey's response rate is %(rate)s%%.") % {
            "rate": national_rate
        }
    text += gettext(
        " In a survey with a low response rate, the people who did not answer (people who are "
        "lonely or isolated may be less likely to answer) may differ from those who did and "
        "bias the results. Read differences from the national figures with non-response bias "
        "and the different age mix in mind."
    )
    return {
        "city_rate": rate,
        "national_rate": national_rate,
        "national_rate_source": spec.get("national_response_rate_source", ""),
        "text": text,
    }


def report_job_run(*, job: ReportJob) -> ReportJob:
    """Build the report now, in this process (commands, demo, tests), as one attempt of its
    current job (a new one if that has finished); errors are recorded on the job and raised."""
    report = job
    report.refresh_from_db()
    if report.job is None or report.job.is_finished:
        report = report_request(dataset=report.dataset, mode=report.mode, dispatch=False)
    report_id = str(report.pk)
    background_job_run(
        job_id=report.job_id,  # type: ignore[arg-type]
        body=lambda running, _workspace: report_build(job=running, report_id=report_id),
        raise_errors=True,
    )
    report.refresh_from_db()
    return report


def report_build(*, job: BackgroundJob, report_id: str) -> None:
    """The report job: build and store the report; idempotent (same inputs → same result).
    A job that is no longer the report's current one (asked again meanwhile) stores nothing."""
    report = ReportJob.objects.filter(pk=report_id, job=job).first()
    if report is None:
        return
    background_job_progress(job_id=job.pk, percent=5)
    dataset = Dataset.objects.select_related("instrument").get(pk=report.dataset_id)
    if dataset.status != Dataset.Status.LOADED:
        raise ValidationError(_("No data is loaded, so the report cannot be built."))
    spec = dataset.instrument.spec

    def progress(pct: int) -> None:
        background_job_progress(job_id=job.pk, percent=pct)

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
    publish = report.mode == ReportJob.Mode.PUBLISH
    threshold = report.threshold
    result = report_compute(inputs, publish=publish, threshold=threshold, progress=progress)
    extend_result(result, inputs=inputs, publish=publish, threshold=threshold)
    result["trend"] = trend_block(
        spec=inputs.spec,
        result=result,
        national_all=_national_frame(survey=spec["survey"]),
        previous=_previous_fielding(dataset),
        threshold=threshold,
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
        "mode": report.mode,
        "threshold": threshold,
        "synthetic": dataset.is_synthetic,
    }
    result["response"] = _response_note(dataset, spec)
    with transaction.atomic():
        report = ReportJob.objects.select_for_update().get(pk=report.pk)
        if report.job_id == job.pk:
            report.result = result
            report.save(update_fields=["result"])
