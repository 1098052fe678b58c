"""The extended questionnaire in the report: more breakdowns, items asked of part of the sample,
multiple-answer questions, sums of answers, the labels every rendering needs, the mode table and
the trend block. Pure functions of the microdata, the spec and the national figures (the trend
block also reads the earlier fielding's microdata, passed in as a frame).

Report rows keep the tidy shape of ``aggregation.TIDY_COLUMNS``; a multiple-answer row has the
question's name as ``indicator`` and the option's label as ``answer`` (each option its own yes/no
share of everyone asked, 無回答 = ticked nothing).
"""

from __future__ import annotations

import contextlib
import copy
from typing import Any

import numpy as np
import pandas as pd

from .. import aggregation as agg
from ..findings import difference_interval, flag_of, wilson
from .calculations import ReportInputs, _labels, _records, report_compute

BLANKED = ("city_n", "city_pct", "city_ci_low", "city_ci_high", "diff_pt", "p_value")


def extended_spec(spec: dict[str, Any]) -> dict[str, Any]:
    """The spec the main tables are built from: extra breakdowns and indicators added."""
    out = copy.deepcopy(spec)
    report = out.setdefault("report", {})
    names = {v["name"] for v in [*out.get("variables", []), *out.get("derived", [])]}
    for key, extra in (("breakdowns", "extra_breakdowns"), ("indicators", "extra_indicators")):
        current = list(report.get(key, []))
        for name in report.get(extra, []):
            if name in names and name not in current:
                current.append(name)
        report[key] = current
    return out


def _asked(frame: pd.DataFrame, var: dict[str, Any]) -> pd.DataFrame:
    cond = var.get("asked_if")
    if not cond or cond["variable"] not in frame.columns:
        return frame
    return frame[frame[cond["variable"]].isin(cond["codes"])]


def _var(spec: dict[str, Any], name: str) -> dict[str, Any]:
    for var in [*spec.get("variables", []), *spec.get("derived", [])]:
        if var["name"] == name:
            return var
    raise KeyError(name)


def subtable_rows(inputs: ReportInputs, *, publish: bool, threshold: int) -> list[dict[str, Any]]:
    """Items asked of part of the sample: their own base and their own disclosure system."""
    rows: list[dict[str, Any]] = []
    frame = agg.derive(inputs.frame, inputs.spec.get("derived", []))
    for sub in inputs.spec.get("report", {}).get("subtables", []):
        name = sub["indicator"]
        if name not in frame.columns:
            continue
        asked = _asked(frame, _var(inputs.spec, name))
        if not len(asked):
            continue
        spec = copy.deepcopy(inputs.spec)
        spec["report"] = {"indicators": [name], "breakdowns": sub.get("breakdowns", [])}
        part = ReportInputs(
            frame=asked.reset_index(drop=True),
            spec=spec,
            national=inputs.national,
            hikikomori_national=inputs.hikikomori_national,
            rule=inputs.rule,
        )
        rows += report_compute(part, publish=publish, threshold=threshold)["rows"]
    return rows


def multiple_answer_rows(
    inputs: ReportInputs, *, publish: bool, threshold: int
) -> list[dict[str, Any]]:
    """Each option of a multiple-answer question as its own share of everyone asked.

    Options do not add up to the base, so the complementary suppression of single-answer tables
    does not apply; a published option hides a cell with fewer than ``threshold`` people ticking
    it, or fewer than ``threshold`` not ticking it (which would single out those few).
    """
    spec = inputs.spec
    frame = agg.derive(inputs.frame, spec.get("derived", []))
    questions = {q["name"]: q for q in spec.get("multiple_answer", [])}
    parts = []
    for entry in spec.get("report", {}).get("multiple_answer", []):
        question = questions.get(entry["name"])
        if question is None or not all(c in frame.columns for c in question["columns"]):
            continue
        asked = _asked(frame, question)
        ticked = asked[question["columns"]].to_numpy() == 1
        answered = ticked.any(axis=1)
        scopes: list[tuple[str, str, np.ndarray]] = [("total", "", np.ones(len(asked), bool))]
        for breakdown in entry.get("breakdowns", []):
            if breakdown not in asked.columns:
                continue
            codes = asked[breakdown].to_numpy()
            for code, label in _labels(spec, breakdown).items():
                scopes.append((breakdown, label, codes == code))
            scopes.append((breakdown, agg.NO_ANSWER, codes == agg.MISSING))
        for breakdown, group, mask in scopes:
            base = int(mask.sum())
            if base == 0:
                continue
            for j, column in enumerate(question["columns"]):
                parts.append(
                    {
                        "indicator": question["name"],
                        "breakdown": breakdown,
                        "group": group,
                        "answer": _var(spec, column).get("label") or column,
                        "city_n": int(ticked[mask, j].sum()),
                        "city_base": base,
                    }
                )
            parts.append(
                {
                    "indicator": question["name"],
                    "breakdown": breakdown,
                    "group": group,
                    "answer": agg.NO_ANSWER,
                    "city_n": int((~answered[mask]).sum()),
                    "city_base": base,
                }
            )
    if not parts:
        return []
    table = agg.compare_national(agg.add_wilson(pd.DataFrame(parts)), inputs.national)
    table["suppressed"] = False
    if publish:
        small = (table["city_n"] < threshold) | (table["city_base"] - table["city_n"] < threshold)
        small &= table["city_base"] > 0
        table["suppressed"] = small.to_numpy()
        table["city_n"] = table["city_n"].astype("Int64")
        table.loc[small, "city_n"] = pd.NA
        for col in BLANKED[1:]:
            table.loc[small, col] = np.nan
    return _records(table)


def combined_rows(rows: list[dict[str, Any]], inputs: ReportInputs) -> list[dict[str, Any]]:
    """Sums of answers (ある（計） = 3+4+5 …) from the published rows: a sum with a suppressed
    part is itself suppressed (it would give the hidden part away)."""
    combined = inputs.spec.get("report", {}).get("combined", {})
    out: list[dict[str, Any]] = []
    for indicator, sums in combined.items():
        labels = _labels(inputs.spec, indicator)
        by_cell: dict[tuple[str, str], dict[str, dict[str, Any]]] = {}
        for r in rows:
            if r["indicator"] == indicator:
                by_cell.setdefault((r["breakdown"], r["group"] or ""), {})[r["answer"]] = r
        parts = []
        for (breakdown, group), answers in by_cell.items():
            base = next(iter(answers.values()))["city_base"]
            for definition in sums:
                members = [answers.get(labels[c]) for c in definition["codes"] if c in labels]
                present = [m for m in members if m is not None]
                hidden = any(m.get("suppressed") for m in present)
                count = sum(int(m["city_n"] or 0) for m in present) if not hidden else 0
                parts.append(
                    {
                        "indicator": indicator,
                        "breakdown": breakdown,
                        "group": group,
                        "answer": definition["label"],
                        "city_n": count,
                        "city_base": int(base) if base is not None else 0,
                        "suppressed": hidden,
                    }
                )
        if not parts:
            continue
        table = agg.compare_national(agg.add_wilson(pd.DataFrame(parts)), inputs.national)
        hidden_mask = table["suppressed"].to_numpy(dtype=bool)
        if hidden_mask.any():
            table["city_n"] = table["city_n"].astype("Int64")
            table.loc[hidden_mask, "city_n"] = pd.NA
            for col in BLANKED[1:]:
                table.loc[hidden_mask, col] = np.nan
        out += _records(table)
    return out


def labels_block(spec: dict[str, Any]) -> dict[str, Any]:
    """Everything a rendering needs to print labels instead of variable names."""
    out: dict[str, Any] = {}
    for var in [*spec.get("variables", []), *spec.get("derived", [])]:
        out[var["name"]] = {
            "label": var.get("label") or var.get("question") or var["name"],
            "label_en": var.get("label_en") or var.get("label") or var["name"],
            "question": var.get("wording") or var.get("question", ""),
            "question_number": var.get("question_number") or "",
            "codes": {str(k): v for k, v in (var.get("codes") or {}).items()},
            "codes_en": {str(k): v for k, v in (var.get("codes_en") or {}).items()},
        }
    for question in spec.get("multiple_answer", []):
        options = {
            _var(spec, c).get("label") or c: _var(spec, c).get("label_en") or c
            for c in question["columns"]
        }
        out[question["name"]] = {
            "label": question.get("label") or question["name"],
            "label_en": question.get("label_en") or question["name"],
            "question": question.get("wording") or question.get("question", ""),
            "question_number": question.get("question_number") or "",
            "codes": {str(i): ja for i, ja in enumerate(options, start=1)},
            "codes_en": {str(i): en for i, en in enumerate(options.values(), start=1)},
            "multiple": True,
        }
    for definition in spec.get("report", {}).get("combined", {}).values():
        for d in definition:
            out.setdefault("_combined", {})[d["label"]] = d.get("label_en") or d["label"]
    return out


def mode_block(
    inputs: ReportInputs, result: dict[str, Any], *, publish: bool
) -> dict[str, Any] | None:
    """Postal vs web: the split against the national split, and (internal report only) the
    headline answer by mode with the interval of the difference, with the mode-effect note."""
    name = inputs.spec.get("report", {}).get("mode_variable")
    frame = inputs.frame
    if not name or name not in frame.columns:
        return None
    labels = _labels(inputs.spec, name)
    codes = frame[name].to_numpy()
    total = int((codes != agg.MISSING).sum())
    if not total:
        return None
    split = [
        {"group": label, "n": int((codes == code).sum()),
         "pct": 100 * int((codes == code).sum()) / total}
        for code, label in labels.items()
    ]  # fmt: skip
    national = inputs.national
    prof = national[
        (national["indicator"] == "respondent_profile") & (national["breakdown"] == name)
    ]
    national_split = [
        {"group": g, "pct": float(p), "status": s, "source": src}
        for g, p, s, src in zip(
            prof["group"], prof["pct"], prof["status"], prof["source"], strict=True
        )
    ]
    by_mode: list[dict[str, Any]] = []
    difference = None
    headline = inputs.spec.get("report", {}).get("headline") or {}
    indicator = headline.get("indicator")
    if not publish and indicator in frame.columns:
        values = frame[indicator].to_numpy()
        for code, label in labels.items():
            mask = codes == code
            base = int(mask.sum())
            if not base:
                continue
            n = int((values[mask] == int(headline["code"])).sum())
            pct, low, high = wilson(n, base)
            by_mode.append({"group": label, "n": n, "base": base, "pct": pct,
                            "ci_low": low, "ci_high": high})  # fmt: skip
        if len(by_mode) == 2:
            a, b = by_mode
            d_low, d_high = difference_interval(
                {"city_pct": a["pct"], "city_ci_low": a["ci_low"], "city_ci_high": a["ci_high"],
                 "national_pct": b["pct"], "national_ci_low": b["ci_low"],
                 "national_ci_high": b["ci_high"]}
            )  # fmt: skip
            difference = {"a": a["group"], "b": b["group"],
                          "diff": float(a["pct"]) - float(b["pct"]),
                          "low": d_low, "high": d_high, "flag": flag_of(d_low, d_high)}  # fmt: skip
    return {
        "variable": name,
        "indicator": indicator,
        "answer": (result.get("findings_spec") or {}).get("headline", {})
        and result["findings_spec"]["headline"]["answer"],
        "split": split,
        "national": national_split,
        "by_mode": by_mode,
        "difference": difference,
    }


def trend_block(
    *,
    spec: dict[str, Any],
    result: dict[str, Any],
    national_all: pd.DataFrame,
    previous: dict[str, Any] | None,
    threshold: int,
    publish: bool,
    current_period: str = "",
) -> dict[str, Any] | None:
    """The key answer of each indicator: this fielding, the city's earlier fielding (difference
    with its interval) and every national wave the reference data holds."""
    key_answers = spec.get("report", {}).get("key_answers", {})
    totals = {(r["indicator"], r["answer"]): r for r in result["rows"] if r["breakdown"] == "total"}
    series = []
    for indicator, code in key_answers.items():
        try:
            answer = _labels(spec, indicator)[int(code)]
        except KeyError:
            continue
        here = totals.get((indicator, answer))
        if here is None:
            continue
        nat = national_all[
            (national_all["indicator"] == indicator)
            & (national_all["breakdown"] == "total")
            & (national_all["answer"] == answer)
        ].sort_values("wave")
        waves = [
            {"wave": w, "pct": float(p), "status": s, "source": src}
            for w, p, s, src in zip(
                nat["wave"], nat["pct"], nat["status"], nat["source"], strict=True
            )
        ]
        before = None
        if previous is not None:
            frame = agg.derive(previous["frame"], spec.get("derived", []))
            if indicator in frame.columns:
                values = frame[indicator].to_numpy()
                base = int(len(values))
                n = int((values == int(code)).sum())
                small = publish and (n < threshold or base - n < threshold)
                if base and not small:
                    pct, lo, hi = wilson(n, base)
                    before = {"title": previous["title"], "period": previous["period"],
                              "pct": pct, "ci_low": lo, "ci_high": hi, "n": n, "base": base}  # fmt: skip  # noqa: E501
                elif base:
                    before = {"title": previous["title"], "period": previous["period"],
                              "suppressed": True}  # fmt: skip
        change = None
        if before and not before.get("suppressed") and here.get("city_pct") is not None:
            low, high = difference_interval(
                {
                    "city_pct": here["city_pct"], "city_ci_low": here["city_ci_low"],
                    "city_ci_high": here["city_ci_high"], "national_pct": before["pct"],
                    "national_ci_low": before["ci_low"], "national_ci_high": before["ci_high"],
                }
            )  # fmt: skip
            change = {"diff": here["city_pct"] - before["pct"], "low": low, "high": high,
                      "flag": flag_of(low, high)}  # fmt: skip
        if len(waves) < 2 and before is None:
            continue
        series.append(
            {
                "indicator": indicator,
                "answer": answer,
                "current": {
                    "pct": here.get("city_pct"),
                    "ci_low": here.get("city_ci_low"),
                    "ci_high": here.get("city_ci_high"),
                    "suppressed": bool(here.get("suppressed")),
                },
                "current_period": current_period,
                "current_year": int(current_period[:4]) if current_period[:4].isdigit() else 0,
                "previous": before,
                "change": change,
                "national": waves,
            }
        )
    return {"series": series} if series else None


def findings_spec(spec: dict[str, Any]) -> dict[str, Any]:
    report = spec.get("report", {})
    headline = report.get("headline") or {}
    out: dict[str, Any] = {"items": [], "headline": None}
    if headline:
        with contextlib.suppress(KeyError):
            out["headline"] = {
                "indicator": headline["indicator"],
                "answer": _labels(spec, headline["indicator"])[int(headline["code"])],
            }
    for item in report.get("findings", []):
        code = report.get("key_answers", {}).get(item["indicator"])
        try:
            answer = _labels(spec, item["indicator"])[int(code)]
        except (KeyError, TypeError):
            continue
        out["items"].append({**item, "answer": answer})
    out["key_answers"] = {
        ind: _labels(spec, ind).get(int(code), "")
        for ind, code in report.get("key_answers", {}).items()
        if any(v["name"] == ind for v in [*spec.get("variables", []), *spec.get("derived", [])])
    }
    return out


def extend_result(
    result: dict[str, Any],
    *,
    inputs: ReportInputs,
    publish: bool,
    threshold: int,
) -> dict[str, Any]:
    """Add the extended questionnaire's tables and the blocks the renderings use."""
    spec = inputs.spec
    rows = list(result.get("rows", []))
    rows += subtable_rows(inputs, publish=publish, threshold=threshold)
    rows += combined_rows(rows, inputs)
    rows += multiple_answer_rows(inputs, publish=publish, threshold=threshold)
    order: dict[str, int] = {}
    for r in rows:
        order.setdefault(r["indicator"], len(order))
    result["rows"] = sorted(rows, key=lambda r: order[r["indicator"]])  # stable: grouped
    result["labels"] = labels_block(spec)
    result["findings_spec"] = findings_spec(spec)
    result["mode_table"] = mode_block(inputs, result, publish=publish)
    return result
