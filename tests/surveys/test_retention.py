"""The survey microdata rule of the retention framework (surveys/retention.py)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from kitakyushu_pf import retention
from kitakyushu_pf.models import RetentionPurge
from surveys import services
from surveys.models import AuditLog, Dataset, DatasetFile

from .factories import csv_text, good_row, load_dataset, synthetic_csv

pytestmark = pytest.mark.django_db

RAW_VALUE = "山田花子 090-1234-5678"


def _with_a_refused_file(dataset: Dataset) -> DatasetFile:
    """A second upload of ``dataset`` whose problem list repeats a raw cell value."""
    content = csv_text([good_row("9001"), good_row("9002", sex=RAW_VALUE)]).encode()
    dataset_file = services.datasetfile_store(
        dataset=dataset, name="more.csv", chunks=[content], dispatch=False
    )
    services.datasetfile_validate(dataset_file=dataset_file, dispatch=False)
    return DatasetFile.objects.get(pk=dataset_file.pk)


def test_the_rule_purges_only_datasets_past_their_date_once(
    django_capture_on_commit_callbacks: Any,
) -> None:
    due = load_dataset(synthetic_csv(50))
    refused = _with_a_refused_file(due)
    keep = load_dataset(synthetic_csv(50))
    kept_refused = _with_a_refused_file(keep)
    Dataset.objects.filter(pk=due.pk).update(retain_until=timezone.localdate() - timedelta(days=1))
    assert RAW_VALUE in services.problems_file_path(refused).read_text(encoding="utf-8")

    with django_capture_on_commit_callbacks(execute=True):
        assert retention.retention_run(keys=["surveys.microdata"]) == {"surveys.microdata": 1}

    due.refresh_from_db()
    assert due.status == Dataset.Status.PURGED and due.microdata_file == ""
    # no microdata, upload or problems file left
    assert [p.name for p in services.dataset_dir(due).iterdir()] == []
    assert DatasetFile.objects.get(pk=refused.pk).problems == []
    assert AuditLog.objects.filter(action="retention").count() == 1
    assert list(RetentionPurge.objects.values_list("rule", "count")) == [("surveys.microdata", 1)]

    keep.refresh_from_db()
    assert keep.status == Dataset.Status.LOADED and len(services.microdata_frame(keep)) == 50
    assert RAW_VALUE in str(DatasetFile.objects.get(pk=kept_refused.pk).problems)
    assert services.problems_file_path(kept_refused).exists()

    with django_capture_on_commit_callbacks(execute=True):
        assert retention.retention_run(keys=["surveys.microdata"]) == {"surveys.microdata": 0}
    assert AuditLog.objects.filter(action="retention").count() == 1
