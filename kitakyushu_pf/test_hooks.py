"""Test-only switches, in one place and never inside production logic.

Production code calls these tiny functions at the points where a test needs to widen a race
window or remove a safeguard to prove it matters. Each switch is a setting that defaults off;
``settings.py`` refuses to start in production when any of them is on.
"""

import time

from django.conf import settings

# --- trainings --------------------------------------------------------------------------------
# TRAININGS_TEST_DISABLE_LOCKING: the session row lock is not taken and seats are counted by
#   a plain count-then-insert (the race the lock exists to prevent).
# TRAININGS_TEST_SLEEP_AFTER_CAPACITY_CHECK: seconds to sleep between counting the seats and
#   inserting, so that concurrent requests interleave.


def trainings_locking_disabled() -> bool:
    return bool(getattr(settings, "TRAININGS_TEST_DISABLE_LOCKING", False))


def trainings_after_capacity_check() -> None:
    seconds = float(getattr(settings, "TRAININGS_TEST_SLEEP_AFTER_CAPACITY_CHECK", 0) or 0)
    if seconds:
        time.sleep(seconds)
