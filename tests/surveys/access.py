"""Access table for the surveys app (see tests/access/__init__.py)."""

from tests.access import roles_only

ENTRIES = {
    "surveys/": roles_only("/surveys/", "analyst", "secretariat"),
}
