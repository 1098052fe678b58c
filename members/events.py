"""Members' own events (food pantries, 交流会, study sessions) through the trainings engine.

A member organisation proposes an event: a trainings ``Programme`` with ``organiser`` and
``approval="proposed"`` and one ``Session``. Nothing is listed until the secretariat approves it.
Registration, capacity, the waiting list and the mails are the trainings engine's own
(``trainings.services.registrations_create``); members register from the members' events page,
and the public on the trainings page when the organiser opened the event to the public.
"""

import uuid
from datetime import date, time
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Min, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kitakyushu_pf.services import email_compose, email_key, portal_url
from trainings.models import Programme, Registration, Session
from trainings.services import Applicant, registrations_create

from .models import Organisation, Person

PROPOSED, APPROVED, DECLINED = "proposed", "approved", "declined"


@transaction.atomic
def event_propose(
    *,
    organisation: Organisation,
    title: str,
    description: str,
    venue: str,
    day: date,
    start: time,
    end: time,
    capacity: int,
    open_to_public: bool,
    contact: str = "",
) -> Programme:
    if organisation.status != Organisation.Status.MEMBER:
        raise ValidationError(_("Only member organisations can propose events."))
    today = timezone.localdate()
    if day < today:
        raise ValidationError({"day": _("The event must be in the future.")})
    programme = Programme(
        slug=f"member-{organisation.pk}-{uuid.uuid4().hex[:8]}",
        title=title.strip(),
        description=description.strip(),
        venue=venue.strip(),
        organiser_contact=contact.strip() or organisation.name,
        application_opens_on=today,
        application_closes_on=day,
        organiser=organisation,
        approval=PROPOSED,
        open_to_public=open_to_public,
        is_published=False,
    )
    programme.full_clean()
    programme.save()
    session = Session(
        programme=programme, number=1, date=day, start=start, end=end, theme=title.strip(),
        capacity=capacity,
    )  # fmt: skip
    session.full_clean()
    session.save()
    return programme


def _notify(programme: Programme, event: str, reason: str = "") -> None:
    assert programme.organiser is not None
    recipients = list(
        programme.organiser.people.filter(is_contact=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    if not recipients:
        return
    email_compose(
        template="members/email/event_decided.txt",
        context={
            "programme": programme,
            "approved": event == APPROVED,
            "reason": reason,
            "link": portal_url(reverse("members:event-detail", args=[programme.slug])),
        },
        to=recipients,
        key=email_key("members", f"event-{event}", programme.pk),
        subject=gettext_lazy("About the event you proposed"),
    )


@transaction.atomic
def event_approve(*, programme: Programme) -> Programme:
    """List it for members (and on the public trainings page when open to the public)."""
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    if programme.approval != PROPOSED:
        raise ValidationError(_("This event has already been decided."))
    programme.approval = APPROVED
    programme.is_published = programme.open_to_public
    programme.save(update_fields=["approval", "is_published", "updated_at"])
    _notify(programme, APPROVED)
    return programme


@transaction.atomic
def event_decline(*, programme: Programme, reason: str) -> Programme:
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    if programme.approval != PROPOSED:
        raise ValidationError(_("This event has already been decided."))
    if not reason.strip():
        raise ValidationError(_("Please give the reasons for declining."))
    programme.approval = DECLINED
    programme.is_published = False
    programme.save(update_fields=["approval", "is_published", "updated_at"])
    _notify(programme, DECLINED, reason.strip())
    return programme


def events_proposed() -> QuerySet[Programme]:
    return Programme.objects.filter(approval=PROPOSED).select_related("organiser")


def events_for_members() -> QuerySet[Programme]:
    """Approved members' events that are not over, soonest first."""
    return (
        Programme.objects.filter(approval=APPROVED, organiser__status=Organisation.Status.MEMBER)
        .select_related("organiser")
        .annotate(first_date=Min("sessions__date"), last_date=Max("sessions__date"))
        .filter(last_date__gte=timezone.localdate())
        .order_by("first_date")
    )


def events_of(organisation: Organisation) -> QuerySet[Programme]:
    return (
        Programme.objects.filter(organiser=organisation)
        .annotate(first_date=Min("sessions__date"))
        .order_by("-first_date")
    )


def event_register(*, programme: Programme, person: Person) -> list[Registration]:
    """A member registers with the details of their listing (the trainings engine decides)."""
    if programme.approval != APPROVED:
        raise ValidationError(_("This event is not open for registration."))
    return registrations_create(
        session_ids=list(programme.sessions.values_list("pk", flat=True)),
        applicant=Applicant(
            name=person.name,
            kana=person.kana,
            email=person.email,
            phone=person.phone,
            organisation_id=person.organisation_id,
        ),
    )


def event_registration_of(*, programme: Programme, person: Person) -> Any:
    return (
        Registration.objects.filter(session__programme=programme, email__iexact=person.email)
        .exclude(state="cancelled")
        .first()
    )
