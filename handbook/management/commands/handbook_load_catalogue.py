"""Load or refresh the handbook's catalogue from handbook/data/*.yaml (idempotent).

Run on every deploy after migrate. The verified windows (contacts_verified.csv) are refreshed
first, then categories and worries; a row the secretariat has edited in the admin is kept as
edited and reported as a conflict unless its key is given to --overwrite.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from handbook.catalogue import CatalogueError, catalogue_load, catalogue_read
from handbook.services import contacts_load
from handbook.translations_load import translations_load


class Command(BaseCommand):
    help = "Validate and load handbook/data/*.yaml (categories, worries, windows); idempotent."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--check", action="store_true", help="validate and report, write nothing"
        )
        parser.add_argument(
            "--overwrite",
            action="append",
            default=[],
            metavar="KEY",
            help="let the file win for this worry key or category slug (repeatable; 'all')",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            catalogue = catalogue_read()
        except CatalogueError as exc:
            message = "handbook/data does not validate:\n  " + "\n  ".join(exc.errors)
            raise CommandError(message) from exc
        if not options["check"]:
            contacts = contacts_load()
            self.stdout.write(f"windows: {contacts.created} created, {contacts.updated} updated")
        report = catalogue_load(
            catalogue=catalogue, overwrite=options["overwrite"], dry_run=options["check"]
        )
        for line in report.lines():
            self.stdout.write(line)
        # handbook/data/translations/<lang>.yaml (a missing language file is skipped).
        translated = translations_load(
            overwrite="all" in options["overwrite"], dry_run=options["check"]
        )
        for line in translated.lines():
            self.stdout.write(line)
        if report.conflicts and not all(c.overwritten for c in report.conflicts):
            self.stdout.write(
                self.style.WARNING(
                    "Conflicting rows were kept as edited in the admin. Bring the change into "
                    "handbook/data, or rerun with --overwrite KEY to let the file win."
                )
            )
        else:
            self.stdout.write(
                self.style.SUCCESS("catalogue loaded" if not options["check"] else "ok")
            )
