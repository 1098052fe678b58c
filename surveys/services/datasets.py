"""Datasets and their files: storage, validation, all-or-nothing loading, discarding."""

from __future__ import annotations

import csv
import hashlib
import io
import uuid
from collections.abc import Iterable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kitakyushu_pf import test_hooks
from kitakyushu_pf.exports import csv_bytes
from kitakyushu_pf.jobs import background_job_enqueue
from kitakyushu_pf.models import BackgroundJob
from kitakyushu_pf.uploads import UndecodableUpload, UploadRefused, decode_text_upload

from ..ingest import Problem, none_columns, validate_file
from ..messages import Message
from ..models import Dataset, DatasetFile, Instrument, ReportJob
from ..tasks import datasetfile_validate_task
from ._common import MAX_ATTEMPTS, MAX_PROBLEMS_STORED, dataset_dir, private_root
from .instruments import instrument_variables

# --- Datasets and files ---------------------------------------------------------------------


def dataset_create(
    *,
    instrument: Instrument,
    title: str,
    user: Any = None,
    population: str = "",
    sample_size: int | None = None,
    fielding_start: date | None = None,
    fielding_end: date | None = None,
    modes: str = "",
    hikikomori_rule: str = Dataset.RuleVersion.H30,
    retain_until: date | None = None,
    is_synthetic: bool = False,
    previous: Dataset | None = None,
) -> Dataset:
    dataset = Dataset(
        instrument=instrument,
        title=title,
        population=population,
        sample_size=sample_size,
        fielding_start=fielding_start,
        fielding_end=fielding_end,
        modes=modes,
        hikikomori_rule=hikikomori_rule,
        retain_until=retain_until
        or timezone.localdate() + timedelta(days=settings.SURVEYS_RETENTION_DAYS),
        is_synthetic=is_synthetic,
        previous=previous,
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )
    dataset.full_clean()
    dataset.save()
    return dataset


ALLOWED_SUFFIXES = (".csv", ".xlsx")


def datasetfile_store(
    *,
    dataset: Dataset,
    name: str,
    chunks: Iterable[bytes],
    user: Any = None,
    dispatch: bool = True,
) -> DatasetFile:
    """Keep the original file in private storage (size-capped) and queue its validation (a
    background job, sent after commit and relayed if the broker is down). With `dispatch` off
    the caller validates in-process (commands, demo) and no job is made."""
    suffix = Path(name).suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        raise ValidationError(_("Choose a CSV or XLSX file."))
    limit = settings.PORTAL_MAX_UPLOAD_BYTES
    file_id = uuid.uuid4()
    target = dataset_dir(dataset) / f"upload-{file_id}{suffix}"
    digest = hashlib.sha256()
    size = 0
    try:
        with open(target, "wb") as out:
            for chunk in chunks:
                size += len(chunk)
                if size > limit:
                    raise ValidationError(
                        _("The file is too large (the limit is %(limit_mb)s MB).")
                        % {"limit_mb": limit // (1024 * 1024)}
                    )
                digest.update(chunk)
                out.write(chunk)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    with transaction.atomic():
        job = (
            background_job_enqueue(
                name="surveys: file validation",
                task=datasetfile_validate_task,
                args=[str(file_id)],
                max_attempts=MAX_ATTEMPTS,
                time_limit_seconds=settings.SURVEYS_REPORT_TIME_LIMIT,
            )
            if dispatch
            else None
        )
        dataset_file = DatasetFile(
            id=file_id,
            dataset=dataset,
            original_name=Path(name).name[:255],
            stored_path=str(target.relative_to(private_root())),
            size=size,
            sha256=digest.hexdigest(),
            uploaded_by=user if getattr(user, "is_authenticated", False) else None,
            job=job,
        )
        dataset_file.full_clean()
        dataset_file.save()
    return dataset_file


def microdata_path(dataset: Dataset) -> Path | None:
    if not dataset.microdata_file:
        return None
    return private_root() / dataset.microdata_file


def microdata_arrays(dataset: Dataset) -> dict[str, np.ndarray]:
    path = microdata_path(dataset)
    if path is None or not path.exists():
        return {}
    with np.load(path, allow_pickle=False) as data:
        return {name: data[name] for name in data.files}


def microdata_frame(dataset: Dataset) -> pd.DataFrame:
    """Uploaded rows plus the web answers that count (surveys.web)."""
    from ..web import merge_frame

    return merge_frame(dataset, pd.DataFrame(microdata_arrays(dataset)))


def _problems_file(dataset_file: DatasetFile, problems: list[Problem]) -> None:
    path = dataset_dir(dataset_file.dataset) / f"problems-{dataset_file.pk}.csv"
    path.write_bytes(
        csv_bytes(
            [_("Row"), _("Column"), _("Value"), _("Problem")],
            ((p.row if p.row is not None else "", p.column, p.value, p.message) for p in problems),
        )
    )


def refusal_message(exc: UploadRefused) -> str:
    """A refused file's message with its code, so that it is shown in the reader's language."""
    message = getattr(exc, "message", None)
    if isinstance(message, Message):
        return message
    if isinstance(exc, UndecodableUpload) and exc.code in ("utf16", "undecodable"):
        return Message(f"upload_{exc.code}", **(exc.params or {}))
    return str(exc)


def problems_file_path(dataset_file: DatasetFile) -> Path:
    return dataset_dir(dataset_file.dataset) / f"problems-{dataset_file.pk}.csv"


def _xlsx_limits() -> dict[str, int]:
    return {
        "max_uncompressed": settings.SURVEYS_XLSX_MAX_UNCOMPRESSED,
        "max_entries": settings.SURVEYS_XLSX_MAX_ENTRIES,
        "max_ratio": settings.SURVEYS_XLSX_MAX_RATIO,
    }


def datasetfile_validate_job(*, job: BackgroundJob, file_id: str) -> None:
    """The validation job: validate the file unless it has an outcome already (a redelivered
    message) or is gone."""
    dataset_file = DatasetFile.objects.filter(
        pk=file_id, job=job, status=DatasetFile.Status.PENDING
    ).first()
    if dataset_file is not None:
        datasetfile_validate(dataset_file=dataset_file)


def datasetfile_validate(*, dataset_file: DatasetFile, dispatch: bool = True) -> DatasetFile:
    """Check every row; a clean file is loaded in the same step, a file with errors is kept
    with its report and loads nothing."""
    dataset = Dataset.objects.select_related("instrument").get(pk=dataset_file.dataset_id)
    existing = microdata_arrays(dataset).get("resp_id")
    existing_ids = set(existing.tolist()) if existing is not None else set()
    try:
        result = validate_file(
            private_root() / dataset_file.stored_path,
            instrument_variables(dataset.instrument),
            max_rows=settings.SURVEYS_MAX_ROWS,
            existing_ids=existing_ids,
            xlsx_limits=_xlsx_limits(),
            none_columns=none_columns(dataset.instrument.spec),
        )
    except UploadRefused as exc:
        test_hooks.surveys_validation_checked()
        problems = [Problem(None, "", "", refusal_message(exc))]
        _problems_file(dataset_file, problems)
        dataset_file.status = DatasetFile.Status.INVALID
        dataset_file.problems = [p.as_dict() for p in problems]
        dataset_file.problem_count = 1
        dataset_file.validated_at = timezone.now()
        dataset_file.save(update_fields=["status", "problems", "problem_count", "validated_at"])
        return dataset_file
    test_hooks.surveys_validation_checked()
    _problems_file(dataset_file, result.problems)
    dataset_file.encoding = result.encoding
    dataset_file.n_rows = result.n_rows
    dataset_file.notes = [n.as_dict() if isinstance(n, Message) else n for n in result.notes]
    dataset_file.problem_count = len(result.problems)
    dataset_file.problems = [p.as_dict() for p in result.problems[:MAX_PROBLEMS_STORED]]
    dataset_file.validated_at = timezone.now()
    fields = ["encoding", "n_rows", "notes", "problem_count", "problems", "validated_at", "status"]
    if not result.ok:
        dataset_file.status = DatasetFile.Status.INVALID
        dataset_file.save(update_fields=fields)
        return dataset_file
    from .. import web

    code_hashes: list[str] = []
    if "resp_id" in result.columns:  # a fielding's codes on paper: keep only the code's hash
        result.columns["resp_id"], code_hashes = web.paper_ids_link(
            dataset, result.columns["resp_id"]
        )
    datasetfile_load(
        dataset_file=dataset_file, columns=result.columns, fields=fields, dispatch=dispatch
    )
    if code_hashes or web.WebFielding.objects.filter(dataset=dataset).exists():
        web.paper_codes_mark(dataset, code_hashes)
    return dataset_file


def datasetfile_load(
    *,
    dataset_file: DatasetFile,
    columns: dict[str, np.ndarray],
    fields: list[str],
    dispatch: bool = True,
) -> None:
    """All or nothing: the new microdata file is only adopted if the transaction commits."""
    dataset = Dataset.objects.get(pk=dataset_file.dataset_id)
    old = microdata_arrays(dataset)
    if old:
        n_old = len(next(iter(old.values())))
        columns = {
            name: np.concatenate([old.get(name, np.full(n_old, -1, dtype=arr.dtype)), arr])
            for name, arr in columns.items()
        }
    new_name = f"microdata-{uuid.uuid4()}.npz"
    target = dataset_dir(dataset) / new_name
    # Small integer codes: compact without compression; never pickled (read back unpickled).
    np.savez(target, allow_pickle=False, **columns)
    old_path = microdata_path(dataset)
    try:
        with transaction.atomic():
            dataset = Dataset.objects.select_for_update().get(pk=dataset.pk)
            dataset.microdata_file = str(target.relative_to(private_root()))
            dataset.n_respondents = int(len(next(iter(columns.values()))))
            dataset.status = Dataset.Status.LOADED
            dataset.save(update_fields=["microdata_file", "n_respondents", "status"])
            dataset_file.status = DatasetFile.Status.LOADED
            dataset_file.save(update_fields=fields)
            if old_path is not None:
                transaction.on_commit(lambda: old_path.unlink(missing_ok=True))
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    from .reports import report_request  # reports reads microdata: imported here, not on top

    for mode in ReportJob.Mode.values:  # both the internal and the publication report
        report_request(dataset=dataset, mode=mode, dispatch=dispatch)


def dataset_discard(*, dataset: Dataset) -> None:
    """Remove a dataset that never loaded anything (a failed command-line import)."""
    if dataset.status == Dataset.Status.LOADED:
        raise ValidationError(_("A dataset with loaded data cannot be deleted."))
    folder = dataset_dir(dataset)
    with transaction.atomic():
        dataset.delete()

        def remove() -> None:
            for path in folder.glob("*"):
                path.unlink(missing_ok=True)
            folder.rmdir()

        transaction.on_commit(remove)


# --- Population margins (weighting) -----------------------------------------------------------

MARGIN_COLUMNS = ["variable", "code", "count"]
MARGIN_TOTAL_TOLERANCE = 0.01


def dataset_margins_parse(*, dataset: Dataset, content: bytes) -> list[dict[str, Any]]:
    """Read a margins CSV (variable,code,count; UTF-8 or CP932): every variable a coded variable
    of the instrument, every code one of its codes, counts positive integers, and the
    variables' totals equal within 1 %. Raises ValidationError with every problem."""

    text, _encoding = decode_text_upload(content)  # raises ValidationError
    reader = csv.DictReader(io.StringIO(text))
    if [c.strip() for c in (reader.fieldnames or [])] != MARGIN_COLUMNS:
        raise ValidationError(_("The columns must be variable,code,count in this order."))
    coded = {
        v["name"]: {str(k) for k in v.get("codes", {})}
        for v in dataset.instrument.spec["variables"]
        if v["type"] == "code"
    }
    rows: list[dict[str, Any]] = []
    errors: list[str] = []
    seen: set[tuple[str, str]] = set()
    for line, row in enumerate(reader, start=2):
        variable = (row["variable"] or "").strip()
        code = (row["code"] or "").strip()
        count = (row["count"] or "").strip().replace(",", "")
        if variable not in coded:
            errors.append(
                _("Line %(line)d: %(variable)s is not a coded variable of this questionnaire.")
                % {"line": line, "variable": variable}
            )
            continue
        if code not in coded[variable]:
            errors.append(
                _("Line %(line)d: %(code)s is not a code of %(variable)s.")
                % {"line": line, "code": code, "variable": variable}
            )
            continue
        if not count.isdigit() or int(count) == 0:
            errors.append(
                _("Line %(line)d: the count must be a positive whole number (%(count)s).")
                % {"line": line, "count": count}
            )
            continue
        if (variable, code) in seen:
            errors.append(_("Line %(line)d: this variable and code appear twice.") % {"line": line})
            continue
        seen.add((variable, code))
        rows.append({"variable": variable, "code": int(code), "count": int(count)})
    if not rows and not errors:
        errors.append(_("The file has no margins."))
    totals: dict[str, int] = {}
    for r in rows:
        totals[str(r["variable"])] = totals.get(str(r["variable"]), 0) + int(r["count"])
    if totals and not errors:
        low, high = min(totals.values()), max(totals.values())
        if high > low * (1 + MARGIN_TOTAL_TOLERANCE):
            errors.append(
                _("The totals of the variables differ by more than 1%%: %(totals)s.")
                % {"totals": ", ".join(f"{k} {v:,}" for k, v in totals.items())}
            )
    if errors:
        raise ValidationError(errors)
    return rows


def dataset_margins_set(
    *,
    dataset: Dataset,
    content: bytes | None,
    bounds: tuple[float, float] | None = None,
    dispatch: bool = True,
) -> int:
    """Store (or with content None, clear) the population margins and the optional trimming
    bounds, then re-request both reports. Returns the number of margin rows."""

    rows = dataset_margins_parse(dataset=dataset, content=content) if content else []
    if bounds is not None and not (0 < bounds[0] <= 1 <= bounds[1]):
        raise ValidationError(_("The weight bounds must satisfy 0 < lowest ≤ 1 ≤ highest."))
    with transaction.atomic():
        dataset.margins = rows
        dataset.weight_min_ratio = bounds[0] if bounds else None
        dataset.weight_max_ratio = bounds[1] if bounds else None
        dataset.save(update_fields=["margins", "weight_min_ratio", "weight_max_ratio"])
        if dataset.status == Dataset.Status.LOADED:
            from .reports import report_request

            for mode in ReportJob.Mode.values:
                report_request(dataset=dataset, mode=mode, dispatch=dispatch)
    return len(rows)


def dataset_margins(dataset: Dataset) -> dict[str, dict[int, float]] | None:
    """The margins as {variable: {code: count}} for raking, or None."""
    if not dataset.margins:
        return None
    out: dict[str, dict[int, float]] = {}
    for r in dataset.margins:
        out.setdefault(r["variable"], {})[int(r["code"])] = float(r["count"])
    return out
