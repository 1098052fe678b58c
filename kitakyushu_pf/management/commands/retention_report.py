from typing import Any

from django.core.management.base import BaseCommand

from kitakyushu_pf.retention import retention_report, retention_run


class Command(BaseCommand):
    help = "List every kind of personal data the portal keeps, for how long, and what is due now."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--purge", action="store_true", help="Apply the rules now.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["purge"]:
            for key, count in retention_run().items():
                self.stdout.write(f"purged {key}: {count}")
        self.stdout.write("rule\tkept (days)\theld\toldest\tdue now\twhat")
        for line in retention_report():
            oldest = line.oldest.date().isoformat() if line.oldest else "-"
            held = "-" if line.held is None else str(line.held)
            self.stdout.write(
                f"{line.key}\t{line.period_days}\t{held}\t{oldest}\t{line.due_now}\t{line.description}"
            )
