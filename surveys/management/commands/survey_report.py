"""Build a dataset's report and write it as CSV, XLSX or PDF (same code as the web)."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from surveys import services
from surveys.models import AuditLog, Dataset, ReportJob
from surveys.renderers import RENDERERS


class Command(BaseCommand):
    help = "Write the report of a dataset (tidy CSV, XLSX or PDF)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("dataset_id")
        parser.add_argument("--format", choices=sorted(RENDERERS), required=True)
        parser.add_argument("--out", required=True)
        parser.add_argument("--publish", action="store_true", help="suppress small cells")

    def handle(self, *args: Any, **options: Any) -> None:
        dataset = Dataset.objects.filter(pk=options["dataset_id"]).first()
        if dataset is None:
            raise CommandError("データセットが見つかりません。")
        mode = ReportJob.Mode.PUBLISH if options["publish"] else ReportJob.Mode.INTERNAL
        job = services.report_request(dataset=dataset, mode=mode, dispatch=False)
        job = services.report_job_run(job=job)
        render, _content_type = RENDERERS[options["format"]]
        services.audit_record(
            user=None,
            dataset=dataset,
            action=AuditLog.Action.DOWNLOAD,
            format=options["format"],
            mode=mode,
        )
        Path(options["out"]).write_bytes(render(job.result))
        self.stdout.write(options["out"])
