"""Access table for the handbook app (see tests/access/__init__.py)."""

from tests.access import public

ENTRIES = {
    "handbook/": public("/handbook/"),
}
