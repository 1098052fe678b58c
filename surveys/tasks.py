"""Thin Celery shells around the survey services: each is a portal background job
(kitakyushu_pf.jobs: attempts bounded, time limits, sweeper, relay); load, call one service."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from celery import shared_task
from django.conf import settings

from kitakyushu_pf.jobs import tracked_job
from kitakyushu_pf.models import BackgroundJob


def _limits() -> tuple[int, int]:
    return (
        settings.SURVEYS_REPORT_SOFT_TIME_LIMIT,
        settings.SURVEYS_REPORT_TIME_LIMIT,
    )


@shared_task(
    bind=True,
    acks_late=True,
    ignore_result=True,
    soft_time_limit=_limits()[0],
    time_limit=_limits()[1],
)
@tracked_job
def datasetfile_validate_task(self: Any, job: BackgroundJob, workspace: Path, file_id: str) -> None:
    from .services import datasetfile_validate_job

    datasetfile_validate_job(job=job, file_id=file_id)


@shared_task(
    bind=True,
    acks_late=True,
    ignore_result=True,
    soft_time_limit=_limits()[0],
    time_limit=_limits()[1],
)
@tracked_job
def report_build_task(self: Any, job: BackgroundJob, workspace: Path, report_id: str) -> None:
    from .services import report_build

    report_build(job=job, report_id=report_id)
