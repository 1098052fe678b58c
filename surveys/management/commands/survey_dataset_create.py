"""Create a dataset (one fielding of an instrument), optionally opened for web answers."""

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from surveys import services, web
from surveys.models import Instrument


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(_("Give dates as YYYY-MM-DD: %(text)s") % {"text": text}) from exc


class Command(BaseCommand):
    help = "Create a dataset and print its id; --web-from/--web-until open it for web answers."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--instrument", required=True)
        parser.add_argument("--title", required=True)
        parser.add_argument("--sample-size", type=int)
        parser.add_argument("--population", default="")
        parser.add_argument("--web-from")
        parser.add_argument("--web-until")
        parser.add_argument("--contact", default="", help="printed on the letter inserts")

    def handle(self, *args: Any, **options: Any) -> None:
        instrument = Instrument.objects.filter(slug=options["instrument"]).first()
        if instrument is None:
            raise CommandError(
                _("There is no instrument %(slug)s.") % {"slug": options["instrument"]}
            )
        web_from, web_until = options["web_from"], options["web_until"]
        if bool(web_from) != bool(web_until):
            raise CommandError(_("Give both --web-from and --web-until."))
        try:
            with transaction.atomic():
                dataset = services.dataset_create(
                    instrument=instrument,
                    title=options["title"],
                    sample_size=options["sample_size"],
                    population=options["population"],
                    fielding_start=_day(web_from) if web_from else None,
                    fielding_end=_day(web_until) if web_until else None,
                    modes="郵送, WEB" if web_from else "",
                )
                if web_from:
                    web.fielding_open(
                        dataset=dataset,
                        opens_on=_day(web_from),
                        closes_on=_day(web_until),
                        contact=options["contact"],
                    )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(str(dataset.pk))
