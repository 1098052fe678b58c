"""Thin Celery shells around the survey services: load by pk, call the service, bound retries."""

from __future__ import annotations

import logging
import os

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from .models import DatasetFile, ReportJob

logger = logging.getLogger(__name__)


def _limits() -> tuple[int, int]:
    return (
        settings.SURVEYS_REPORT_SOFT_TIME_LIMIT,
        settings.SURVEYS_REPORT_TIME_LIMIT,
    )


@shared_task(
    bind=True,
    acks_late=True,
    ignore_result=True,
    max_retries=2,
    soft_time_limit=_limits()[0],
    time_limit=_limits()[1],
)
def datasetfile_validate_task(self, file_id: str) -> None:  # type: ignore[no-untyped-def]
    from .services import datasetfile_validate

    dataset_file = DatasetFile.objects.filter(pk=file_id).first()
    if dataset_file is None or dataset_file.status in (
        DatasetFile.Status.LOADED,
        DatasetFile.Status.INVALID,
    ):
        return  # already done: a redelivered message is harmless
    try:
        datasetfile_validate(dataset_file=dataset_file)
    except SoftTimeLimitExceeded:
        DatasetFile.objects.filter(pk=file_id).update(
            status=DatasetFile.Status.FAILED,
            problems=[{"row": None, "column": "", "value": "",
                       "message": "検証が制限時間内に終わりませんでした。"}],
            problem_count=1,
        )  # fmt: skip
    except Exception as exc:
        if self.request.retries >= self.max_retries:
            DatasetFile.objects.filter(pk=file_id).update(
                status=DatasetFile.Status.FAILED,
                problems=[{"row": None, "column": "", "value": "",
                           "message": "検証中にエラーが発生しました。管理者に連絡してください。"}],
                problem_count=1,
            )  # fmt: skip
            logger.exception("validation of %s failed for good", file_id)
            if self.request.is_eager or self.request.called_directly:
                raise
            return
        raise self.retry(exc=exc, countdown=5) from exc


@shared_task(
    bind=True,
    acks_late=True,
    ignore_result=True,
    max_retries=2,
    soft_time_limit=_limits()[0],
    time_limit=_limits()[1],
)
def report_build_task(self, job_id: str) -> None:  # type: ignore[no-untyped-def]
    from .services import MAX_ATTEMPTS, report_job_fail, report_job_run

    job = ReportJob.objects.filter(pk=job_id).first()
    if job is None or job.status == ReportJob.Status.DONE:
        return
    if job.attempts >= MAX_ATTEMPTS:
        report_job_fail(
            job_id=job_id,
            message=f"{MAX_ATTEMPTS}回試みましたが集計できませんでした。管理者に連絡してください。",
        )
        return
    try:
        report_job_run(job=job, pid=os.getpid())
    except SoftTimeLimitExceeded:
        report_job_fail(job_id=job_id, message="集計が制限時間内に終わりませんでした。")
    except ValidationError as exc:
        report_job_fail(job_id=job_id, message="；".join(exc.messages))
    except Exception as exc:
        logger.exception("report %s failed (attempt %s)", job_id, job.attempts + 1)
        job.refresh_from_db()
        final = self.request.is_eager or self.request.called_directly
        if job.attempts >= MAX_ATTEMPTS or final:
            report_job_fail(
                job_id=job_id,
                message=f"集計中にエラーが発生しました（{type(exc).__name__}）。"
                "管理者に連絡してください。",
            )
            return
        ReportJob.objects.filter(pk=job_id).update(
            status=ReportJob.Status.QUEUED, queued_at=timezone.now()
        )
        raise self.retry(exc=exc, countdown=5) from exc


@shared_task(ignore_result=True)
def reportjob_sweep_task() -> int:
    """Fail jobs left RUNNING by a dead worker; re-send jobs left QUEUED by a broker outage."""
    from .services import reportjob_relay, reportjob_sweep

    return reportjob_sweep() + reportjob_relay()
