"""Load or refresh the real consultation windows (contacts_verified.csv) and the lines for
foreign residents (contacts_multilingual.csv, VERIFIED rows only listed)."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from handbook.services import CONTACTS_CSV, contacts_load, multilingual_load


class Command(BaseCommand):
    help = "Load the verified contacts CSV into handbook services (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--path", type=Path, default=CONTACTS_CSV)

    def handle(self, *args: Any, **options: Any) -> None:
        summary = contacts_load(path=options["path"])
        self.stdout.write(
            self.style.SUCCESS(f"{summary.created} created, {summary.updated} updated.")
        )
        lines = multilingual_load()
        self.stdout.write(
            self.style.SUCCESS(
                f"Lines for foreign residents: {lines.created} created, {lines.updated} updated."
            )
        )
