"""Survey business rules: instruments, datasets and files, validation and loading, reports,
national figures, audit and retention."""

from __future__ import annotations

import csv
import hashlib
import io
import logging
import os
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kitakyushu_pf.exports import csv_bytes
from kitakyushu_pf.services import dispatch_on_commit

from . import aggregation as agg
from .disclosure import apply_suppression
from .ingest import FileRefused, Problem, validate_file
from .models import AuditLog, Dataset, DatasetFile, Instrument, NationalFigure, ReportJob, Variable

logger = logging.getLogger(__name__)

APP_DIR = Path(__file__).resolve().parent
INSTRUMENT_DIR = APP_DIR / "instruments"
NATIONAL_CSV = APP_DIR / "data" / "national_reference.csv"
NATIONAL_COLUMNS = [
    "survey", "wave", "indicator", "breakdown", "group", "answer",
    "pct", "base_n", "status", "source",
]  # fmt: skip
MAX_PROBLEMS_STORED = 1000
MAX_ATTEMPTS = 3


# --- Settings read at call time (never at import) --------------------------------------------


def _setting(name: str, default: Any) -> Any:
    return getattr(settings, name, default)


def private_root() -> Path:
    root = Path(settings.PRIVATE_STORAGE_ROOT) / "surveys"
    root.mkdir(parents=True, exist_ok=True)
    return root


def dataset_dir(dataset: Dataset) -> Path:
    path = private_root() / str(dataset.pk)
    path.mkdir(parents=True, exist_ok=True)
    return path


# --- Instruments ------------------------------------------------------------------------------


def instrument_spec_read(slug: str) -> dict[str, Any]:
    path = INSTRUMENT_DIR / f"{slug}.yaml"
    if not path.exists():
        raise ValidationError(f"調査票 {slug} がありません。")
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def instrument_load(*, slug: str) -> Instrument:
    """Load (or refresh) one instrument and its variables from its YAML file."""
    spec = instrument_spec_read(slug)
    with transaction.atomic():
        instrument, _ = Instrument.objects.update_or_create(
            slug=spec["slug"],
            defaults={
                "name": spec["name"],
                "survey": spec["survey"],
                "wave": spec["wave"],
                "spec": spec,
            },
        )
        names = []
        for position, var in enumerate(spec["variables"], start=1):
            names.append(var["name"])
            Variable.objects.update_or_create(
                instrument=instrument,
                name=var["name"],
                defaults={
                    "position": position,
                    "question": var.get("question", ""),
                    "type": var["type"],
                    "required": bool(var.get("required", False)),
                    "codes": {str(k): v for k, v in var.get("codes", {}).items()},
                    "rule": {k: var[k] for k in ("min", "max") if k in var},
                },
            )
        for position, rule in enumerate(spec.get("derived", []), start=100):
            names.append(rule["name"])
            Variable.objects.update_or_create(
                instrument=instrument,
                name=rule["name"],
                defaults={
                    "position": position,
                    "question": rule.get("question", ""),
                    "type": Variable.Type.DERIVED,
                    "codes": {str(k): v for k, v in rule.get("codes", {}).items()},
                    "rule": {k: v for k, v in rule.items() if k not in ("name", "question")},
                },
            )
        instrument.variables.exclude(name__in=names).delete()
    return instrument


def instrument_load_all() -> list[Instrument]:
    return [instrument_load(slug=p.stem) for p in sorted(INSTRUMENT_DIR.glob("*.yaml"))]


def instrument_variables(instrument: Instrument) -> list[dict[str, Any]]:
    return [dict(v) for v in instrument.spec["variables"]]


# --- National reference figures ----------------------------------------------------------------


def _national_rows(text: str) -> list[NationalFigure]:
    reader = csv.DictReader(io.StringIO(text))
    if [c.strip() for c in (reader.fieldnames or [])] != NATIONAL_COLUMNS:
        raise ValidationError("列は " + ",".join(NATIONAL_COLUMNS) + " の順でなければなりません。")
    figures, errors, seen = [], [], set()
    statuses = set(NationalFigure.Status.values)
    for line, row in enumerate(reader, start=2):
        try:
            pct = Decimal(row["pct"].strip())
        except InvalidOperation:
            errors.append(f"{line}行目: pct が数値ではありません（{row['pct']}）")
            continue
        base = row["base_n"].strip()
        if base and not base.isdigit():
            errors.append(f"{line}行目: base_n が整数ではありません（{base}）")
            continue
        if row["status"].strip() not in statuses:
            errors.append(f"{line}行目: status が不正です（{row['status']}）")
            continue
        if not row["source"].strip():
            errors.append(f"{line}行目: source がありません")
            continue
        key = tuple(row[c].strip() for c in NATIONAL_COLUMNS[:6])
        if key in seen:
            errors.append(f"{line}行目: 同じ組み合わせの行が重複しています")
            continue
        seen.add(key)
        figure = NationalFigure(
            **dict(zip(NATIONAL_COLUMNS[:6], key, strict=True)),
            pct=pct,
            base_n=int(base) if base else None,
            status=row["status"].strip(),
            source=row["source"].strip(),
        )
        figures.append(figure)
    if errors:
        raise ValidationError(errors)
    for figure in figures:
        figure.full_clean(validate_unique=False, validate_constraints=False)
    return figures


def national_figures_replace(*, content: bytes) -> int:
    """Replace every national figure with the rows of a CSV (UTF-8, BOM optional); all or none."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError("CSV は UTF-8 で保存してください。") from exc
    figures = _national_rows(text)
    with transaction.atomic():
        NationalFigure.objects.all().delete()
        NationalFigure.objects.bulk_create(figures)
    return len(figures)


def national_figures_load_shipped() -> int:
    """Load the shipped CSV only when the table is empty (analysts' corrections are kept)."""
    if NationalFigure.objects.exists():
        return NationalFigure.objects.count()
    return national_figures_replace(content=NATIONAL_CSV.read_bytes())


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
        or timezone.localdate() + timedelta(days=_setting("SURVEYS_RETENTION_DAYS", 3 * 365)),
        is_synthetic=is_synthetic,
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
    """Keep the original file in private storage (size-capped) and queue its validation."""
    suffix = Path(name).suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        raise ValidationError("CSV または XLSX ファイルを選んでください。")
    limit = int(_setting("PORTAL_MAX_UPLOAD_BYTES", 200 * 1024 * 1024))
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
                        f"ファイルが大きすぎます（上限 {limit // (1024 * 1024)} MB）。"
                    )
                digest.update(chunk)
                out.write(chunk)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    with transaction.atomic():
        dataset_file = DatasetFile(
            id=file_id,
            dataset=dataset,
            original_name=Path(name).name[:255],
            stored_path=str(target.relative_to(private_root())),
            size=size,
            sha256=digest.hexdigest(),
            uploaded_by=user if getattr(user, "is_authenticated", False) else None,
        )
        dataset_file.full_clean()
        dataset_file.save()
        if dispatch:
            from .tasks import datasetfile_validate_task

            dispatch_on_commit(datasetfile_validate_task, str(dataset_file.pk))
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
    from .web import merge_frame

    return merge_frame(dataset, pd.DataFrame(microdata_arrays(dataset)))


def _problems_file(dataset_file: DatasetFile, problems: list[Problem]) -> None:
    path = dataset_dir(dataset_file.dataset) / f"problems-{dataset_file.pk}.csv"
    path.write_bytes(
        csv_bytes(
            ["行", "列", "値", "内容"],
            ((p.row if p.row is not None else "", p.column, p.value, p.message) for p in problems),
        )
    )


def problems_file_path(dataset_file: DatasetFile) -> Path:
    return dataset_dir(dataset_file.dataset) / f"problems-{dataset_file.pk}.csv"


def _xlsx_limits() -> dict[str, int]:
    return {
        "max_uncompressed": int(_setting("SURVEYS_XLSX_MAX_UNCOMPRESSED", 512 * 1024 * 1024)),
        "max_entries": int(_setting("SURVEYS_XLSX_MAX_ENTRIES", 1000)),
        "max_ratio": int(_setting("SURVEYS_XLSX_MAX_RATIO", 200)),
    }


def datasetfile_validate(*, dataset_file: DatasetFile, dispatch: bool = True) -> DatasetFile:
    """Check every row; a clean file is loaded in the same step, a file with errors is kept
    with its report and loads nothing."""
    DatasetFile.objects.filter(pk=dataset_file.pk).update(status=DatasetFile.Status.VALIDATING)
    dataset = Dataset.objects.select_related("instrument").get(pk=dataset_file.dataset_id)
    existing = microdata_arrays(dataset).get("resp_id")
    existing_ids = set(existing.tolist()) if existing is not None else set()
    try:
        result = validate_file(
            private_root() / dataset_file.stored_path,
            instrument_variables(dataset.instrument),
            max_rows=int(_setting("SURVEYS_MAX_ROWS", 2_000_000)),
            existing_ids=existing_ids,
            xlsx_limits=_xlsx_limits(),
        )
    except FileRefused as exc:
        problems = [Problem(None, "", "", str(exc))]
        _problems_file(dataset_file, problems)
        dataset_file.status = DatasetFile.Status.INVALID
        dataset_file.problems = [p.as_dict() for p in problems]
        dataset_file.problem_count = 1
        dataset_file.validated_at = timezone.now()
        dataset_file.save(update_fields=["status", "problems", "problem_count", "validated_at"])
        return dataset_file
    _problems_file(dataset_file, result.problems)
    dataset_file.encoding = result.encoding
    dataset_file.n_rows = result.n_rows
    dataset_file.notes = result.notes
    dataset_file.problem_count = len(result.problems)
    dataset_file.problems = [p.as_dict() for p in result.problems[:MAX_PROBLEMS_STORED]]
    dataset_file.validated_at = timezone.now()
    fields = ["encoding", "n_rows", "notes", "problem_count", "problems", "validated_at", "status"]
    if not result.ok:
        dataset_file.status = DatasetFile.Status.INVALID
        dataset_file.save(update_fields=fields)
        return dataset_file
    from . import web

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
        columns = {name: np.concatenate([old[name], arr]) for name, arr in columns.items()}
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
            ReportJob.objects.filter(dataset=dataset).update(
                status=ReportJob.Status.QUEUED, progress=0, error=""
            )
            if old_path is not None:
                transaction.on_commit(lambda: old_path.unlink(missing_ok=True))
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    report_request(dataset=dataset, mode=ReportJob.Mode.INTERNAL, dispatch=dispatch)


# --- Reports ----------------------------------------------------------------------------------


def report_request(*, dataset: Dataset, mode: str, dispatch: bool = True) -> ReportJob:
    """Queue (or re-queue) the report of a dataset in one mode; the task runs after commit."""
    from .tasks import report_build_task

    with transaction.atomic():
        job, _ = ReportJob.objects.update_or_create(
            dataset=dataset,
            mode=mode,
            defaults={
                "status": ReportJob.Status.QUEUED,
                "progress": 0,
                "attempts": 0,
                "error": "",
                "queued_at": timezone.now(),
                "started_at": None,
                "finished_at": None,
                "threshold": int(_setting("SURVEYS_SUPPRESSION_THRESHOLD", 10)),
            },
        )
        if dispatch:
            dispatch_on_commit(report_build_task, str(job.pk))
    return job


def _national_frame(*, survey: str, wave: str | None = None) -> pd.DataFrame:
    qs = NationalFigure.objects.filter(survey=survey)
    if wave:
        qs = qs.filter(wave=wave)
    rows = list(
        qs.values(
            "wave", "indicator", "breakdown", "group", "answer", "pct", "base_n", "status", "source"
        )
    )
    cols = ["wave", "indicator", "breakdown", "group", "answer", "pct", "base_n", "status"]
    frame = pd.DataFrame(rows, columns=[*cols, "source"])
    frame["pct"] = frame["pct"].astype(float)
    return frame


def _labels(spec: dict[str, Any], name: str) -> dict[int, str]:
    for var in [*spec["variables"], *spec.get("derived", [])]:
        if var["name"] == name:
            return agg.labels_of(var.get("codes", {}))
    raise KeyError(name)


@dataclass
class ReportInputs:
    frame: pd.DataFrame
    spec: dict[str, Any]
    national: pd.DataFrame
    hikikomori_national: pd.DataFrame
    rule: str


def report_compute(
    inputs: ReportInputs,
    *,
    publish: bool,
    threshold: int,
    progress: Callable[[int], None] = lambda _p: None,
) -> dict[str, Any]:
    """Every table of the report as plain JSON (the same data feeds CSV, XLSX, PDF and HTML)."""
    spec = inputs.spec
    frame = agg.derive(inputs.frame, spec.get("derived", []))
    report = spec.get("report", {})
    tables = []
    indicators = report.get("indicators", [])
    breakdowns = report.get("breakdowns", [])
    steps = max(len(indicators) * (len(breakdowns) + 1), 1)
    done = 0
    for ind in indicators:
        answers = _labels(spec, ind)
        tables.append(agg.distribution(frame, indicator=ind, answer_labels=answers))
        for b in breakdowns:
            done += 1
            if b == ind:
                continue  # the indicator by itself is the identity table
            tables.append(
                agg.distribution(
                    frame,
                    indicator=ind,
                    answer_labels=answers,
                    breakdown=b,
                    group_labels=_labels(spec, b),
                )
            )
            progress(10 + int(60 * done / steps))
    hik_rows = pd.DataFrame()
    exclusions: dict[str, list[dict[str, Any]]] = {}
    if report.get("hikikomori"):
        band_labels = _labels(spec, "age_band")
        band_labels = {k: v for k, v in band_labels.items() if v != "その他の年齢"}
        for rule in ("H27", "H30"):
            prevalence, excl = agg.hikikomori_prevalence(frame, rule=rule, band_labels=band_labels)
            exclusions[rule] = [
                {
                    k: (None if pd.isna(v) else int(v)) if k in ("removed", "remaining") else v
                    for k, v in rec.items()
                }
                for rec in excl.to_dict("records")
            ]
            if rule == inputs.rule:
                hik_rows = prevalence
    progress(75)
    dist = pd.concat(tables, ignore_index=True) if tables else pd.DataFrame()
    parts = []
    if len(dist):
        dist = agg.compare_national(agg.add_wilson(dist), inputs.national)
        if publish:
            dist = apply_suppression(dist, threshold=threshold)
        parts.append(dist)
    if len(hik_rows):
        hik = agg.compare_national(agg.add_wilson(hik_rows), inputs.hikikomori_national)
        if publish:
            small = bool((hik["city_n"] < threshold).any())
            hik["suppressed"] = small
            if small:
                hik["city_n"] = hik["city_n"].astype("Int64")
                hik.loc[:, "city_n"] = pd.NA
                for col in ("city_pct", "city_ci_low", "city_ci_high", "diff_pt", "p_value"):
                    hik[col] = np.nan
        parts.append(hik)
    progress(85)
    rows_frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    if "suppressed" not in rows_frame.columns:
        rows_frame["suppressed"] = False
    rows_frame["suppressed"] = rows_frame["suppressed"].fillna(False).astype(bool)
    standardised = None
    headline = report.get("headline")
    if headline and report.get("standardise_by"):
        standardised = _standardised(frame, inputs, headline, report["standardise_by"])
        if publish and standardised:
            hidden = rows_frame[
                (rows_frame["indicator"] == headline["indicator"])
                & (rows_frame["breakdown"] == report["standardise_by"])
                & (rows_frame["answer"] == _labels(spec, headline["indicator"])[headline["code"]])
                & rows_frame["suppressed"]
            ]
            if len(hidden):
                standardised = {
                    **{k: standardised[k] for k in ("label", "weights_note", "national")},
                    "suppressed": True,
                }
    return {
        "rows": _records(rows_frame),
        "standardised": standardised,
        "hikikomori": {"rule": inputs.rule, "exclusions": exclusions} if exclusions else None,
    }


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    keep = [*agg.TIDY_COLUMNS, "national_status", "national_source", "national_wave"]
    out = []
    for rec in frame.reindex(columns=keep).to_dict("records"):
        clean: dict[str, Any] = {}
        for k, v in rec.items():
            if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)):
                clean[k] = None
            elif isinstance(v, np.integer):
                clean[k] = int(v)
            elif isinstance(v, np.floating):
                clean[k] = float(v)
            elif isinstance(v, np.bool_):
                clean[k] = bool(v)
            else:
                clean[k] = v
        out.append(clean)
    return out


def _standardised(
    frame: pd.DataFrame, inputs: ReportInputs, headline: dict[str, Any], by: str
) -> dict[str, Any] | None:
    profile = NationalFigure.objects.filter(
        survey=inputs.spec["survey"], indicator="respondent_profile", breakdown=by
    ).order_by("wave")
    if not profile:
        return None
    wave = profile.first().wave  # type: ignore[union-attr]
    labels = _labels(inputs.spec, by)
    code_of = {v: k for k, v in labels.items()}
    weights = {
        code_of[f.group]: float(f.pct) for f in profile.filter(wave=wave) if f.group in code_of
    }
    source = profile.filter(wave=wave).first()
    result = agg.age_standardised_rate(
        frame, indicator=headline["indicator"], code=headline["code"], by=by, weights=weights
    )
    answer = _labels(inputs.spec, headline["indicator"])[headline["code"]]
    nat = inputs.national[
        (inputs.national["indicator"] == headline["indicator"])
        & (inputs.national["breakdown"] == "total")
        & (inputs.national["answer"] == answer)
    ]
    national = None
    if len(nat):
        row = nat.iloc[0]
        national = {
            "pct": float(row["pct"]),
            "status": row["status"],
            "source": row["source"],
            "wave": row.get("wave", ""),
        }
    return {
        **result,
        "label": f"「{answer}」の年齢調整割合",
        "weights_note": (
            f"全国調査（{wave}）の回答者の年齢構成（{source.status if source else ''}、"
            f"出典: {source.source if source else ''}）による直接法。"
            f"{inputs.spec['wave']} の回答者年齢構成は未確認のため {wave} を用いています。"
        ),
        "national": national,
        "suppressed": False,
    }


def _response_note(dataset: Dataset, spec: dict[str, Any]) -> dict[str, Any]:
    national_rate = spec.get("national_response_rate")
    rate = dataset.response_rate
    text = (
        f"回収率は {rate}%（{dataset.n_respondents:,} / {dataset.sample_size:,}）です。"
        if rate is not None
        else "標本数（発送数）が未入力のため回収率を計算できません。"
    )
    if national_rate:
        text += f" 全国調査の有効回収率は {national_rate}% です。"
    text += (
        " 回収率の低い調査では、回答しなかった人（孤独・孤立の状態にある人ほど回答しにくい"
        "可能性があります）との差が結果を偏らせるおそれがあります。全国値との差は、"
        "非回答による偏りと年齢構成の違いを考慮して読んでください。"
    )
    return {
        "city_rate": rate,
        "national_rate": national_rate,
        "national_rate_source": spec.get("national_response_rate_source", ""),
        "text": text,
    }


def _test_sleep_in_report() -> None:
    """Fault tests only: hold the build open so the test can kill the worker child mid-task."""
    seconds = float(_setting("SURVEYS_TEST_SLEEP_IN_REPORT", 0) or 0)
    if seconds > 0:
        time.sleep(seconds)


def report_job_run(*, job: ReportJob, pid: int | None = None) -> ReportJob:
    """Build and store the report; idempotent (same inputs → same stored result)."""
    ReportJob.objects.filter(pk=job.pk).update(
        status=ReportJob.Status.RUNNING,
        progress=5,
        started_at=timezone.now(),
        worker_pid=pid or os.getpid(),
        attempts=job.attempts + 1,
        error="",
    )
    dataset = Dataset.objects.select_related("instrument").get(pk=job.dataset_id)
    if dataset.status != Dataset.Status.LOADED:
        raise ValidationError("データが読み込まれていないため、集計できません。")
    spec = dataset.instrument.spec

    def progress(pct: int) -> None:
        ReportJob.objects.filter(pk=job.pk).update(progress=pct)

    if spec["survey"] == "seikatsu":
        national = _national_frame(survey="tsunagari", wave="__none__")
        hik = _national_frame(survey="seikatsu")
        band_wave = {"15〜39歳": "H27", "40〜64歳": "H30"}
        hik = hik[hik["group"].map(band_wave) == hik["wave"]]
    else:
        national = _national_frame(survey=spec["survey"], wave=spec["wave"])
        hik = _national_frame(survey="seikatsu", wave="__none__")
    inputs = ReportInputs(
        frame=microdata_frame(dataset),
        spec=spec,
        national=national,
        hikikomori_national=hik,
        rule=dataset.hikikomori_rule,
    )
    progress(10)
    _test_sleep_in_report()
    publish = job.mode == ReportJob.Mode.PUBLISH
    result = report_compute(inputs, publish=publish, threshold=job.threshold, progress=progress)
    result["meta"] = {
        "dataset_id": str(dataset.pk),
        "title": dataset.title,
        "instrument": dataset.instrument.name,
        "national_wave": spec["wave"],
        "population": dataset.population,
        "n_respondents": dataset.n_respondents,
        "mode": job.mode,
        "threshold": job.threshold,
        "synthetic": dataset.is_synthetic,
    }
    result["response"] = _response_note(dataset, spec)
    with transaction.atomic():
        job = ReportJob.objects.select_for_update().get(pk=job.pk)
        job.result = result
        job.status = ReportJob.Status.DONE
        job.progress = 100
        job.finished_at = timezone.now()
        job.save(update_fields=["result", "status", "progress", "finished_at"])
    return job


def report_job_fail(*, job_id: str, message: str) -> None:
    ReportJob.objects.filter(pk=job_id).update(
        status=ReportJob.Status.FAILED, error=message, finished_at=timezone.now()
    )


def reportjob_sweep(*, now: Any = None) -> int:
    """Jobs still RUNNING after the hard time limit died with their worker: mark them failed."""
    now = now or timezone.now()
    limit = int(_setting("SURVEYS_REPORT_TIME_LIMIT", 660))
    stale = ReportJob.objects.filter(
        status=ReportJob.Status.RUNNING, started_at__lt=now - timedelta(seconds=limit + 60)
    )
    return stale.update(
        status=ReportJob.Status.FAILED,
        error="集計が制限時間内に終わりませんでした（処理が中断されました）。再実行してください。",
        finished_at=now,
    )


def reportjob_relay(*, now: Any = None) -> int:
    """Jobs still QUEUED a while after being queued (the broker was down when they were
    requested): send them to the broker again. A job that runs twice stores the same result."""
    from django.db.models import Q

    from .tasks import report_build_task

    now = now or timezone.now()
    cutoff = now - timedelta(seconds=int(_setting("SURVEYS_REPORT_RELAY_AFTER", 60)))
    waiting = Q(queued_at__lt=cutoff) | Q(queued_at__isnull=True)
    job_ids = [
        str(pk)
        for pk in ReportJob.objects.filter(waiting, status=ReportJob.Status.QUEUED).values_list(
            "pk", flat=True
        )
    ]
    for job_id in job_ids:
        with transaction.atomic():
            updated = ReportJob.objects.filter(
                waiting, pk=job_id, status=ReportJob.Status.QUEUED
            ).update(queued_at=now)
            if updated:
                dispatch_on_commit(report_build_task, job_id)
    return len(job_ids)


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


# --- Templates for data-entry contractors -----------------------------------------------------


def instrument_codebook(*, instrument: Instrument) -> list[list[Any]]:
    rows: list[list[Any]] = []
    for var in instrument.spec["variables"]:
        codes = var.get("codes", {})
        if var["type"] == "id":
            rule = "必須。重複不可。先頭の 0 はそのまま文字として扱います。"
        elif var["type"] == "integer":
            rule = f"整数 {var.get('min')}〜{var.get('max')}。空欄は無回答。"
        else:
            rule = "空欄は無回答。"
        if codes:
            for code, label in codes.items():
                rows.append([var["name"], var.get("question", ""), var["type"], code, label, rule])
        else:
            rows.append([var["name"], var.get("question", ""), var["type"], "", "", rule])
    return rows


CODEBOOK_HEADER = ["変数名", "質問", "型", "コード", "ラベル", "入力規則"]


def instrument_template_csv(*, instrument: Instrument) -> bytes:
    return csv_bytes([v["name"] for v in instrument.spec["variables"]], [])


def instrument_template_xlsx(*, instrument: Instrument) -> bytes:
    from kitakyushu_pf.exports import xlsx_bytes

    return xlsx_bytes(
        [
            ("data", [v["name"] for v in instrument.spec["variables"]], []),
            ("codebook", CODEBOOK_HEADER, instrument_codebook(instrument=instrument)),
        ]
    )


def dataset_discard(*, dataset: Dataset) -> None:
    """Remove a dataset that never loaded anything (a failed command-line import)."""
    if dataset.status == Dataset.Status.LOADED:
        raise ValidationError("読み込み済みのデータセットは削除できません。")
    folder = dataset_dir(dataset)
    with transaction.atomic():
        dataset.delete()

        def remove() -> None:
            for path in folder.glob("*"):
                path.unlink(missing_ok=True)
            folder.rmdir()

        transaction.on_commit(remove)
