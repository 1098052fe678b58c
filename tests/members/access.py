"""Access table for the members app (see tests/access/__init__.py)."""

from typing import Any

from tests.access import BAD_REQUEST, DENIED, LOGIN, OK, REDIRECT, Access, public, roles_only
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
}  # fmt: skip


def setup() -> dict[str, Any]:
    org = OrganisationFactory()
    return {
        "org": org.pk,
        "person": PersonFactory(organisation=org).pk,
        "meeting": CouncilMeetingFactory().pk,
    }
