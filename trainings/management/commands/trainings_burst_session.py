"""Prepare an empty session for load and race tests: `manage.py trainings_burst_session 75`."""

from datetime import time, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.utils import timezone

from kitakyushu_pf.models import OutboxEmail
from trainings.models import AccessLink, Programme, Registration, Session

SLUG = "burst-test"


class Command(BaseCommand):
    help = "Create or empty the burst-test programme's session; prints 'slug session_id'."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("capacity", type=int, nargs="?", default=75)
        parser.add_argument(
            "--number", type=int, default=1, help="session number (the bench's baseline uses 2)"
        )
        parser.add_argument(
            "--hold-hours",
            type=int,
            default=0,
            help="hold seats pending e-mail confirmation for this many hours (default 0: off)",
        )

    def handle(
        self, *args: Any, capacity: int, number: int = 1, hold_hours: int = 0, **options: Any
    ) -> None:
        today = timezone.localdate()
        with transaction.atomic():
            programme, _ = Programme.objects.update_or_create(
                slug=SLUG,
                defaults={
                    "title": "（サンプル）負荷試験用の研修会",
                    "application_opens_on": today - timedelta(days=1),
                    "application_closes_on": today + timedelta(days=30),
                    "is_published": True,
                    "is_sample": True,
                    "venue": "（サンプル）",
                    "confirmation_hold_hours": hold_hours,
                },
            )
            session, _ = Session.objects.update_or_create(
                programme=programme,
                number=number,
                defaults={
                    "date": today + timedelta(days=40),
                    "start": time(10 + 2 * (number - 1)),
                    "end": time(11 + 2 * (number - 1)),
                    "theme": "（サンプル）負荷試験用の講座",
                    "capacity": capacity,
                },
            )
            ids = list(Registration.objects.filter(session=session).values_list("pk", flat=True))
            kinds = ("confirmed", "pending", "waitlisted")
            OutboxEmail.objects.filter(
                key__in=[f"trainings:{kind}:{pk}" for pk in ids for kind in kinds]
            ).delete()
            AccessLink.objects.filter(programme=programme).delete()
            Registration.objects.filter(session=session).delete()
            Session.objects.filter(pk=session.pk).update(confirmed_count=0, capacity=capacity)
        self.stdout.write(f"{SLUG} {session.pk}")
