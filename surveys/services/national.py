"""National reference figures: the shipped CSV, analysts' replacements, report look-ups."""

from __future__ import annotations

import csv
import io
from decimal import Decimal, InvalidOperation

import pandas as pd
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import NationalFigure
from ._common import NATIONAL_COLUMNS, NATIONAL_CSV

# --- National reference figures ----------------------------------------------------------------


def _national_rows(text: str) -> list[NationalFigure]:
    reader = csv.DictReader(io.StringIO(text))
    if [c.strip() for c in (reader.fieldnames or [])] != NATIONAL_COLUMNS:
        raise ValidationError(
            _("The columns must be %(columns)s in this order.")
            % {"columns": ",".join(NATIONAL_COLUMNS)}
        )
    figures, errors, seen = [], [], set()
    statuses = set(NationalFigure.Status.values)
    for line, row in enumerate(reader, start=2):
        try:
            pct = Decimal(row["pct"].strip())
        except InvalidOperation:
            errors.append(
                _("Line %(line)s: pct is not a number (%(value)s)")
                % {"line": line, "value": row["pct"]}
            )
            continue
        base = row["base_n"].strip()
        if base and not base.isdigit():
            errors.append(
                _("Line %(line)s: base_n is not a whole number (%(value)s)")
                % {"line": line, "value": base}
            )
            continue
        if row["status"].strip() not in statuses:
            errors.append(
                _("Line %(line)s: status is not valid (%(value)s)")
                % {"line": line, "value": row["status"]}
            )
            continue
        if not row["source"].strip():
            errors.append(_("Line %(line)s: source is missing") % {"line": line})
            continue
        key = tuple(row[c].strip() for c in NATIONAL_COLUMNS[:6])
        if key in seen:
            errors.append(
                _("Line %(line)s: the same combination appears in another row") % {"line": line}
            )
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
        raise ValidationError(_("Save the CSV in UTF-8.")) from exc
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
