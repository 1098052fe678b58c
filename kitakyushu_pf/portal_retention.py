"""The portal's own retention rules: sent e-mails and log-in records (imported from ready())."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import Min, QuerySet
from django.utils.translation import gettext_lazy as _

from . import retention
from .models import OutboxEmail

# Days a sent e-mail keeps its recipients, text and attachments (the key and dates stay).
OUTBOX_SENT_RETENTION_DAYS = 30


def _outbox_due(cutoff: datetime) -> QuerySet[Any]:
    return OutboxEmail.objects.filter(sent_at__lt=cutoff).exclude(body="")


def _outbox_purge(due: QuerySet[Any]) -> int:
    return due.update(to=[], body="", html_body="", attachments=[])


def _outbox_oldest() -> datetime | None:
    return (
        OutboxEmail.objects.exclude(body="")
        .filter(sent_at__isnull=False)
        .aggregate(m=Min("sent_at"))["m"]
    )


retention.register(
    retention.RetentionRule(
        key="portal.outbox_sent",
        description=_("Sent e-mails: recipients, text and attachments"),
        period_days=lambda: OUTBOX_SENT_RETENTION_DAYS,
        due=_outbox_due,
        purge=_outbox_purge,
        held=lambda: OutboxEmail.objects.filter(sent_at__isnull=False).exclude(body="").count(),
        oldest=_outbox_oldest,
    )
)


def _axes_models() -> list[Any]:
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    return [AccessAttempt, AccessFailureLog, AccessLog]


def _register_axes(model: Any, key: str, description: Any) -> None:
    retention.register(
        retention.RetentionRule(
            key=key,
            description=description,
            period_days=lambda: settings.AXES_LOG_RETENTION_DAYS,
            due=lambda cutoff: model.objects.filter(attempt_time__lt=cutoff),
            purge=lambda due: due.delete()[0],
            held=lambda: model.objects.count(),
            oldest=lambda: model.objects.aggregate(m=Min("attempt_time"))["m"],
        )
    )


_AccessAttempt, _AccessFailureLog, _AccessLog = _axes_models()
_register_axes(
    _AccessAttempt,
    "portal.axes_attempts",
    _("Log-in attempts: user name, address and browser of failed log-ins"),
)
_register_axes(
    _AccessFailureLog,
    "portal.axes_failures",
    _("Log-in failure log: user name, address and browser"),
)
_register_axes(
    _AccessLog, "portal.axes_log", _("Log-in log: user name, address and browser of log-ins")
)
