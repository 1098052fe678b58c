from django.db.models import QuerySet

from .models import AuditLog, Dataset, DatasetFile, NationalFigure, ReportJob


def dataset_list() -> QuerySet[Dataset]:
    return Dataset.objects.select_related("instrument", "created_by").order_by("-created_at")


def dataset_files(dataset: Dataset) -> QuerySet[DatasetFile]:
    return (
        dataset.files.select_related("uploaded_by", "job").defer("problems").order_by("-created_at")
    )


def dataset_reports(dataset: Dataset) -> QuerySet[ReportJob]:
    return dataset.reports.select_related("job").defer("result").order_by("mode")


def national_figure_list() -> QuerySet[NationalFigure]:
    return NationalFigure.objects.order_by("survey", "wave", "indicator", "breakdown", "group")


def audit_log_list() -> QuerySet[AuditLog]:
    return AuditLog.objects.select_related("user").order_by("-created_at")
