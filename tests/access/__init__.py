"""The access-control matrix: who may open which URL, declared per app and checked for every URL.

Each app declares its URLs in ``tests/<app>/access.py``::

    from tests.access import DENIED, LOGIN, OK, Access

    ENTRIES = {
        # key: the URL pattern's full route, exactly as the failure message prints it
        "members/org/<int:pk>/": Access(
            "/members/org/{org_a}/", anonymous=OK, member=OK, analyst=OK, secretariat=OK
        ),
    }

    def setup() -> dict[str, object]:  # optional: objects the URLs need, as format values
        return {"org_a": OrganisationFactory().pk}

The expected outcome for each role is one of the classes below. The foundation's own URLs
(``kitakyushu_pf``, Django's auth and i18n views) are declared in ``tests/portal/access.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

OK = "ok"  # 2xx
LOGIN = "login"  # redirect to the login page (the portal's or the admin's)
REDIRECT = "redirect"  # any other redirect
DENIED = "denied"  # 403
NOT_FOUND = "not-found"  # 404
NOT_ALLOWED = "not-allowed"  # 405
BAD_REQUEST = "bad-request"  # 400 (e.g. a tampered signed link)
OUTCOMES = {OK, LOGIN, REDIRECT, DENIED, NOT_FOUND, NOT_ALLOWED, BAD_REQUEST}

ROLES = ("anonymous", "member", "analyst", "secretariat")


@dataclass(frozen=True)
class Access:
    """One URL pattern: a concrete URL to request and the expected outcome per role."""

    url: str
    anonymous: str
    member: str
    analyst: str
    secretariat: str
    method: str = "GET"
    data: dict[str, Any] = field(default_factory=dict)
    note: str = ""

    def __post_init__(self) -> None:
        for role in ROLES:
            if getattr(self, role) not in OUTCOMES:
                raise ValueError(f"{self.url}: unknown outcome {getattr(self, role)!r} for {role}")

    def expected(self) -> dict[str, str]:
        return {role: getattr(self, role) for role in ROLES}


def public(url: str, **kwargs: Any) -> Access:
    return Access(url, anonymous=OK, member=OK, analyst=OK, secretariat=OK, **kwargs)


def signed_in(url: str, **kwargs: Any) -> Access:
    return Access(url, anonymous=LOGIN, member=OK, analyst=OK, secretariat=OK, **kwargs)


def roles_only(url: str, *roles: str, **kwargs: Any) -> Access:
    """Only the given roles (and nobody anonymous) may open it; other signed-in users get 403."""
    outcomes = {role: (OK if role in roles else DENIED) for role in ROLES[1:]}
    return Access(url, anonymous=LOGIN, **outcomes, **kwargs)
