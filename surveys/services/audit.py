"""Audit trail of analysts' actions (the retention purge is surveys/retention.py)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from ..models import AuditLog, Dataset

# --- Audit -------------------------------------------------------------------------------------


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
