"""Delete survey microdata past its retention date (idempotent; each deletion is audited)."""

from typing import Any

from django.core.management.base import BaseCommand

from surveys.services import dataset_retention_purge


class Command(BaseCommand):
    help = "Delete microdata and uploaded files of datasets past their retain_until date."

    def handle(self, *args: Any, **options: Any) -> None:
        purged = dataset_retention_purge()
        for dataset in purged:
            self.stdout.write(f"deleted microdata of {dataset.pk} ({dataset.title})")
        self.stdout.write(f"{len(purged)} dataset(s) purged")
