"""Retention of membership applications: a declined application is deleted 180 days on."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Min, QuerySet
from django.utils.translation import gettext_lazy as _

from kitakyushu_pf import retention

from .models import MembershipApplication

# Long enough to answer a question about the decision, short enough not to keep a file on
# organisations (and their contact persons) that never joined.
DECLINED_APPLICATION_RETENTION_DAYS = 180


def _declined() -> QuerySet[Any]:
    return MembershipApplication.objects.filter(status=MembershipApplication.Status.DECLINED)


def _due(cutoff: datetime) -> QuerySet[Any]:
    return _declined().filter(reviewed_at__lt=cutoff)


def _purge(due: QuerySet[Any]) -> int:
    return due.delete()[1].get(MembershipApplication._meta.label, 0)


def _oldest() -> datetime | None:
    return _declined().aggregate(m=Min("reviewed_at"))["m"]


retention.register(
    retention.RetentionRule(
        key="members.declined_application",
        description=_(
            "Declined membership applications: organisation, contact person's name, e-mail and "
            "phone"
        ),
        period_days=lambda: DECLINED_APPLICATION_RETENTION_DAYS,
        due=_due,
        purge=_purge,
        held=lambda: _declined().count(),
        oldest=_oldest,
    )
)
