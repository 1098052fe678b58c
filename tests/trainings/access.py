"""Access table for the trainings app (see tests/access/__init__.py)."""

from tests.access import public

ENTRIES = {
    "trainings/": public("/trainings/"),
}
