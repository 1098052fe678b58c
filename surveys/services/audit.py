"""Audit trail of analysts' actions and the retention purge of microdata."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from ..models import AuditLog, Dataset
from ._common import dataset_dir

# --- Audit and retention ----------------------------------------------------------------------


def audit_record(
    *,
    user: Any,
    dataset: Dataset | None,
    action: str,
    format: str = "",
    mode: str = "",
    client_ip: str | None = None,
) -> AuditLog:
    """Write one audit row in its own transaction; callers refuse to serve if this raises."""
    entry = AuditLog(
        user=user if getattr(user, "is_authenticated", False) else None,
        username=getattr(user, "username", "") or "",
        dataset=dataset,
        dataset_title=dataset.title if dataset else "",
        action=action,
        format=format,
        mode=mode,
        client_ip=client_ip or None,
    )
    entry.full_clean()
    with transaction.atomic():
        entry.save()
    return entry


def dataset_retention_purge(*, today: date | None = None) -> list[Dataset]:
    """Delete microdata and uploads of datasets past their retention date (idempotent)."""
    today = today or timezone.localdate()
    purged = []
    due = Dataset.objects.filter(retain_until__lt=today).exclude(status=Dataset.Status.PURGED)
    for dataset in due:
        with transaction.atomic():
            dataset.status = Dataset.Status.PURGED
            dataset.microdata_file = ""
            dataset.purged_at = timezone.now()
            dataset.save(update_fields=["status", "microdata_file", "purged_at"])
            audit_record(user=None, dataset=dataset, action=AuditLog.Action.RETENTION_DELETE)
            folder = dataset_dir(dataset)

            def remove(folder: Path = folder) -> None:
                for path in folder.glob("*"):
                    if path.name.startswith(("microdata-", "upload-")):
                        path.unlink(missing_ok=True)

            transaction.on_commit(remove)
        purged.append(dataset)
    return purged
