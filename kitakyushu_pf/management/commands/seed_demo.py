"""Fill every app with plausible demo data from the seed document. Safe to run twice."""

import importlib
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

# Order matters: later apps refer to organisations and sessions made by earlier ones.
DEMO_MODULES = (
    "kitakyushu_pf.demo",
    "members.demo",
    "trainings.demo",
    "casestudies.demo",
    "handbook.demo",
    "surveys.demo",
)


class Command(BaseCommand):
    help = "Fill the portal with demo data (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        # Demo data is nobody's edit: it leaves no change history (django-simple-history), so
        # seeding twice leaves the same rows.
        enabled = getattr(settings, "SIMPLE_HISTORY_ENABLED", True)
        settings.SIMPLE_HISTORY_ENABLED = False
        try:
            self._seed()
        finally:
            settings.SIMPLE_HISTORY_ENABLED = enabled
        self.stdout.write(self.style.SUCCESS("Demo data is ready."))

    def _seed(self) -> None:
        for module_name in DEMO_MODULES:
            try:
                module = importlib.import_module(module_name)
            except ModuleNotFoundError as exc:
                if exc.name != module_name:
                    raise
                continue
            with transaction.atomic():
                summary = module.seed_demo()
            self.stdout.write(f"{module_name}: {summary}")
