"""Reports shared with member organisations: the secretariat publishes the publication-mode PDF
of a report to the members' page; every download is logged like the analysts' downloads."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kitakyushu_pf.models import BackgroundJob

from ..models import AuditLog, Dataset, ReportJob, SharedReport
from ._common import dataset_dir, private_root
from .audit import audit_record


def report_share(*, dataset: Dataset, user: Any, note: str = "") -> SharedReport:
    """Write the publication PDF of the dataset's current publication report and list it on
    the members' page. Only a finished publication-mode report can be shared."""
    from ..renderers import render_pdf

    job = ReportJob.objects.filter(
        dataset=dataset, mode=ReportJob.Mode.PUBLISH, job__status=BackgroundJob.Status.DONE
    ).first()
    if job is None or job.result.get("meta", {}).get("mode") != ReportJob.Mode.PUBLISH:
        raise ValidationError(_("The publication report is not finished, so it cannot be shared."))
    pdf = render_pdf(job.result)
    shared_id = uuid.uuid4()
    target = dataset_dir(dataset) / f"shared-{shared_id}.pdf"
    target.write_bytes(pdf)
    try:
        with transaction.atomic():
            shared = SharedReport(
                id=shared_id,
                dataset=dataset,
                title=dataset.title,
                note=note.strip()[:1000],
                pdf_file=str(target.relative_to(private_root())),
                size=len(pdf),
                published_by=user if getattr(user, "is_authenticated", False) else None,
            )
            shared.full_clean()
            shared.save()
            audit_record(
                user=user,
                dataset=dataset,
                action=AuditLog.Action.SHARE_PUBLISH,
                format="pdf",
                mode=ReportJob.Mode.PUBLISH,
            )
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return shared


def shared_report_path(shared: SharedReport) -> Path:
    return private_root() / shared.pdf_file


def shared_report_withdraw(*, shared: SharedReport) -> SharedReport:
    shared.withdrawn_at = timezone.now()
    shared.save(update_fields=["withdrawn_at"])
    return shared


def shared_reports_visible() -> Any:
    return SharedReport.objects.filter(withdrawn_at__isnull=True).select_related("dataset")
