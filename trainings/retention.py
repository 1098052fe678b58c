"""What the trainings app keeps about people, and for how long (see kitakyushu_pf.retention).

Registrations of a programme whose last session ended more than ``TRAININGS_RETENTION_DAYS``
(default 365) days ago are anonymised: name, kana, e-mail, phone, organisation (free text and
member link), field of work and application number are cleared, the personal links are deleted
and the outbox rows of their e-mails are emptied. What stays, without the person: the row's
session, state (so attendance counts per session stay right), dates, and the questionnaire
answer attached to it.
"""

from datetime import datetime

from django.conf import settings
from django.db.models import Max, Min, OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kitakyushu_pf import retention
from kitakyushu_pf.models import OutboxEmail

from .models import AccessLink, Registration, Session

EMAIL_KINDS = (
    "confirmed",
    "pending",
    "waitlisted",
    "promoted",
    "cancelled",
    "reminder",
    "questionnaire",
)


def _registrations_due(cutoff: datetime) -> QuerySet[Registration]:
    last_day = (
        Session.objects.filter(programme=OuterRef("session__programme"))
        .values("programme")
        .annotate(m=Max("date"))
        .values("m")
    )
    # Whole days in Asia/Tokyo: a programme ends on the date of its last session.
    return Registration.objects.annotate(programme_ends=Subquery(last_day)).filter(
        anonymised_at__isnull=True, programme_ends__lt=timezone.localdate(cutoff)
    )


def _anonymise(due: QuerySet[Registration]) -> int:
    ids = list(due.values_list("pk", flat=True))
    if not ids:
        return 0
    emails = set(Registration.objects.filter(pk__in=ids).values_list("email", flat=True))
    programmes = set(
        Registration.objects.filter(pk__in=ids).values_list("session__programme_id", flat=True)
    )
    keys = [f"trainings:{kind}:{pk}" for pk in ids for kind in EMAIL_KINDS]
    for start in range(0, len(keys), 500):
        batch = keys[start : start + 500]
        OutboxEmail.objects.filter(key__in=batch).update(to=[], subject="", body="", attachments=[])
    # Daily "someone tried your address" notices carry the day after the id.
    for pk in ids:
        OutboxEmail.objects.filter(key__startswith=f"trainings:attempt:{pk}:").update(
            to=[], subject="", body="", attachments=[]
        )
    AccessLink.objects.filter(registration_id__in=ids).delete()
    AccessLink.objects.filter(
        purpose=AccessLink.Purpose.ME, programme_id__in=programmes, email__in=emails
    ).delete()
    return Registration.objects.filter(pk__in=ids).update(
        name="",
        kana="",
        email="",
        phone="",
        organisation=None,
        organisation_name="",
        field_of_work=None,
        external_id="",
        anonymised_at=timezone.now(),
    )


def _oldest() -> datetime | None:
    return Registration.objects.filter(anonymised_at__isnull=True).aggregate(m=Min("created_at"))[
        "m"
    ]


retention.register(
    retention.RetentionRule(
        key="trainings.registration",
        description=_(
            "Registrations of finished programmes (name, kana, e-mail, phone, organisation) and "
            "their e-mails; attendance counts and questionnaire answers stay without the person"
        ),
        period_days=lambda: settings.TRAININGS_RETENTION_DAYS,
        due=_registrations_due,
        purge=_anonymise,
        held=lambda: Registration.objects.filter(anonymised_at__isnull=True).count(),
        oldest=_oldest,
    )
)
