"""Write an empty data file with an instrument's columns, plus its codebook."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from kitakyushu_pf.exports import csv_bytes
from surveys import services
from surveys.models import Instrument


class Command(BaseCommand):
    help = "Write a template for data entry: FILE.csv (+ FILE.codebook.csv) or FILE.xlsx."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("instrument")
        parser.add_argument("--out", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        instrument = Instrument.objects.filter(slug=options["instrument"]).first()
        if instrument is None:
            raise CommandError(
                _("There is no instrument %(slug)s.") % {"slug": options["instrument"]}
            )
        out = Path(options["out"])
        if out.suffix.lower() == ".xlsx":
            out.write_bytes(services.instrument_template_xlsx(instrument=instrument))
            self.stdout.write(str(out))
            return
        out.write_bytes(services.instrument_template_csv(instrument=instrument))
        codebook = out.with_name(out.stem + ".codebook.csv")
        codebook.write_bytes(
            csv_bytes(
                [str(c) for c in services.CODEBOOK_HEADER],
                services.instrument_codebook(instrument=instrument),
            )
        )
        self.stdout.write(f"{out}\n{codebook}")
