"""Access table for the members app (see tests/access/__init__.py)."""

from typing import Any

from tests.access import (
    BAD_REQUEST,
    DENIED,
    LOGIN,
    NOT_FOUND,
    OK,
    REDIRECT,
    Access,
    public,
    roles_only,
)
from tests.members.factories import (
    CouncilMeetingFactory,
    OrganisationFactory,
    PersonFactory,
)

MEMBERS = ("member", "secretariat")

ENTRIES = {
    "members/": public("/members/"),
    "members/apply/": public("/members/apply/"),
    "members/apply/done/": public("/members/apply/done/"),
    "members/confirm/<str:token>/": Access(
        "/members/confirm/not-a-signed-token/",
        anonymous=BAD_REQUEST, member=BAD_REQUEST, analyst=BAD_REQUEST, secretariat=BAD_REQUEST,
        note="a tampered link is refused for everyone",
    ),
    "members/directory/": roles_only("/members/directory/", *MEMBERS),
    "members/onboarding/": roles_only("/members/onboarding/", *MEMBERS),
    "members/meetings/": roles_only("/members/meetings/", *MEMBERS),
    "members/meetings/<int:pk>/": roles_only("/members/meetings/{meeting}/", *MEMBERS),
    "members/stale/": roles_only("/members/stale/", "secretariat"),
    "members/org/<int:pk>/": roles_only("/members/org/{org}/", *MEMBERS),
    # The matrix's member belongs to no organisation: editing someone else's is refused.
    "members/org/<int:pk>/edit/": Access(
        "/members/org/{org}/edit/", anonymous=LOGIN, member=DENIED, analyst=DENIED, secretariat=OK
    ),
    "members/org/<int:pk>/people/add/": Access(
        "/members/org/{org}/people/add/", anonymous=LOGIN, member=DENIED, analyst=DENIED,
        secretariat=OK,
    ),
    "members/org/<int:pk>/people/<int:person_pk>/edit/": Access(
        "/members/org/{org}/people/{person}/edit/", anonymous=LOGIN, member=DENIED,
        analyst=DENIED, secretariat=OK,
    ),
    "members/org/<int:pk>/people/<int:person_pk>/delete/": Access(
        "/members/org/{org}/people/{person}/delete/", method="POST", anonymous=LOGIN,
        member=DENIED, analyst=DENIED, secretariat=REDIRECT, note="POST only; GET gives 405",
    ),
    # Issue 16: the council's everyday life
    "members/after-login/": Access(
        "/members/after-login/", anonymous=REDIRECT, member=REDIRECT, analyst=REDIRECT,
        secretariat=REDIRECT, note="sends each role to its landing page",
    ),
    "members/today/": roles_only("/members/today/", "secretariat"),
    "members/invitation/<str:token>/": Access(
        "/members/invitation/not-a-token/", anonymous=NOT_FOUND, member=NOT_FOUND,
        analyst=NOT_FOUND, secretariat=NOT_FOUND, note="an unknown or used link is refused",
    ),
    "members/invitations/": roles_only("/members/invitations/", "secretariat"),
    "members/org/<int:pk>/invite/": Access(
        "/members/org/{org}/invite/", method="POST",
        anonymous=LOGIN, member=DENIED, analyst=DENIED, secretariat=REDIRECT,
    ),
    "members/org/<int:pk>/windows/": Access(
        "/members/org/{org}/windows/", anonymous=LOGIN, member=DENIED, analyst=DENIED,
        secretariat=OK,
    ),
    "members/org/<int:pk>/windows/add/": Access(
        "/members/org/{org}/windows/add/", anonymous=LOGIN, member=DENIED, analyst=DENIED,
        secretariat=OK,
    ),
    "members/org/<int:pk>/windows/<int:service_pk>/edit/": Access(
        "/members/org/{org}/windows/{service}/edit/", anonymous=LOGIN, member=DENIED,
        analyst=DENIED, secretariat=OK,
    ),
    "members/org/<int:pk>/events/new/": Access(
        "/members/org/{org}/events/new/", anonymous=LOGIN, member=DENIED, analyst=DENIED,
        secretariat=OK,
    ),
    "members/windows/confirm/<str:token>/": Access(
        "/members/windows/confirm/not-a-signed-token/", anonymous=BAD_REQUEST,
        member=BAD_REQUEST, analyst=BAD_REQUEST, secretariat=BAD_REQUEST,
    ),
    "members/windows/review/": roles_only("/members/windows/review/", "secretariat"),
    "members/windows/checks/": roles_only("/members/windows/checks/", "secretariat"),
    "members/news/": roles_only("/members/news/", *MEMBERS),
    "members/news/<int:pk>/": roles_only("/members/news/{news}/", *MEMBERS),
    "members/news/file/<int:pk>/": roles_only("/members/news/file/{attachment}/", *MEMBERS),
    "members/polls/<int:pk>/": roles_only("/members/polls/{poll}/", *MEMBERS),
    # The matrix's users are linked to no person: there are no settings of theirs to show.
    "members/me/": Access(
        "/members/me/", anonymous=LOGIN, member=NOT_FOUND, analyst=DENIED, secretariat=NOT_FOUND
    ),
    "members/events/": roles_only("/members/events/", *MEMBERS),
    "members/events/<slug:slug>/": roles_only("/members/events/{event}/", *MEMBERS),
    "members/events/<slug:slug>/decide/": Access(
        "/members/events/{event}/decide/", method="POST", anonymous=LOGIN, member=DENIED,
        analyst=DENIED, secretariat=REDIRECT,
    ),
    "members/meetings/<int:pk>/rsvp/": Access(
        "/members/meetings/{meeting}/rsvp/", method="POST", data={"answer": "attend"},
        anonymous=LOGIN, member=DENIED, analyst=DENIED, secretariat=DENIED,
        note="only a person of a member organisation answers",
    ),
    "members/meetings/<int:pk>/manage/": Access(
        "/members/meetings/{meeting}/manage/", method="POST", data={"action": "attendance"},
        anonymous=LOGIN, member=DENIED, analyst=DENIED, secretariat=REDIRECT,
    ),
}  # fmt: skip


def setup() -> dict[str, Any]:
    from datetime import timedelta

    from django.core.files.base import ContentFile
    from django.utils import timezone

    from members.models import NewsAttachment, NewsPost, Poll
    from tests.handbook.factories import ServiceFactory
    from trainings.models import Programme

    org = OrganisationFactory()
    post = NewsPost.objects.create(title="お知らせ", body="本文", published_at=timezone.now())
    attachment = NewsAttachment(post=post, title="資料")
    attachment.file.save("shiryo.txt", ContentFile(b"shiryo"), save=True)
    today = timezone.localdate()
    event = Programme.objects.create(
        slug="member-event", title="交流会", organiser=org, approval="approved",
        application_opens_on=today, application_closes_on=today + timedelta(days=5),
    )  # fmt: skip
    event.sessions.create(
        date=today + timedelta(days=5), start="10:00", end="12:00", theme="交流会", capacity=10
    )
    return {
        "org": org.pk,
        "person": PersonFactory(organisation=org).pk,
        "meeting": CouncilMeetingFactory().pk,
        "service": ServiceFactory(provider=org).pk,
        "news": post.pk,
        "attachment": attachment.pk,
        "poll": Poll.objects.create(question="？", closes_at=timezone.now() + timedelta(1)).pk,
        "event": event.slug,
    }
