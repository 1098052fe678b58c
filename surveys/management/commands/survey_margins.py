"""Give a dataset the population margins (住民基本台帳 counts) its report is weighted to."""

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from surveys import services
from surveys.models import Dataset


class Command(BaseCommand):
    help = (
        "Store population margins (CSV: variable,code,count) for raking a dataset's report; "
        "both reports are rebuilt. --clear removes them (unweighted report)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("dataset_id")
        parser.add_argument("margins", nargs="?", help="CSV file with variable,code,count")
        parser.add_argument(
            "--bounds",
            help="trim weights to LOW,HIGH times the mean weight (e.g. 0.3,3); default none",
        )
        parser.add_argument("--clear", action="store_true", help="remove the margins")
        parser.add_argument(
            "--no-run", action="store_true", help="only queue the reports (a worker builds them)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        dataset = Dataset.objects.select_related("instrument").filter(pk=options["dataset_id"])
        found = dataset.first()
        if found is None:
            raise CommandError(f"dataset {options['dataset_id']} not found")
        if not options["clear"] and not options["margins"]:
            raise CommandError("give a margins CSV file or --clear")
        bounds = None
        if options["bounds"]:
            try:
                low, high = (float(x) for x in options["bounds"].split(","))
            except ValueError as exc:
                raise CommandError("--bounds must be LOW,HIGH, e.g. 0.3,3") from exc
            bounds = (low, high)
        content = None if options["clear"] else Path(options["margins"]).read_bytes()
        try:
            count = services.dataset_margins_set(
                dataset=found, content=content, bounds=bounds, dispatch=False
            )
        except ValidationError as exc:
            raise CommandError("\n".join(exc.messages)) from exc
        self.stdout.write(f"{count} margin rows stored for {found.pk}")
        if options["no_run"] or found.status != Dataset.Status.LOADED:
            return
        for job in found.reports.all():
            job = services.report_job_run(job=job)
            weighting = (job.result.get("weighting") or {}) if job.result else {}
            state = "converged" if weighting.get("converged") else "not weighted"
            if weighting.get("converged"):
                state += f" in {weighting['iterations']} iterations"
            status = job.job.status if job.job is not None else "-"
            self.stdout.write(f"{job.mode}: {status} ({state})")
