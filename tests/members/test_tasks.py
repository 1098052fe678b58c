import re
from datetime import timedelta
from typing import Any

import pytest
from django.core import signing
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from members.models import Organisation, Person
from members.services import freshness_token_make
from members.tasks import members_freshness_check

from .conftest import deliver_outbox
from .factories import OrganisationFactory, PersonFactory

pytestmark = pytest.mark.django_db

LINK = re.compile(r"http://[^\s]+/members/confirm/([^/\s]+)/")


def _stale(days: int = 200, **kwargs: Any) -> Organisation:
    org = OrganisationFactory(last_confirmed_at=timezone.now() - timedelta(days=days), **kwargs)
    PersonFactory(organisation=org, is_contact=True, email=f"contact-{org.pk}@example.jp")
    PersonFactory(organisation=org, is_contact=False, email=f"other-{org.pk}@example.jp")
    return org


def test_one_email_per_stale_organisation_even_when_run_twice(
    mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    stale = [_stale(), _stale(days=400)]
    fresh = _stale(days=10)
    _stale(status=Organisation.Status.FORMER)
    no_contact = OrganisationFactory(last_confirmed_at=timezone.now() - timedelta(days=300))

    with django_capture_on_commit_callbacks() as callbacks:
        result = members_freshness_check()
    assert result == {"stale": 3, "sent": 2, "without_contact": 1, "windows_sent": 0}
    assert len(callbacks) == 2
    assert deliver_outbox() == 2
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        f"contact-{o.pk}@example.jp" for o in stale
    )
    assert all(len(m.to) == 1 for m in mailoutbox)
    with django_capture_on_commit_callbacks() as callbacks:
        assert members_freshness_check()["sent"] == 0
    assert callbacks == [] and deliver_outbox() == 0
    assert len(mailoutbox) == 2
    assert fresh.pk and no_contact.pk


@override_settings(MEMBERS_FRESHNESS_DAYS=5)
def test_the_age_is_a_setting(mailoutbox: list[Any]) -> None:
    _stale(days=10)
    assert members_freshness_check()["sent"] == 1
    with override_settings(MEMBERS_FRESHNESS_DAYS=30):
        _stale(days=10)
        assert members_freshness_check()["stale"] == 0


def test_signed_link_confirms_the_listing_and_tampering_fails(
    client: Any, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    org = _stale()
    with django_capture_on_commit_callbacks() as callbacks:
        members_freshness_check()
    assert len(callbacks) == 1 and deliver_outbox() == 1
    token = LINK.search(mailoutbox[0].body).group(1)  # type: ignore[union-attr]
    url = reverse("members:freshness-confirm", args=[token])
    response = client.get(url)
    assert response.status_code == 200 and org.name in response.content.decode()
    # Tampered: another organisation's pk with the same signature.
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    response = client.post(reverse("members:freshness-confirm", args=[tampered]))
    assert response.status_code == 400
    org.refresh_from_db()
    assert org.last_confirmed_at < timezone.now() - timedelta(days=100)
    # The real link confirms the organisation and its people.
    assert client.post(url).status_code == 302
    org.refresh_from_db()
    assert org.last_confirmed_at > timezone.now() - timedelta(minutes=1)
    assert all(
        p.last_confirmed_at > timezone.now() - timedelta(minutes=1)
        for p in Person.objects.filter(organisation=org)
    )
    # Confirmed: no further reminder.
    assert members_freshness_check()["stale"] == 0


def test_link_for_another_organisation_cannot_be_forged(client: Any) -> None:
    org = _stale()
    forged = signing.dumps({"o": org.pk}, salt="another-salt", compress=True)
    assert client.get(reverse("members:freshness-confirm", args=[forged])).status_code == 400


def test_expired_link_fails(client: Any) -> None:
    org = _stale()
    with freeze_time(timezone.now() - timedelta(days=31)):
        token = freshness_token_make(organisation=org)
    response = client.get(reverse("members:freshness-confirm", args=[token]))
    assert response.status_code == 400
    assert "有効期限" in response.content.decode()


def test_stale_list_for_the_secretariat(secretariat_client: Any) -> None:
    org = _stale()
    html = secretariat_client.get(reverse("members:organisation-stale")).content.decode()
    assert org.name in html
    admin = reverse("admin:members_organisation_changelist") + "?freshness=stale"
    html = secretariat_client.get(admin).content.decode()
    assert org.name in html


def test_beat_schedule_runs_the_freshness_check() -> None:
    from django.conf import settings

    entry = settings.CELERY_BEAT_SCHEDULE["members-freshness-check"]
    assert entry["task"] == "members.tasks.members_freshness_check"


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("reference_data")
def test_approval_email_is_sent_by_the_real_worker(real_worker: int) -> None:
    import time

    from kitakyushu_pf.models import OutboxEmail
    from members.models import FieldOfSupport
    from members.services import application_approve, application_submit

    application = application_submit(
        data={
            "organisation_name": "NPO法人ワーカー確認",
            "organisation_kana": "ワーカーカクニン",
            "kind": "npo",
            "description": "説明",
            "motivation": "動機",
            "contact_name": "確認 太郎",
            "contact_kana": "カクニン タロウ",
            "contact_email": "worker-check@example.jp",
        },
        fields=FieldOfSupport.objects.filter(slug="housing"),
    )
    application_approve(application=application, reviewer=None)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if OutboxEmail.objects.filter(sent_at__isnull=False).count() == 2:
            break
        time.sleep(0.3)
    sent = OutboxEmail.objects.filter(sent_at__isnull=False).values_list("key", flat=True)
    assert sorted(sent) == [
        f"members:application-approved:{application.pk}",
        f"members:application-received:{application.pk}",
    ]
