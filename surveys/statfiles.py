"""SPSS (.sav) and Stata (.dta) files of a dataset's microdata, with variable and value labels
(pyreadstat), for analysts who continue in SPSS, Stata or R.

Codes stay the instrument's integers; 無回答 (-1 in the stored microdata) is a missing value:
user-missing -1 in SPSS, Stata's extended missing ``.a`` (labelled 無回答). Derived variables
(UCLA score and band) are included, computed exactly as in the report.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import aggregation as agg

FORMATS = {
    "sav": "application/x-spss-sav",
    "dta": "application/x-stata-dta",
}
STATA_LABEL_MAX = 80


def _variables(spec: dict[str, Any]) -> list[dict[str, Any]]:
    return [*spec.get("variables", []), *spec.get("derived", [])]


def _variable_label(var: dict[str, Any]) -> str:
    number = var.get("question_number")
    text = var.get("question") or var.get("label") or var["name"]
    return f"{number} {text}" if number else text


def microdata_for_export(frame: pd.DataFrame, spec: dict[str, Any]) -> pd.DataFrame:
    frame = agg.derive(frame, spec.get("derived", []))
    names = [v["name"] for v in _variables(spec) if v["name"] in frame.columns]
    return frame[names]


def write_statfile(frame: pd.DataFrame, spec: dict[str, Any], fmt: str) -> bytes:
    """The microdata as .sav or .dta bytes, labelled from the instrument."""
    import pyreadstat

    if fmt not in FORMATS:
        raise ValueError(fmt)
    data = microdata_for_export(frame, spec)
    variables = {v["name"]: v for v in _variables(spec) if v["name"] in data.columns}
    column_labels: list[str | None] = [_variable_label(variables[c]) for c in data.columns]
    value_labels: dict[str, dict[Any, str]] = {}
    out = pd.DataFrame(index=data.index)
    for name in data.columns:
        var = variables[name]
        if var.get("type") == "id":
            out[name] = data[name].astype(str)
            continue
        values = data[name].to_numpy().astype(float)
        codes = {int(k): str(v) for k, v in (var.get("codes") or {}).items()}
        if fmt == "sav":
            out[name] = values  # -1 declared user-missing below
            value_labels[name] = {**{float(k): v for k, v in codes.items()}, -1.0: agg.NO_ANSWER}
        else:
            values[values == agg.MISSING] = np.nan
            out[name] = values
            if codes:
                value_labels[name] = {k: v for k, v in codes.items()}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"data.{fmt}"
        if fmt == "sav":
            pyreadstat.write_sav(
                out,
                str(path),
                column_labels=column_labels,
                variable_value_labels=value_labels,
                missing_ranges={n: [-1] for n in out.columns if variables[n].get("type") != "id"},
            )
        else:
            pyreadstat.write_dta(
                out,
                str(path),
                column_labels=[(label or "")[:STATA_LABEL_MAX] for label in column_labels],
                variable_value_labels=value_labels,
                version=15,
            )
        return path.read_bytes()


def dataset_statfile(dataset: Any, fmt: str) -> bytes:
    """The labelled .sav / .dta file of a loaded dataset (callers write the audit row first)."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    from .models import Dataset
    from .services import microdata_frame

    if dataset.status != Dataset.Status.LOADED:
        raise ValidationError(_("No data is loaded, so nothing can be exported."))
    return write_statfile(microdata_frame(dataset), dataset.instrument.spec, fmt)


def statfile_name(dataset: Any, fmt: str) -> str:
    return f"survey-microdata-{str(dataset.pk)[:8]}.{fmt}"
