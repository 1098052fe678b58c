"""Council meetings: the notice with its agenda, RSVP per person, the reminder, attendance.

A 幹事会 (steering committee) meeting goes only to the committee's own member list
(``Person.on_steering_committee``); every other meeting goes to the people with a log-in in the
member organisations.
"""

from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kitakyushu_pf.services import email_compose, email_key, portal_url

from .models import CouncilMeeting, MeetingRsvp, Organisation, Person


def invitees(meeting: CouncilMeeting) -> QuerySet[Person]:
    people = Person.objects.filter(
        organisation__status=Organisation.Status.MEMBER, user__is_active=True
    ).exclude(email="")
    if meeting.kind == CouncilMeeting.Kind.STEERING:
        people = people.filter(on_steering_committee=True)
    return people.select_related("organisation")


def can_answer(*, meeting: CouncilMeeting, person: Person | None) -> bool:
    if person is None or person.organisation.status != Organisation.Status.MEMBER:
        return False
    return meeting.kind != CouncilMeeting.Kind.STEERING or person.on_steering_committee


def _mail(meeting: CouncilMeeting, event: str, subject: Any, people: QuerySet[Person]) -> int:
    sent = 0
    link = portal_url(meeting.get_absolute_url())
    for person in people:
        queued = email_compose(
            template=f"members/email/meeting_{event}.txt",
            context={"meeting": meeting, "person": person, "link": link},
            to=[person.email],
            key=email_key("members", f"meeting-{event}", meeting.pk, person.pk),
            subject=subject,
        )
        sent += queued is not None
    return sent


@transaction.atomic
def meeting_notice_send(*, meeting: CouncilMeeting) -> int:
    """Mail the notice with the agenda to every invitee (once per person)."""
    if meeting.held_on < timezone.localdate():
        raise ValidationError(_("This meeting is in the past."))
    sent = _mail(meeting, "notice", gettext_lazy("Meeting notice"), invitees(meeting))
    meeting.notice_sent_at = timezone.now()
    meeting.save(update_fields=["notice_sent_at", "updated_at"])
    return sent


@transaction.atomic
def rsvp_answer(*, meeting: CouncilMeeting, person: Person, answer: str) -> MeetingRsvp:
    if not can_answer(meeting=meeting, person=person):
        raise ValidationError(_("This meeting is for the steering committee only."))
    if answer not in MeetingRsvp.Answer.values:
        raise ValidationError({"answer": _("Please choose an answer.")})
    rsvp, _created = MeetingRsvp.objects.update_or_create(
        meeting=meeting, person=person, defaults={"answer": answer, "answered_at": timezone.now()}
    )
    return rsvp


def meeting_reminders_send(*, today: date | None = None) -> int:
    """The day before: remind everyone who answered 出席 or オンライン (beat, hourly, once each)."""
    today = today or timezone.localdate()
    sent = 0
    for meeting in CouncilMeeting.objects.filter(
        held_on=today + timedelta(days=1), notice_sent_at__isnull=False
    ):
        people = Person.objects.filter(
            rsvps__meeting=meeting,
            rsvps__answer__in=[MeetingRsvp.Answer.ATTEND, MeetingRsvp.Answer.ONLINE],
        ).exclude(email="")
        sent += _mail(meeting, "reminder", gettext_lazy("Reminder: meeting tomorrow"), people)
    return sent


@transaction.atomic
def meeting_check_in(*, meeting: CouncilMeeting, person: Person) -> MeetingRsvp:
    """The person is there: attendance records them (and their organisation)."""
    rsvp, _created = MeetingRsvp.objects.get_or_create(
        meeting=meeting, person=person, defaults={"answer": MeetingRsvp.Answer.ATTEND}
    )
    rsvp.checked_in_at = rsvp.checked_in_at or timezone.now()
    rsvp.save(update_fields=["checked_in_at"])
    meeting.people.add(person)
    meeting.organisations.add(person.organisation_id)
    return rsvp


@transaction.atomic
def attendance_from_rsvp(*, meeting: CouncilMeeting) -> int:
    """After the meeting: everyone checked in, or who answered オンライン, attended."""
    rsvps = meeting.rsvps.select_related("person").filter(
        checked_in_at__isnull=False
    ) | meeting.rsvps.select_related("person").filter(answer=MeetingRsvp.Answer.ONLINE)
    people = [r.person for r in rsvps]
    meeting.people.add(*people)
    meeting.organisations.add(*{p.organisation_id for p in people})
    return len(people)


@transaction.atomic
def minutes_publish(*, meeting: CouncilMeeting) -> int:
    """Publish the minutes and mail the invitees a link."""
    if not meeting.minutes.strip():
        raise ValidationError(_("Write the minutes before publishing them."))
    meeting.minutes_published = True
    meeting.save(update_fields=["minutes_published", "updated_at"])
    return _mail(meeting, "minutes", gettext_lazy("Meeting minutes published"), invitees(meeting))


def meetings_today(*, today: date | None = None) -> QuerySet[CouncilMeeting]:
    return CouncilMeeting.objects.filter(held_on=today or timezone.localdate())
