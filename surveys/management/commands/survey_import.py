"""Import a microdata file: prints the dataset id, or the problems and exits non-zero."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from surveys import services
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
            raise CommandError(f"ファイルがありません: {path}")
        instrument = Instrument.objects.filter(slug=options["instrument"]).first()
        if instrument is None:
            raise CommandError(f"調査票 {options['instrument']} がありません。")
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
                self.stderr.write(f"{row}行目\t{p['column']}\t{p['value']}\t{p['message']}")
            if dataset_file.problem_count > len(dataset_file.problems):
                self.stderr.write(
                    f"…ほか {dataset_file.problem_count - len(dataset_file.problems)} 件"
                )
            services.dataset_discard(dataset=dataset)
            raise CommandError(
                f"{dataset_file.problem_count} 件の問題があるため、何も読み込みませんでした。"
            )
        job = services.report_request(dataset=dataset, mode="internal", dispatch=False)
        services.report_job_run(job=job)
        for note in dataset_file.notes:
            self.stderr.write(note)
        self.stdout.write(str(dataset.pk))
