"""One retention framework for personal data: a registry of rules, one job, an audit row per purge.

Each app declares what it keeps and for how long in its own ``retention.py`` (imported from its
``AppConfig.ready``)::

    retention.register(
        retention.RetentionRule(
            key="trainings.registration",
            description=_("Registrations of finished programmes (name, e-mail, kana)"),
            period_days=lambda: settings.TRAININGS_RETENTION_DAYS,
            due=lambda cutoff: Registration.objects.filter(..., ended__lt=cutoff),
            purge=_anonymise,            # takes the due queryset, returns how many rows it changed
            oldest=lambda: Registration.objects.aggregate(m=Min("created_at"))["m"],
        )
    )

``retention_run()`` (beat: ``portal-retention``) applies every rule in its own transaction and
writes one :class:`~kitakyushu_pf.models.RetentionPurge` row per rule that changed anything. A
rule must be idempotent: anonymised rows are no longer ``due``. ``manage.py retention_report``
lists every rule with its period, how many rows it holds, the oldest, and how many are due now.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RetentionRule:
    key: str
    description: Any  # a (lazy) translated string: what is kept
    period_days: Callable[[], int]
    due: Callable[[datetime], QuerySet[Any]]
    purge: Callable[[QuerySet[Any]], int]
    held: Callable[[], int] | None = None  # how many rows of this kind exist now
    oldest: Callable[[], datetime | None] | None = None


_RULES: dict[str, RetentionRule] = {}


def register(rule: RetentionRule) -> RetentionRule:
    """Add (or replace, on a reload) the rule named ``rule.key``."""
    _RULES[rule.key] = rule
    return rule


def rules() -> list[RetentionRule]:
    return [_RULES[k] for k in sorted(_RULES)]


def retention_cutoff(rule: RetentionRule, now: datetime | None = None) -> datetime:
    return (now or timezone.now()) - timedelta(days=rule.period_days())


def retention_run(
    *, now: datetime | None = None, keys: Iterable[str] | None = None
) -> dict[str, int]:
    """Apply every rule (or those named in ``keys``); {rule key: rows purged}.

    Audited, idempotent, one rule at a time."""
    from .models import RetentionPurge

    now = now or timezone.now()
    wanted = set(keys) if keys is not None else None
    done: dict[str, int] = {}
    for rule in rules():
        if wanted is not None and rule.key not in wanted:
            continue
        cutoff = retention_cutoff(rule, now)
        try:
            with transaction.atomic():
                count = rule.purge(rule.due(cutoff))
                if count:
                    RetentionPurge.objects.create(rule=rule.key, cutoff=cutoff, count=count)
        except Exception:
            logger.exception("retention rule %s failed; the others still ran", rule.key)
            continue
        done[rule.key] = count
    return done


@dataclass(frozen=True)
class RetentionLine:
    key: str
    description: str
    period_days: int
    held: int | None
    oldest: datetime | None
    due_now: int


def retention_report(*, now: datetime | None = None) -> list[RetentionLine]:
    now = now or timezone.now()
    lines = []
    for rule in rules():
        lines.append(
            RetentionLine(
                key=rule.key,
                description=str(rule.description),
                period_days=rule.period_days(),
                held=rule.held() if rule.held else None,
                oldest=rule.oldest() if rule.oldest else None,
                due_now=rule.due(retention_cutoff(rule, now)).count(),
            )
        )
    return lines
