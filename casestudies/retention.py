"""What the case-study library keeps about people, and for how long."""

from typing import Any

from django.conf import settings
from django.db.models import Min, QuerySet
from django.utils.translation import gettext_lazy as _

from kitakyushu_pf import retention

from .models import CaseStudyRead


def _purge(due: QuerySet[Any]) -> int:
    return due.delete()[0]


retention.register(
    retention.RetentionRule(
        key="casestudies.read_log",
        description=_("Case-study read log (who opened which case study, when)"),
        period_days=lambda: settings.CASESTUDIES_READ_LOG_DAYS,
        due=lambda cutoff: CaseStudyRead.objects.filter(opened_at__lt=cutoff),
        purge=_purge,
        held=lambda: CaseStudyRead.objects.count(),
        oldest=lambda: CaseStudyRead.objects.aggregate(m=Min("opened_at"))["m"],
    )
)
