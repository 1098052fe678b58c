"""Access table for the members app (see tests/access/__init__.py)."""

from tests.access import public

ENTRIES = {
    "members/": public("/members/"),
    "members/org/<int:pk>/": public("/members/org/1/"),
}
