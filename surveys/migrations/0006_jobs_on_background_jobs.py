"""Survey validations and reports run as the portal's background jobs.

Each report row's build state (status, progress, attempts, error, worker, times) moves to a
BackgroundJob; each upload without an outcome gets one, so the relay sends the validations
that were queued while the broker was down (they used to wait forever). Files whose validation
failed keep the failure as their job's error.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone

REPORT_TASK = "surveys.tasks.report_build_task"
VALIDATE_TASK = "surveys.tasks.datasetfile_validate_task"


def to_background_jobs(apps, schema_editor):  # type: ignore[no-untyped-def]
    BackgroundJob = apps.get_model("kitakyushu_pf", "BackgroundJob")
    ReportJob = apps.get_model("surveys", "ReportJob")
    DatasetFile = apps.get_model("surveys", "DatasetFile")
    limit = settings.SURVEYS_REPORT_TIME_LIMIT
    now = timezone.now()
    for report in ReportJob.objects.all():
        status = report.status.lower()
        job = BackgroundJob.objects.create(
            name=f"surveys: {report.mode} report",
            task=REPORT_TASK,
            args=[str(report.pk)],
            status=status,
            progress=report.progress,
            attempts=report.attempts,
            max_attempts=3,
            time_limit_seconds=limit,
            worker_pid=report.worker_pid,
            sent_at=None if status == "queued" else report.queued_at,
            started_at=report.started_at,
            finished_at=report.finished_at,
            error=report.error,
        )
        report.job = job
        report.save(update_fields=["job"])
    for upload in DatasetFile.objects.filter(status__in=["pending", "validating", "failed"]):
        failed = upload.status == "failed"
        message = upload.problems[0].get("message", "") if failed and upload.problems else ""
        job = BackgroundJob.objects.create(
            name="surveys: file validation",
            task=VALIDATE_TASK,
            args=[str(upload.pk)],
            # Waiting or cut off mid-way: queued again, for the relay to send.
            status="failed" if failed else "queued",
            attempts=1 if upload.status == "validating" else 0,
            max_attempts=3,
            time_limit_seconds=limit,
            finished_at=(upload.validated_at or now) if failed else None,
            error=message,
        )
        upload.job = job
        upload.status = "pending"
        fields = ["job", "status"]
        if failed:  # the failure is the job's error now, not a problem of the file
            upload.problems, upload.problem_count = [], 0
            fields += ["problems", "problem_count"]
        upload.save(update_fields=fields)


def from_background_jobs(apps, schema_editor):  # type: ignore[no-untyped-def]
    ReportJob = apps.get_model("surveys", "ReportJob")
    DatasetFile = apps.get_model("surveys", "DatasetFile")
    for report in ReportJob.objects.select_related("job"):
        job = report.job
        if job is None:
            continue
        report.status = job.status.upper()
        report.progress, report.attempts, report.error = job.progress, job.attempts, job.error
        report.worker_pid, report.queued_at = job.worker_pid, job.sent_at or job.created_at
        report.started_at, report.finished_at = job.started_at, job.finished_at
        report.save()
    states = {"queued": "pending", "running": "validating", "failed": "failed"}
    for upload in DatasetFile.objects.filter(status="pending").select_related("job"):
        if upload.job is None:
            continue
        upload.status = states.get(upload.job.status, "pending")
        if upload.status == "failed":
            upload.problems = [
                {"row": None, "column": "", "value": "", "message": upload.job.error}
            ]
            upload.problem_count = 1
        upload.save(update_fields=["status", "problems", "problem_count"])


class Migration(migrations.Migration):
    dependencies = [
        ("kitakyushu_pf", "0005_background_job_relay"),
        ("surveys", "0005_web_fielding"),
    ]

    operations = [
        migrations.AddField(
            model_name="datasetfile",
            name="job",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="kitakyushu_pf.backgroundjob",
                verbose_name="validation job",
            ),
        ),
        migrations.AddField(
            model_name="reportjob",
            name="job",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="kitakyushu_pf.backgroundjob",
                verbose_name="current build",
            ),
        ),
        migrations.RunPython(to_background_jobs, from_background_jobs),
        migrations.RemoveField(model_name="reportjob", name="attempts"),
        migrations.RemoveField(model_name="reportjob", name="error"),
        migrations.RemoveField(model_name="reportjob", name="finished_at"),
        migrations.RemoveField(model_name="reportjob", name="progress"),
        migrations.RemoveField(model_name="reportjob", name="queued_at"),
        migrations.RemoveField(model_name="reportjob", name="started_at"),
        migrations.RemoveField(model_name="reportjob", name="status"),
        migrations.RemoveField(model_name="reportjob", name="worker_pid"),
        migrations.AlterField(
            model_name="datasetfile",
            name="status",
            field=models.CharField(
                choices=[
                    ("pending", "waiting for validation"),
                    ("invalid", "has errors (not loaded)"),
                    ("loaded", "loaded"),
                ],
                default="pending",
                max_length=10,
                verbose_name="status",
            ),
        ),
    ]
