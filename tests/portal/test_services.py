from typing import Any
from unittest import mock

import pytest

from kitakyushu_pf.models import OutboxEmail
from kitakyushu_pf.services import (
    Attachment,
    email_enqueue,
    email_render,
    email_send,
    outbox_pending_ids,
)
from kitakyushu_pf.tasks import outbox_relay


@pytest.mark.django_db(transaction=True)
def test_email_is_sent_once_per_event_key(mailoutbox: list[Any]) -> None:
    first = email_enqueue(
        key="registration:1:confirmed",
        to=["a@example.jp"],
        subject="受付完了",
        body="本文",
        attachments=[Attachment("event.ics", b"BEGIN:VCALENDAR", "text/calendar")],
    )
    again = email_enqueue(
        key="registration:1:confirmed", to=["a@example.jp"], subject="x", body="y"
    )
    assert first is not None and again is None
    assert len(mailoutbox) == 1
    assert mailoutbox[0].subject == "受付完了"
    assert mailoutbox[0].attachments[0][0] == "event.ics"
    first.refresh_from_db()
    assert first.sent_at is not None
    # The task running again (a redelivered message) sends nothing more.
    assert email_send(email_id=first.pk) is False
    assert len(mailoutbox) == 1


@pytest.mark.django_db(transaction=True)
def test_broker_outage_keeps_the_email_for_the_relay(mailoutbox: list[Any]) -> None:
    from kombu.exceptions import OperationalError

    with mock.patch("kitakyushu_pf.tasks.outbox_send.delay", side_effect=OperationalError("down")):
        email = email_enqueue(key="k:2", to=["b@example.jp"], subject="s", body="b")
    assert email is not None
    assert mailoutbox == []
    assert OutboxEmail.objects.get(pk=email.pk).sent_at is None
    assert email.pk in outbox_pending_ids(older_than_seconds=0)
    outbox_relay(older_than_seconds=0)  # the broker is back: the periodic relay sends it
    assert len(mailoutbox) == 1


@pytest.mark.django_db
def test_failed_send_is_recorded_and_retried(mailoutbox: list[Any]) -> None:
    email = OutboxEmail.objects.create(key="k:3", to=["c@example.jp"], subject="s", body="b")
    with (
        mock.patch(
            "django.core.mail.backends.locmem.EmailBackend.send_messages",
            side_effect=ConnectionError("smtp down"),
        ),
        pytest.raises(ConnectionError),
    ):
        email_send(email_id=email.pk)
    email.refresh_from_db()
    assert email.attempts == 1 and "smtp down" in email.last_error and email.sent_at is None
    assert email_send(email_id=email.pk) is True
    assert len(mailoutbox) == 1


@pytest.mark.django_db
def test_email_compose_opens_with_the_city_text_in_the_recipients_language(tmp_path, settings):
    from kitakyushu_pf.services import email_compose, email_key, portal_url

    settings.PORTAL_BASE_URL = "https://tsunagaru.example.jp/"
    assert portal_url("/trainings/") == "https://tsunagaru.example.jp/trainings/"
    assert email_key("trainings", "confirmed", 42) == "trainings:confirmed:42"
    email = email_compose(
        template="portal/email/_opening.txt",
        context={},
        to=["a@example.jp"],
        key=email_key("test", "opening", 1),
        subject="件名",
    )
    assert email is not None
    assert email.body.startswith("このメールは、北九州市孤独・孤立対策等連携協議会")
    english = email_compose(
        template="portal/email/_opening.txt",
        context={},
        to=["a@example.jp"],
        key=email_key("test", "opening", 2),
        subject="subject",
        language="en",
    )
    assert english is not None and english.body.startswith("This e-mail is sent by")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "opening"),
    [("ja", "このメールは、北九州市孤独・孤立対策等連携協議会"), ("en", "This e-mail is sent by")],
)
def test_the_citys_opening_stands_once_at_the_top(language: str, opening: str) -> None:
    _subject, body = email_render(
        template="members/email/meeting_minutes.txt",
        context={"meeting": {"title": "第1回"}, "link": "https://tsunagaru.example.jp/m/1/"},
        subject="s",
        language=language,
    )
    assert body.startswith(opening) and body.count(opening) == 1


# --- A rush of reserved e-mails shares one broker message (outbox_dispatch_on_commit) ---------


def _rendered(email: OutboxEmail) -> Any:
    from kitakyushu_pf.services import RenderedEmail

    return RenderedEmail(subject=f"件名 {email.key}", body="本文")


@pytest.fixture
def broker(settings: Any) -> Any:
    """A real broker as far as the dispatch can tell: not eager, publishing recorded."""
    from kitakyushu_pf import services
    from kitakyushu_pf.celery import app
    from kitakyushu_pf.services import _RENDERERS

    settings.PORTAL_OUTBOX_BATCH_SECONDS = 1.0
    services._drain_window_ends[0] = 0.0
    app.conf.task_always_eager = False
    _RENDERERS["rush"] = _rendered
    with (
        mock.patch("kitakyushu_pf.tasks.outbox_send.delay") as send,
        mock.patch("kitakyushu_pf.tasks.outbox_drain.apply_async") as drain,
    ):
        yield mock.Mock(send=send, drain=drain)
    app.conf.task_always_eager = True
    del _RENDERERS["rush"]


@pytest.mark.django_db
def test_a_rush_of_reserved_emails_publishes_one_drain(
    broker: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from kitakyushu_pf.services import email_reserve

    for i in range(5):
        with django_capture_on_commit_callbacks(execute=True):
            email_reserve(key=f"rush:confirmed:{i}", to=[f"p{i}@example.jp"], new_event=True)
    assert broker.send.call_count == 0
    assert broker.drain.call_count == 1
    assert broker.drain.call_args.kwargs["countdown"] >= 1.0  # after the flag has expired


@pytest.mark.django_db
def test_the_drain_sends_every_fresh_email_once(mailoutbox: list[Any]) -> None:
    from kitakyushu_pf.services import _RENDERERS, email_reserve
    from kitakyushu_pf.tasks import outbox_drain

    _RENDERERS["rush"] = _rendered
    try:
        with mock.patch("kitakyushu_pf.tasks.outbox_send.delay"):
            for i in range(3):
                email_reserve(key=f"rush:confirmed:{i}", to=[f"p{i}@example.jp"], new_event=True)
        old = OutboxEmail.objects.create(key="rush:old:1", to=["o@example.jp"], body="b")
        OutboxEmail.objects.filter(pk=old.pk).update(attempts=2)  # retried by its own task
        assert outbox_drain() == 3
        assert sorted(m.to[0] for m in mailoutbox) == [
            "p0@example.jp",
            "p1@example.jp",
            "p2@example.jp",
        ]
        # A second drain close behind (its flag came just after) sends nothing twice.
        assert outbox_drain() == 0
        assert len(mailoutbox) == 3
    finally:
        del _RENDERERS["rush"]


@pytest.mark.django_db
def test_a_new_window_publishes_a_new_drain_and_a_window_of_0_does_not_batch(
    broker: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from kitakyushu_pf import services
    from kitakyushu_pf.services import email_reserve

    with django_capture_on_commit_callbacks(execute=True):
        email_reserve(key="rush:confirmed:1", to=["a@example.jp"], new_event=True)
    services._drain_window_ends[0] = 0.0  # the window has passed
    with django_capture_on_commit_callbacks(execute=True):
        email_reserve(key="rush:confirmed:2", to=["b@example.jp"], new_event=True)
    assert broker.drain.call_count == 2 and broker.send.call_count == 0
    settings.PORTAL_OUTBOX_BATCH_SECONDS = 0
    with django_capture_on_commit_callbacks(execute=True):
        email_reserve(key="rush:confirmed:3", to=["c@example.jp"], new_event=True)
    assert broker.send.call_count == 1 and broker.drain.call_count == 2


@pytest.mark.django_db
def test_a_drain_that_could_not_be_published_leaves_the_window_closed(
    broker: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from kombu.exceptions import OperationalError

    from kitakyushu_pf.services import email_reserve

    broker.drain.side_effect = OperationalError("broker down")
    with django_capture_on_commit_callbacks(execute=True):
        email_reserve(key="rush:confirmed:1", to=["a@example.jp"], new_event=True)
    broker.drain.side_effect = None
    with django_capture_on_commit_callbacks(execute=True):
        email_reserve(key="rush:confirmed:2", to=["b@example.jp"], new_event=True)
    assert broker.drain.call_count == 2  # the second e-mail tried again
