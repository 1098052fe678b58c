"""National reference figures: the shipped CSV, analysts' replacements, report look-ups."""

from __future__ import annotations

import csv
import io
from decimal import Decimal, InvalidOperation

import pandas as pd
from django.core.exceptions import ValidationError
from django.db import transaction

from ..models import NationalFigure
from ._common import NATIONAL_COLUMNS, NATIONAL_CSV

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


def national_profile(*, survey: str) -> pd.DataFrame:
    """The national respondent profile (indicator respondent_profile) of one survey, all waves."""
    frame = _national_frame(survey=survey)
    return frame[frame["indicator"] == "respondent_profile"].reset_index(drop=True)
