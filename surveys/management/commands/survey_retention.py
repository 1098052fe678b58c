"""Delete survey microdata past its retention date (the portal's retention framework)."""

from typing import Any

from django.core.management.base import BaseCommand

from kitakyushu_pf.retention import retention_run
from surveys.retention import RULE_KEY


class Command(BaseCommand):
    help = (
        "Delete microdata, uploaded files and problem lists of datasets past their retain_until "
        "date (the same rule the daily portal-retention job applies)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        purged = retention_run(keys=[RULE_KEY]).get(RULE_KEY, 0)
        self.stdout.write(f"{purged} dataset(s) purged")
