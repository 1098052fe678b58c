"""Issue access codes for a web fielding: CSV code,url (+ a print-ready PDF of inserts)."""

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from surveys import web
from surveys.models import Dataset


class Command(BaseCommand):
    help = (
        "Issue COUNT new access codes (stored only as hashes) and write them once: "
        "--out codes.csv (code,url) and optionally --pdf inserts.pdf for the mailing."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("dataset_id")
        parser.add_argument("--count", type=int, required=True)
        parser.add_argument("--out", required=True)
        parser.add_argument("--pdf")

    def handle(self, *args: Any, **options: Any) -> None:
        dataset = Dataset.objects.filter(pk=options["dataset_id"]).first()
        if dataset is None:
            raise CommandError(_("There is no dataset %(id)s.") % {"id": options["dataset_id"]})
        out = Path(options["out"])
        if out.exists():
            raise CommandError(_("%(path)s already exists (not overwritten).") % {"path": out})
        try:
            codes = web.codes_issue(dataset=dataset, count=options["count"])
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        out.write_bytes(web.codes_csv(codes))
        self.stdout.write(f"{len(codes)} {out}")
        if options["pdf"]:
            Path(options["pdf"]).write_bytes(web.inserts_pdf(dataset=dataset, codes=codes))
            self.stdout.write(options["pdf"])
