"""Access table for the casestudies app (see tests/access/__init__.py)."""

from typing import Any

from tests.access import roles_only

ENTRIES = {
    "casestudies/": roles_only("/casestudies/", "member", "secretariat"),
    "casestudies/<int:pk>/": roles_only("/casestudies/{casestudy}/", "member", "secretariat"),
    "casestudies/new/": roles_only("/casestudies/new/", "secretariat"),
    "casestudies/<int:pk>/edit/": roles_only("/casestudies/{casestudy}/edit/", "secretariat"),
    "casestudies/reads/": roles_only("/casestudies/reads/", "secretariat"),
    "casestudies/<int:pk>/reads/": roles_only("/casestudies/{casestudy}/reads/", "secretariat"),
}


def setup() -> dict[str, Any]:
    from tests.casestudies.factories import CaseStudyFactory

    return {"casestudy": CaseStudyFactory().pk}
