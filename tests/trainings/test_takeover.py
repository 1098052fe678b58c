"""A stranger who registers with someone else's address must never see or get anything of theirs.

Two clients: the victim registered earlier (and holds a link from their own mailbox); the
stranger registers any open lecture typing the victim's address. Nothing the stranger's browser
receives may carry the victim's places, their online meeting URL or a way to manage them.
"""

import re
from datetime import time
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from trainings.models import Registration
from trainings.services import Applicant, registrations_create

from .factories import ProgrammeFactory, SessionFactory

pytestmark = pytest.mark.django_db

VICTIM = "victim@example.jp"


def _all_text(response: Any, client: Client) -> str:
    """The stranger's whole view: every page of the redirect chain, every link followed once."""
    seen = [response.content.decode()]
    for _status in range(5):
        if response.status_code not in (301, 302, 303):
            break
        response = client.get(response["Location"])
        seen.append(response.content.decode())
    return "\n".join(seen)


def test_registering_with_someone_elses_address_shows_nothing_of_theirs(
    django_capture_on_commit_callbacks: Any,
) -> None:
    victim_programme = ProgrammeFactory(title="傾聴と対話の研修")
    victim_session = SessionFactory(
        programme=victim_programme,
        theme="ひきこもり支援の実際",
        format="online",
        online_url="https://meet.example.jp/secret-room-123",
        start=time(9),
        end=time(10),
    )
    with django_capture_on_commit_callbacks(execute=True):
        victim_place = registrations_create(
            session_ids=[victim_session.pk], applicant=Applicant(name="被害 花子", email=VICTIM)
        )[0]
    # The victim's own mailbox holds the only way in.
    victim_mails = [m for m in mail.outbox if VICTIM in m.to]
    mail.outbox.clear()

    other = SessionFactory(
        programme=ProgrammeFactory(), theme="別の講座", start=time(13), end=time(14)
    )
    stranger = Client()
    with django_capture_on_commit_callbacks(execute=True):
        response = stranger.post(
            reverse("trainings:programme-register", args=[other.programme.slug]),
            {"sessions": [other.pk], "name": "他人", "email": VICTIM.upper()},
        )
    assert response.status_code in (200, 302)
    seen = _all_text(response, stranger)
    assert "secret-room-123" not in seen
    assert "ひきこもり支援の実際" not in seen
    assert "被害 花子" not in seen
    assert "/trainings/me/" not in seen
    # Every link the stranger's pages offer, followed: none of them leads to the victim's place.
    for href in set(re.findall(r'href="(/trainings/[^"]+)"', seen)):
        page = stranger.get(href).content.decode()
        assert "secret-room-123" not in page and "ひきこもり支援の実際" not in page
    victim_place.refresh_from_db()
    assert victim_place.state == Registration.State.CONFIRMED
    # The link went to the mailbox only, not to the stranger.
    assert victim_mails and any("/trainings/me/" in m.body for m in victim_mails)


def test_a_mailed_link_opens_only_its_programme_and_a_guess_opens_nothing(
    django_capture_on_commit_callbacks: Any,
) -> None:
    programme_a = ProgrammeFactory()
    programme_b = ProgrammeFactory()
    a = SessionFactory(programme=programme_a, theme="講座A")
    b = SessionFactory(programme=programme_b, theme="講座B")
    for session in (a, b):
        with django_capture_on_commit_callbacks(execute=True):
            registrations_create(
                session_ids=[session.pk], applicant=Applicant(name="本人", email=VICTIM)
            )
    link_a = next(
        re.search(r"(/trainings/me/[^\s/]+/)", m.body).group(1)  # type: ignore[union-attr]
        for m in mail.outbox
        if "講座A" in m.body and "/trainings/me/" in m.body
    )
    assert VICTIM not in link_a and "dmljdGlt" not in link_a  # no address, not even in base64
    page = Client().get(link_a).content.decode()
    assert "講座A" in page and "講座B" not in page
    guess = Client().get("/trainings/me/" + "A" * 43 + "/")
    assert guess.status_code == 404


@pytest.mark.parametrize("value", ["abc", "", "1.5", "²"])
def test_a_malformed_place_number_on_the_personal_page_is_a_404_not_a_500(value: str) -> None:
    from trainings import links

    session = SessionFactory()
    registrations_create(session_ids=[session.pk], applicant=Applicant(name="本人", email=VICTIM))
    link = links.me_link_ensure(email=VICTIM, programme=session.programme)
    url = reverse("trainings:me", args=[links.link_token(link)])
    response = Client(raise_request_exception=False).post(
        url, {"registration": value, "confirm": "1"}
    )
    assert response.status_code == 404
