"""Access table for the casestudies app (see tests/access/__init__.py)."""

from tests.access import roles_only

ENTRIES = {
    "casestudies/": roles_only("/casestudies/", "member", "secretariat"),
}
