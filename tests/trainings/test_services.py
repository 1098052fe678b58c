from datetime import date, time, timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from icalendar import Calendar

from kitakyushu_pf.models import OutboxEmail
from trainings.models import Registration, Session
from trainings.services import (
    Applicant,
    questionnaire_answer_submit,
    questionnaires_send,
    registration_cancel,
    registration_check_in,
    registration_walk_in,
    registrations_create,
    reminders_send,
    session_capacity_set,
)

from .factories import ProgrammeFactory, SessionFactory, default_answers

pytestmark = pytest.mark.django_db


def person(i: int, **extra: object) -> Applicant:
    return Applicant(
        name=f"見本 花子{i}", kana=f"みほん はなこ{i}", email=f"p{i}@example.jp", **extra
    )


def register(session: Session, i: int) -> Registration:
    # Some tests place people in lectures already held (the cut-off rule has its own tests).
    return registrations_create(
        session_ids=[session.pk], applicant=person(i), enforce_cutoff=False
    )[0]


def keys() -> list[str]:
    return sorted(OutboxEmail.objects.values_list("key", flat=True))


def test_register_confirms_until_capacity_then_waitlists_in_order() -> None:
    session = SessionFactory(capacity=2)
    made = [register(session, i) for i in range(5)]
    assert [r.state for r in made] == ["confirmed"] * 2 + ["waitlisted"] * 3
    assert [r.position for r in made[2:]] == [1, 2, 3]
    session.refresh_from_db()
    assert session.confirmed_count == 2


def test_each_session_is_confirmed_or_waitlisted_on_its_own() -> None:
    programme = ProgrammeFactory()
    full = SessionFactory(programme=programme, capacity=1, start=time(9), end=time(10))
    free = SessionFactory(programme=programme, capacity=5, start=time(11), end=time(12))
    register(full, 99)
    made = registrations_create(session_ids=[full.pk, free.pk], applicant=person(1))
    assert {r.session_id: r.state for r in made} == {full.pk: "waitlisted", free.pk: "confirmed"}


def test_overlapping_sessions_are_refused_and_nothing_is_written() -> None:
    programme = ProgrammeFactory()
    a = SessionFactory(programme=programme, start=time(9), end=time(10, 30))
    b = SessionFactory(programme=programme, start=time(10), end=time(11))
    with pytest.raises(ValidationError) as exc:
        registrations_create(session_ids=[a.pk, b.pk], applicant=person(1))
    assert exc.value.code == "overlap"
    assert Registration.objects.count() == 0


def test_adjacent_sessions_do_not_overlap() -> None:
    programme = ProgrammeFactory()
    a = SessionFactory(programme=programme, start=time(10), end=time(11, 40))
    b = SessionFactory(programme=programme, start=time(11, 40), end=time(12))
    assert len(registrations_create(session_ids=[a.pk, b.pk], applicant=person(1))) == 2


def test_same_email_cannot_hold_two_places_in_one_session_case_insensitive() -> None:
    session = SessionFactory()
    first = register(session, 1)
    again = registrations_create(
        session_ids=[session.pk], applicant=Applicant(name="x", email="P1@Example.JP ")
    )
    assert again == []
    assert session.registrations.count() == 1
    # The owner hears of the attempt (once a day at most), nobody else learns anything.
    attempts = [k for k in keys() if k.startswith(f"trainings:attempt:{first.pk}:")]
    assert len(attempts) == 1
    registrations_create(
        session_ids=[session.pk], applicant=Applicant(name="x", email="p1@example.jp")
    )
    assert len([k for k in keys() if k.startswith(f"trainings:attempt:{first.pk}:")]) == 1


def test_database_refuses_a_second_active_place_for_one_email() -> None:
    session = SessionFactory()
    register(session, 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Registration.objects.create(
            session=session, name="x", email="p1@example.jp", state="confirmed"
        )


def test_database_refuses_more_confirmed_than_capacity() -> None:
    session = SessionFactory(capacity=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Session.objects.filter(pk=session.pk).update(confirmed_count=2)


def test_cancelled_person_can_register_again() -> None:
    session = SessionFactory()
    first = register(session, 1)
    registration_cancel(registration_id=first.pk)
    assert register(session, 1).state == "confirmed"


@pytest.mark.parametrize(
    ("opens", "closes", "code"),
    [(1, 5, "window_before"), (-10, -1, "window_after")],
)
def test_registration_outside_the_window_is_refused(opens: int, closes: int, code: str) -> None:
    today = timezone.localdate()
    programme = ProgrammeFactory(
        application_opens_on=today + timedelta(days=opens),
        application_closes_on=today + timedelta(days=closes),
    )
    session = SessionFactory(programme=programme)
    with pytest.raises(ValidationError) as exc:
        register(session, 1)
    assert exc.value.code == code


def test_window_includes_first_and_last_day() -> None:
    today = timezone.localdate()
    for opens, closes in ((today, today + timedelta(days=3)), (today - timedelta(days=3), today)):
        session = SessionFactory(
            programme=ProgrammeFactory(application_opens_on=opens, application_closes_on=closes)
        )
        assert register(session, session.pk).state == "confirmed"


# Sending runs Celery eagerly, whose signal handlers close a connection inside a test
# transaction on PostgreSQL: these tests commit for real.
@pytest.mark.django_db(transaction=True)
def test_cancel_promotes_first_waitlisted_and_mails_them_once(
    django_capture_on_commit_callbacks: Any,
) -> None:
    session = SessionFactory(capacity=1)
    first, second, third = (register(session, i) for i in range(3))
    with django_capture_on_commit_callbacks(execute=True):
        registration_cancel(registration_id=first.pk)
    second.refresh_from_db()
    third.refresh_from_db()
    assert second.state == "confirmed" and second.promoted_at is not None
    assert third.state == "waitlisted"
    session.refresh_from_db()
    assert session.confirmed_count == 1
    assert f"trainings:promoted:{second.pk}" in keys()
    assert f"trainings:cancelled:{first.pk}" in keys()
    promoted = [m for m in mail.outbox if m.to == ["p1@example.jp"] and "繰り上げ" in m.subject]
    assert len(promoted) == 1
    assert {a[0] for a in promoted[0].attachments} == {"invite.ics", "checkin-qr.png"}


def test_cancelling_a_waitlisted_place_promotes_nobody() -> None:
    session = SessionFactory(capacity=1)
    register(session, 0)
    waiting = register(session, 1)
    registration_cancel(registration_id=waiting.pk)
    assert session.registrations.filter(state="confirmed").count() == 1
    with pytest.raises(ValidationError):
        registration_cancel(registration_id=waiting.pk)


def test_raising_capacity_promotes_as_many_as_fit_in_order() -> None:
    session = SessionFactory(capacity=1)
    made = [register(session, i) for i in range(5)]
    promoted = session_capacity_set(session_id=session.pk, capacity=3)
    assert [r.pk for r in promoted] == [made[1].pk, made[2].pk]
    session.refresh_from_db()
    assert session.confirmed_count == 3
    assert Registration.objects.get(pk=made[3].pk).state == "waitlisted"


def test_capacity_below_confirmed_is_refused() -> None:
    session = SessionFactory(capacity=3)
    for i in range(3):
        register(session, i)
    with pytest.raises(ValidationError):
        session_capacity_set(session_id=session.pk, capacity=2)


# Sending runs Celery eagerly, whose signal handlers close a connection inside a test
# transaction on PostgreSQL: these tests commit for real.
@pytest.mark.django_db(transaction=True)
def test_each_email_is_sent_exactly_once_per_event(
    django_capture_on_commit_callbacks: Any,
) -> None:
    session = SessionFactory(capacity=1)
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = register(session, 0)
        register(session, 1)
    from trainings.services import registration_email

    assert registration_email(registration=confirmed, kind="confirmed") is False
    assert keys().count(f"trainings:confirmed:{confirmed.pk}") == 1
    assert len([m for m in mail.outbox if m.to == ["p0@example.jp"]]) == 1
    assert len(mail.outbox) == 2
    waitlisted_mail = mail.outbox[1]
    assert "キャンセル待ち" in waitlisted_mail.subject
    assert "1番目" in waitlisted_mail.body


# Sending runs Celery eagerly, whose signal handlers close a connection inside a test
# transaction on PostgreSQL: these tests commit for real.
@pytest.mark.django_db(transaction=True)
def test_confirmation_mail_has_ics_with_session_times_and_a_qr_code(
    django_capture_on_commit_callbacks: Any,
) -> None:
    session = SessionFactory(
        date=date(2027, 2, 8), start=time(9, 15), end=time(10), theme="孤独・孤立対策の現状"
    )
    with django_capture_on_commit_callbacks(execute=True):
        registration = register(session, 0)
    message = mail.outbox[0]
    assert "孤独・孤立対策の現状" in message.subject
    assert "/trainings/me/" in message.body
    attachments = {name: (content, mime) for name, content, mime in message.attachments}
    ics, mime = attachments["invite.ics"]
    assert mime == "text/calendar"
    event = Calendar.from_ical(ics).walk("VEVENT")[0]
    assert event.decoded("dtstart") == timezone.make_aware(timezone.datetime(2027, 2, 8, 9, 15))
    assert event.decoded("dtend") == timezone.make_aware(timezone.datetime(2027, 2, 8, 10, 0))
    assert "孤独・孤立対策の現状" in str(event.get("summary"))
    assert "浅野三丁目8-1" in str(event.get("location"))
    assert str(event.get("uid")) == f"registration-{registration.checkin_token}@tsunagaru-pf"
    qr, mime = attachments["checkin-qr.png"]
    assert mime == "image/png" and qr.startswith(b"\x89PNG")


def test_check_in_link_in_the_qr_code_is_the_registrations_own() -> None:
    from trainings.services import checkin_url

    registration = register(SessionFactory(), 0)
    url = checkin_url(registration)
    assert url.endswith(
        f"/trainings/checkin/{registration.session_id}/r/{registration.checkin_token}/"
    )


def test_reminder_goes_out_once_to_confirmed_people_of_tomorrows_sessions() -> None:
    tomorrow = timezone.localdate() + timedelta(days=1)
    programme = ProgrammeFactory(application_closes_on=tomorrow)
    session = SessionFactory(programme=programme, date=tomorrow, capacity=1)
    later = SessionFactory(programme=programme, date=tomorrow + timedelta(days=1))
    register(session, 0)
    register(session, 1)  # waitlisted: no reminder
    register(later, 2)
    assert reminders_send() == 1
    assert reminders_send() == 0
    assert [k for k in keys() if k.startswith("trainings:reminder:")] == [
        f"trainings:reminder:{session.registrations.get(email='p0@example.jp').pk}"
    ]


def test_questionnaire_link_is_sent_after_the_session_once() -> None:
    today = timezone.localdate()
    programme = ProgrammeFactory(
        application_opens_on=today - timedelta(days=9), application_closes_on=today
    )
    session = SessionFactory(programme=programme, date=today, start=time(0, 0), end=time(0, 1))
    registration = register(session, 0)
    assert questionnaires_send() == 1
    assert questionnaires_send() == 0
    assert f"trainings:questionnaire:{registration.pk}" in keys()


def test_questionnaire_one_answer_per_registration() -> None:
    registration = register(SessionFactory(), 0)
    programme = registration.session.programme
    questionnaire_answer_submit(
        registration_id=registration.pk, answers=default_answers(programme, 5, 4, "参加したい")
    )
    with pytest.raises(ValidationError):
        questionnaire_answer_submit(
            registration_id=registration.pk, answers=default_answers(programme, 1, 1, "参加しない")
        )


def test_questionnaire_rejects_out_of_range_scores() -> None:
    registration = register(SessionFactory(), 0)
    with pytest.raises(ValidationError):
        questionnaire_answer_submit(
            registration_id=registration.pk,
            answers=default_answers(registration.session.programme, 6, 4, "参加したい"),
        )


def test_check_in_marks_attended_and_walk_in_respects_capacity() -> None:
    session = SessionFactory(capacity=2)
    r = register(session, 0)
    assert registration_check_in(registration_id=r.pk).state == "attended"
    walk = registration_walk_in(
        session_id=session.pk, applicant=Applicant(name="飛込 一郎", email="")
    )
    assert walk.state == "attended" and walk.source == "walk_in"
    with pytest.raises(ValidationError):
        registration_walk_in(session_id=session.pk, applicant=Applicant(name="飛込 二郎", email=""))
    session.refresh_from_db()
    assert session.confirmed_count == 2


def test_waitlisted_person_at_the_door_gets_a_free_seat_only_if_there_is_one() -> None:
    session = SessionFactory(capacity=1)
    first = register(session, 0)
    waiting = register(session, 1)
    with pytest.raises(ValidationError):
        registration_check_in(registration_id=waiting.pk)
    Session.objects.filter(pk=session.pk).update(capacity=2)
    assert registration_check_in(registration_id=waiting.pk).state == "attended"
    assert first.pk
