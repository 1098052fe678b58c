"""Seats held pending e-mail confirmation (a per-programme option, off by default).

With the option on, a registration from the web takes its seat at once (a full lecture never
takes one person more) but only as a hold: the e-mail carries a confirmation link, and a hold not
confirmed in time is released by a periodic job, which moves the next waiting person up.
"""

import re
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kitakyushu_pf.models import OutboxEmail
from trainings import tasks
from trainings.models import Programme, Registration, Session
from trainings.services import (
    Applicant,
    holds_release,
    registration_cancel,
    registration_check_in,
    registrations_create,
)

from .factories import ProgrammeFactory, SessionFactory

pytestmark = pytest.mark.django_db

CONFIRM_LINK = re.compile(r"https?://[^\s]+/trainings/confirm/[^\s/]+/")


def held_session(capacity: int = 2, hours: int = 24, **extra: Any) -> Session:
    return SessionFactory(
        programme=ProgrammeFactory(confirmation_hold_hours=hours), capacity=capacity, **extra
    )


def register(session: Session, email: str, name: str = "見本 花子") -> Registration:
    return registrations_create(
        session_ids=[session.pk],
        applicant=Applicant(name=name, email=email),
        enforce_cutoff=False,  # some tests place people in lectures already held
    )[0]


def mailed(capture: Any, session: Session, email: str) -> Registration:
    with capture(execute=True):
        return register(session, email)


def confirm_link_in(address: str) -> str:
    bodies = [m.body for m in mail.outbox if address in m.to]
    found = [m.group(0) for body in bodies if (m := CONFIRM_LINK.search(body))]
    assert found, bodies
    return found[-1].removeprefix(settings.PORTAL_BASE_URL.rstrip("/"))


def expire(registration: Registration) -> None:
    past = timezone.now() - timedelta(minutes=1)
    Registration.objects.filter(pk=registration.pk).update(hold_expires_at=past)
    registration.access_links.update(expires_at=past)


def keys() -> list[str]:
    return sorted(OutboxEmail.objects.values_list("key", flat=True))


# --- Off by default ------------------------------------------------------------------------


def test_holds_are_off_by_default_and_a_place_is_confirmed_at_once(
    django_capture_on_commit_callbacks: Any,
) -> None:
    programme = ProgrammeFactory()
    assert programme.confirmation_hold_hours == 0
    session = SessionFactory(programme=programme, capacity=1)
    first = mailed(django_capture_on_commit_callbacks, session, "a@example.jp")
    second = register(session, "b@example.jp")
    assert (first.state, second.state) == ("confirmed", "waitlisted")
    assert first.hold_expires_at is None
    assert keys() == [f"trainings:confirmed:{first.pk}", f"trainings:waitlisted:{second.pk}"]
    assert not CONFIRM_LINK.search(mail.outbox[0].body)
    assert len(mail.outbox[0].attachments) == 2  # invite.ics and the reception QR code


# --- Capacity ------------------------------------------------------------------------------


def test_a_held_seat_counts_against_capacity() -> None:
    session = held_session(capacity=2, hours=24)
    made = [register(session, f"p{i}@example.jp") for i in range(3)]
    assert [r.state for r in made] == ["pending", "pending", "waitlisted"]
    soon = timezone.now() + timedelta(hours=24)
    assert abs((made[0].hold_expires_at - soon).total_seconds()) < 60
    session.refresh_from_db()
    assert session.confirmed_count == 2 and session.is_full
    assert [k.split(":")[1] for k in keys()] == ["pending", "pending", "waitlisted"]


def test_counts_page_and_export_show_holds_apart(secretariat_client: Client) -> None:
    session = held_session(capacity=3)
    register(session, "held@example.jp")
    firm = register(session, "firm@example.jp")
    Registration.objects.filter(pk=firm.pk).update(state="confirmed")
    slug = session.programme.slug
    page = secretariat_client.get(reverse("trainings:programme-manage", args=[slug]))
    row = page.context["counts"].sessions[0]
    assert (row.pending, row.registered) == (1, 1)
    assert "仮押さえ（確認待ち）" in page.content.decode()
    body = secretariat_client.get(reverse("trainings:programme-attendees", args=[slug, "csv"]))
    text = body.content.decode("utf-8-sig")
    assert "仮押さえ（確認待ち）" in text and "受講確定" in text


# --- The result page and the e-mail --------------------------------------------------------


def test_the_result_page_says_a_confirmation_mail_was_sent_whatever_the_address(
    django_capture_on_commit_callbacks: Any,
) -> None:
    session = held_session(capacity=1, hours=6)
    url = reverse("trainings:programme-register", args=[session.programme.slug])
    pages = []
    for email in ("new@example.jp", "new@example.jp", "other@example.jp"):  # seat, again, full
        with django_capture_on_commit_callbacks(execute=True):
            response = Client().post(
                url, {"sessions": [session.pk], "name": "見本 次郎", "email": email}, follow=True
            )
        body = response.content.decode()
        body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body)
        # The result page's own address carries a signed, timestamped token naming the sessions
        # (nothing about the person): two posts a second apart get different tokens.
        pages.append(re.sub(r"/done/[^/\s\"]+/", "/done/TOKEN/", body))
    assert "確認メール" in pages[0] and "6時間" in pages[0]
    assert pages[0] == pages[1] == pages[2]
    assert "/trainings/confirm/" not in pages[0]
    held = Registration.objects.get(email="new@example.jp")
    assert held.state == "pending"
    message = next(m for m in mail.outbox if "new@example.jp" in m.to)
    assert CONFIRM_LINK.search(message.body)
    assert "仮押さえ" in message.subject
    assert message.attachments == []  # the calendar file and QR code come once confirmed


# --- Confirming ----------------------------------------------------------------------------


def test_the_confirm_link_confirms_the_place_once(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    session = held_session()
    held = mailed(django_capture_on_commit_callbacks, session, "me@example.jp")
    link = confirm_link_in("me@example.jp")
    page = client.get(link)  # a mail scanner opening the link confirms nothing
    assert page.status_code == 200 and session.theme in page.content.decode()
    held.refresh_from_db()
    assert held.state == "pending"
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(link, follow=True)
    assert "受講が確定しました" in done.content.decode()
    held.refresh_from_db()
    assert held.state == "confirmed" and held.confirmed_by_email_at is not None
    [confirmation] = mail.outbox
    assert "受講が確定しました" in confirmation.subject
    assert {a[0] for a in confirmation.attachments} == {"invite.ics", "checkin-qr.png"}
    session.refresh_from_db()
    assert session.confirmed_count == 1
    again = client.post(link, follow=True)
    assert "このリンクはすでに使われています" in again.content.decode()
    assert len(mail.outbox) == 1
    assert Registration.objects.get(pk=held.pk).state == "confirmed"


def test_an_expired_confirm_link_is_refused_with_a_clear_message(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    session = held_session()
    held = mailed(django_capture_on_commit_callbacks, session, "late@example.jp")
    link = confirm_link_in("late@example.jp")
    expire(held)
    for response in (client.get(link), client.post(link, follow=True)):
        body = response.content.decode()
        assert "確認の期限" in body and "過ぎました" in body
        assert "もう一度お申し込みください" in body
    held.refresh_from_db()
    assert held.state == "pending"


def test_a_stranger_without_the_mail_cannot_confirm(
    django_capture_on_commit_callbacks: Any,
) -> None:
    victim = "victim@example.jp"
    session = held_session(capacity=5)
    stranger = Client()
    with django_capture_on_commit_callbacks(execute=True):
        response = stranger.post(
            reverse("trainings:programme-register", args=[session.programme.slug]),
            {"sessions": [session.pk], "name": "他人", "email": victim},
            follow=True,
        )
    seen = response.content.decode()
    assert "/trainings/confirm/" not in seen
    for href in set(re.findall(r'href="(/trainings/[^"]+)"', seen)):
        assert "/trainings/confirm/" not in stranger.get(href).content.decode()
    real = confirm_link_in(victim).split("/")[-2]
    near = real[:-1] + ("B" if real.endswith("A") else "A")  # one character off, never the token
    for guess in ("A" * 43, "x", near):
        answer = stranger.post(f"/trainings/confirm/{guess}/")
        assert answer.status_code == 404
    held = Registration.objects.get(email=victim)
    assert held.state == "pending"
    # The owner of the mailbox can.
    owner = Client()
    owner.post(confirm_link_in(victim))
    held.refresh_from_db()
    assert held.state == "confirmed"


# --- Releasing -----------------------------------------------------------------------------


def test_an_unconfirmed_hold_is_released_and_the_next_waiting_person_moves_up(
    django_capture_on_commit_callbacks: Any,
) -> None:
    session = held_session(capacity=1, hours=2)
    held = mailed(django_capture_on_commit_callbacks, session, "first@example.jp")
    waiting = register(session, "second@example.jp")
    assert waiting.state == "waitlisted"
    assert holds_release() == 0  # not due yet
    first_link = confirm_link_in("first@example.jp")
    expire(held)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert holds_release() == 1
    held.refresh_from_db()
    waiting.refresh_from_db()
    assert held.state == "cancelled"
    # The seat moves on as a new hold: the next person confirms it from their mailbox too.
    assert waiting.state == "pending" and waiting.promoted_at is not None
    session.refresh_from_db()
    assert session.confirmed_count == 1
    [promoted] = mail.outbox
    assert promoted.to == ["second@example.jp"] and CONFIRM_LINK.search(promoted.body)
    assert holds_release() == 0  # idempotent
    Client().post(confirm_link_in("second@example.jp"))
    waiting.refresh_from_db()
    assert waiting.state == "confirmed"
    # The released person's old link no longer confirms anything.
    response = Client().post(first_link, follow=True)
    assert "確認の期限" in response.content.decode()


def test_a_hold_released_after_the_cut_off_moves_nobody_up() -> None:
    session = held_session(capacity=1, date=timezone.localdate())
    Programme.objects.filter(pk=session.programme_id).update(cancel_cutoff_minutes=24 * 60)
    held = register(session, "first@example.jp")
    waiting = register(session, "second@example.jp")
    expire(held)
    assert holds_release() == 1
    waiting.refresh_from_db()
    assert waiting.state == "waitlisted"
    assert not any(k.startswith("trainings:promoted:") for k in keys())
    session.refresh_from_db()
    assert session.confirmed_count == 0


def test_the_release_job_is_on_the_beat_schedule_and_runs_the_service() -> None:
    schedule = {e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "trainings.tasks.holds_release" in schedule
    held = register(held_session(), "p@example.jp")
    expire(held)
    assert tasks.holds_release() == 1
    assert tasks.holds_release() == 0


# --- Other paths ---------------------------------------------------------------------------


def test_a_cancelled_hold_frees_its_seat_and_a_held_person_can_check_in() -> None:
    session = held_session(capacity=1)
    held = register(session, "first@example.jp")
    waiting = register(session, "second@example.jp")
    registration_cancel(registration_id=held.pk)
    waiting.refresh_from_db()
    assert waiting.state == "pending"
    assert registration_check_in(registration_id=waiting.pk).state == "attended"
    session.refresh_from_db()
    assert session.confirmed_count == 1


def test_the_me_page_shows_a_hold_as_awaiting_confirmation(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    session = held_session()
    mailed(django_capture_on_commit_callbacks, session, "me@example.jp")
    body = next(m.body for m in mail.outbox if "me@example.jp" in m.to)
    me = re.search(r"/trainings/me/[^\s/]+/", body).group(0)  # type: ignore[union-attr]
    page = client.get(me).content.decode()
    assert "仮押さえ（確認待ち）" in page and "キャンセルする" in page


def test_a_hold_can_also_be_confirmed_from_my_registrations(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    """Whoever lost the confirmation e-mail gets the "my registrations" link again (resend, or
    the notice of a second registration) and confirms there: that link too is only mailed."""
    session = held_session()
    held = mailed(django_capture_on_commit_callbacks, session, "me@example.jp")
    body = next(m.body for m in mail.outbox if "me@example.jp" in m.to)
    me = re.search(r"/trainings/me/[^\s/]+/", body).group(0)  # type: ignore[union-attr]
    page = client.post(me, {"registration": held.pk, "action": "hold-confirm"}, follow=True)
    held.refresh_from_db()
    assert held.state == "confirmed"
    assert "受講が確定しました" in page.content.decode()


def test_the_expiry_message_gives_the_time_in_the_readers_language() -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from django.utils import translation

    from trainings.services import hold_expired_error

    registration = Registration(
        hold_expires_at=datetime(2027, 1, 20, 14, 5, tzinfo=ZoneInfo("Asia/Tokyo"))
    )
    with translation.override("ja"):
        assert "2027年1月20日 14:05" in " ".join(hold_expired_error(registration).messages)
    with translation.override("en"):
        text = " ".join(hold_expired_error(registration).messages)
    assert "年" not in text and "2027" in text and "14:05" in text, text
