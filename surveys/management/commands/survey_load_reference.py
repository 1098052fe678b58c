"""(Re)load the shipped instruments, and the national figures when none are loaded yet."""

from typing import Any

from django.core.management.base import BaseCommand

from surveys.services import (
    NATIONAL_CSV,
    instrument_load_all,
    national_figures_load_shipped,
    national_figures_replace,
)


class Command(BaseCommand):
    help = "Load surveys/instruments/*.yaml and surveys/data/national_reference.csv."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--replace-national", action="store_true", help="overwrite corrected figures"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        instruments = instrument_load_all()
        if options["replace_national"]:
            count = national_figures_replace(content=NATIONAL_CSV.read_bytes())
        else:
            count = national_figures_load_shipped()
        self.stdout.write(f"{len(instruments)} instruments, {count} national figures")
