"""Build a dataset's report and write it as CSV, XLSX or PDF (same code as the web), or write
its labelled microdata as SPSS .sav / Stata .dta. Every file written is audited."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from surveys import services
from surveys.models import AuditLog, Dataset, ReportJob
from surveys.renderers import RENDERERS
from surveys.statfiles import FORMATS, dataset_statfile


class Command(BaseCommand):
    help = (
        "Write the report of a dataset (tidy CSV, XLSX or PDF), or its microdata with variable "
        "and value labels (sav = SPSS, dta = Stata)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("dataset_id")
        parser.add_argument("--format", choices=sorted([*RENDERERS, *FORMATS]), required=True)
        parser.add_argument("--out", required=True)
        parser.add_argument("--publish", action="store_true", help="suppress small cells")
        parser.add_argument(
            "--language", choices=["ja", "en"], default="ja", help="labels (report formats)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        dataset = (
            Dataset.objects.select_related("instrument").filter(pk=options["dataset_id"]).first()
        )
        if dataset is None:
            raise CommandError(_("The dataset was not found."))
        fmt = options["format"]
        if fmt in FORMATS:
            if options["publish"]:
                raise CommandError(_("Microdata (sav/dta) has no publication mode."))
            if dataset.status != Dataset.Status.LOADED:
                raise CommandError(_("No data is loaded, so nothing can be exported."))
            services.audit_record(
                user=None, dataset=dataset, action=AuditLog.Action.DOWNLOAD, format=fmt,
                mode="microdata",
            )  # fmt: skip
            Path(options["out"]).write_bytes(dataset_statfile(dataset, fmt))
            self.stdout.write(options["out"])
            return
        mode = ReportJob.Mode.PUBLISH if options["publish"] else ReportJob.Mode.INTERNAL
        job = services.report_request(dataset=dataset, mode=mode, dispatch=False)
        job = services.report_job_run(job=job)
        render, _content_type = RENDERERS[fmt]
        services.audit_record(
            user=None,
            dataset=dataset,
            action=AuditLog.Action.DOWNLOAD,
            format=fmt,
            mode=mode,
        )
        Path(options["out"]).write_bytes(render(job.result, language=options["language"]))
        self.stdout.write(options["out"])
