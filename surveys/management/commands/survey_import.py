"""Import a microdata file: prints the dataset id, or the problems and exits non-zero."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from surveys import services
from surveys.messages import stored_text
from surveys.models import DatasetFile, Instrument


class Command(BaseCommand):
    help = "Validate and load a survey microdata file (CSV or XLSX) into a new dataset."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file")
        parser.add_argument("--instrument", required=True)
        parser.add_argument("--title", required=True)
        parser.add_argument("--sample-size", type=int, default=None)
        parser.add_argument("--population", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.exists():
            raise CommandError(_("File not found: %(path)s") % {"path": path})
        instrument = Instrument.objects.filter(slug=options["instrument"]).first()
        if instrument is None:
            raise CommandError(
                _("There is no instrument %(slug)s.") % {"slug": options["instrument"]}
            )
        dataset = services.dataset_create(
            instrument=instrument,
            title=options["title"],
            sample_size=options["sample_size"],
            population=options["population"],
        )
        with open(path, "rb") as fh:
            dataset_file = services.datasetfile_store(
                dataset=dataset,
                name=path.name,
                chunks=iter(lambda: fh.read(1024 * 1024), b""),
                dispatch=False,
            )
        dataset_file = services.datasetfile_validate(dataset_file=dataset_file, dispatch=False)
        if dataset_file.status != DatasetFile.Status.LOADED:
            for p in dataset_file.problems:
                row = p["row"] if p["row"] is not None else "-"
                where = _("Row %(row)s") % {"row": row}
                self.stderr.write(f"{where}\t{p['column']}\t{p['value']}\t{stored_text(p)}")
            if dataset_file.problem_count > len(dataset_file.problems):
                more = dataset_file.problem_count - len(dataset_file.problems)
                self.stderr.write(
                    ngettext("… and %(count)s more", "… and %(count)s more", more) % {"count": more}
                )
            services.dataset_discard(dataset=dataset)
            raise CommandError(
                ngettext(
                    "%(count)s problem was found, so nothing was loaded.",
                    "%(count)s problems were found, so nothing was loaded.",
                    dataset_file.problem_count,
                )
                % {"count": dataset_file.problem_count}
            )
        job = services.report_request(dataset=dataset, mode="internal", dispatch=False)
        services.report_job_run(job=job)
        for note in dataset_file.notes:
            self.stderr.write(stored_text(note))
        self.stdout.write(str(dataset.pk))
