"""Pure report calculations: microdata, instrument spec and national figures in, plain JSON out.

Nothing here reads the database or settings: the national figures and the national respondent
profile arrive as arguments (see ReportInputs)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .. import aggregation as agg
from ..disclosure import apply_suppression


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
    # National respondent profile rows (indicator "respondent_profile"): wave, breakdown,
    # group, pct, status, source. Empty: no age standardisation.
    national_profile: pd.DataFrame = field(default_factory=pd.DataFrame)


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
    profile = inputs.national_profile
    if not len(profile):
        return None
    profile = profile[profile["breakdown"] == by].sort_values("wave", kind="stable")
    if not len(profile):
        return None
    wave = profile.iloc[0]["wave"]
    labels = _labels(inputs.spec, by)
    code_of = {v: k for k, v in labels.items()}
    same_wave = profile[profile["wave"] == wave]
    weights = {
        code_of[g]: float(p)
        for g, p in zip(same_wave["group"], same_wave["pct"], strict=True)
        if g in code_of
    }
    source = same_wave.iloc[0]
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
            f"全国調査（{wave}）の回答者の年齢構成（{source['status']}、"
            f"出典: {source['source']}）による直接法。"
            f"{inputs.spec['wave']} の回答者年齢構成は未確認のため {wave} を用いています。"
        ),
        "national": national,
        "suppressed": False,
    }
