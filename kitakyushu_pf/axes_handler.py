"""django-axes with one failure limit per lockout rule (settings: AXES_HANDLER)."""

from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest


class PortalAxesHandler(AxesDatabaseHandler):
    """Two lockout rules, each with its own limit.

    ``AXES_LOCKOUT_PARAMETERS`` holds user name + address, limited by ``AXES_FAILURE_LIMIT``,
    and the user name alone (guessing spread over many addresses), limited by the higher
    ``AXES_USERNAME_FAILURE_LIMIT``. Axes compares the largest count with one limit, so each
    rule's count is scaled to ``AXES_FAILURE_LIMIT``: the result reaches that limit exactly when
    some rule reached its own.
    """

    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        base = settings.AXES_FAILURE_LIMIT
        scaled = 0
        attempts_list = self.get_user_attempts(request, credentials)
        for rule, attempts in zip(settings.AXES_LOCKOUT_PARAMETERS, attempts_list, strict=False):
            count = attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            limit = settings.AXES_USERNAME_FAILURE_LIMIT if rule == "username" else base
            scaled = max(scaled, count * base // limit)
        return scaled
