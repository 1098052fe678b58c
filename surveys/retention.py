"""Retention of survey microdata: past ``retain_until`` nothing of a respondent is left.

The purge deletes, for each dataset past its date: the loaded microdata, every uploaded file,
every problem list written beside them (``problems-*.csv``: row, column and the raw cell value)
and the problem lists stored on the upload rows (``DatasetFile.problems``). Each dataset's purge
is audited (``AuditLog`` action ``retention``) and the framework writes its ``RetentionPurge``
row. A dataset purged before problem lists were included is picked up again until they are gone.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Min, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kitakyushu_pf import retention

from .models import AuditLog, Dataset, DatasetFile

RULE_KEY = "surveys.microdata"
# File names a dataset's private folder holds for its respondents.
RESPONDENT_FILE_PREFIXES = ("microdata-", "upload-", "problems-")


def dataset_folder(dataset: Dataset) -> Path:
    return Path(settings.PRIVATE_STORAGE_ROOT) / "surveys" / str(dataset.pk)


def _stored_problems() -> QuerySet[Any]:
    return DatasetFile.objects.exclude(problems=[])


def _due(cutoff: datetime) -> QuerySet[Any]:
    # The framework passes now - SURVEYS_RETENTION_DAYS; each dataset carries its own date.
    today = timezone.localdate(cutoff + timedelta(days=settings.SURVEYS_RETENTION_DAYS))
    leftover = Q(files__in=_stored_problems())
    return (
        Dataset.objects.filter(retain_until__lt=today)
        .filter(~Q(status=Dataset.Status.PURGED) | leftover)
        .distinct()
    )


def _remove_files(folder: Path) -> None:
    if not folder.is_dir():
        return
    for path in folder.iterdir():
        if path.name.startswith(RESPONDENT_FILE_PREFIXES):
            path.unlink(missing_ok=True)


def _purge(due: QuerySet[Any]) -> int:
    count = 0
    for dataset in list(due):
        with transaction.atomic():
            DatasetFile.objects.filter(dataset=dataset).update(problems=[])
            if dataset.status != Dataset.Status.PURGED:
                dataset.status = Dataset.Status.PURGED
                dataset.microdata_file = ""
                dataset.purged_at = timezone.now()
                dataset.save(update_fields=["status", "microdata_file", "purged_at"])
                AuditLog.objects.create(
                    dataset=dataset,
                    dataset_title=dataset.title,
                    action=AuditLog.Action.RETENTION_DELETE,
                )
            transaction.on_commit(partial(_remove_files, dataset_folder(dataset)))
        count += 1
    return count


def _held() -> int:
    return Dataset.objects.exclude(status=Dataset.Status.PURGED).count()


def _oldest() -> datetime | None:
    return Dataset.objects.exclude(status=Dataset.Status.PURGED).aggregate(m=Min("created_at"))["m"]


retention.register(
    retention.RetentionRule(
        key=RULE_KEY,
        description=_(
            "Survey microdata: loaded answers, uploaded files and problem lists (row, column, "
            "raw value), until each dataset's retention date"
        ),
        period_days=lambda: settings.SURVEYS_RETENTION_DAYS,
        due=_due,
        purge=_purge,
        held=_held,
        oldest=_oldest,
    )
)
