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
from .calculations import (
    DERIVED_COLUMNS,
    ReportInputs,
    _labels,
    _records,
    report_compute,
    report_weights,
    suppressed_blank,
)


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


def hidden_sizes_of(rows: list[dict[str, Any]]) -> set[tuple[str, str]]:
    """(breakdown, group) whose size the published main tables do not give: a suppressed group
    base, or a suppressed answer of an indicator's total distribution (the size of that group
    when the indicator is a breakdown, e.g. 孤独感 for the tables asked by 孤独感)."""
    out: set[tuple[str, str]] = set()
    for r in rows:
        if r["breakdown"] == "total":
            if r.get("suppressed"):
                out.add((r["indicator"], r["answer"] or ""))
        elif r.get("city_base") is None:
            out.add((r["breakdown"], r["group"] or ""))
    return out


def _withhold(row: dict[str, Any]) -> dict[str, Any]:
    out = {**row, "city_n": None, "city_base": None, "suppressed": True}
    for col in DERIVED_COLUMNS:
        if col in out:
            out[col] = None
    return out


def subtable_rows(
    inputs: ReportInputs,
    *,
    publish: bool,
    threshold: int,
    hidden_sizes: set[tuple[str, str]] | frozenset[tuple[str, str]] = frozenset(),
) -> list[dict[str, Any]]:
    """Items asked of part of the sample: their own base and their own disclosure system.

    In publication mode a group whose size the main tables suppress (``hidden_sizes``) is
    withheld, and so is the total when it would add such a group back (its base is the number
    asked, e.g. Σ 孤独感 2〜5)."""
    rows: list[dict[str, Any]] = []
    frame = agg.derive(inputs.frame, inputs.spec.get("derived", []))
    weights, _info = report_weights(inputs)
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
            # each respondent keeps the weight raked on the whole sample
            weights=None if weights is None else weights[frame.index.get_indexer(asked.index)],
        )
        found = report_compute(part, publish=publish, threshold=threshold)["rows"]
        if publish and hidden_sizes:
            cond = _var(inputs.spec, name).get("asked_if") or {}
            asked_labels: set[str] = set()
            if cond:
                labels = _labels(inputs.spec, cond["variable"])
                asked_labels = {labels[int(c)] for c in cond["codes"] if int(c) in labels}
            touches = any((cond.get("variable"), a) in hidden_sizes for a in asked_labels)
            withheld = [
                r["breakdown"] != "total" and (r["breakdown"], r["group"] or "") in hidden_sizes
                for r in found
            ]
            touches = touches or any(withheld)
            found = [
                _withhold(r) if w or (touches and r["breakdown"] == "total") else r
                for r, w in zip(found, withheld, strict=True)
            ]
        rows += found
    return rows


def _chosen(ticked: np.ndarray, answered: np.ndarray, j: int) -> np.ndarray:
    """Answer j of a multiple-answer question per respondent as 0/1 weights: option j, or
    無回答 (nothing ticked) after the last option."""
    return (ticked[:, j] if j < ticked.shape[1] else ~answered).astype(np.float64)


def multiple_answer_rows(
    inputs: ReportInputs,
    *,
    publish: bool,
    threshold: int,
    hidden_sizes: set[tuple[str, str]] | frozenset[tuple[str, str]] = frozenset(),
) -> list[dict[str, Any]]:
    """Each option of a multiple-answer question as its own share of everyone asked.

    Options do not add up to the base, but each option adds up over the groups of a breakdown
    (the total = Σ groups): publication protects each such chain (``_protect_multiple``), and a
    group whose size the main tables suppress (``hidden_sizes``) is withheld.
    """
    spec = inputs.spec
    frame = agg.derive(inputs.frame, spec.get("derived", []))
    weights, _info = report_weights(inputs)
    questions = {q["name"]: q for q in spec.get("multiple_answer", [])}
    parts = []
    for entry in spec.get("report", {}).get("multiple_answer", []):
        question = questions.get(entry["name"])
        if question is None or not all(c in frame.columns for c in question["columns"]):
            continue
        asked = _asked(frame, question)
        w = None if weights is None else weights[frame.index.get_indexer(asked.index)]
        ticked = asked[question["columns"]].to_numpy() == 1
        answered = ticked.any(axis=1)
        answers = [
            *((_var(spec, column).get("label") or column) for column in question["columns"]),
            agg.NO_ANSWER,
        ]
        # Each answer (each option, then 無回答 = nothing ticked) is counted per group with one
        # bincount over the group slots, instead of a boolean mask per (group, answer).
        scopes: list[tuple[str, list[str], np.ndarray]] = [
            ("total", [""], np.zeros(len(asked), dtype=np.int64))
        ]
        for breakdown in entry.get("breakdowns", []):
            if breakdown not in asked.columns:
                continue
            codes = asked[breakdown].to_numpy()
            labels = _labels(spec, breakdown)
            slot = np.full(len(asked), len(labels) + 1, dtype=np.int64)  # other codes: no group
            for k, code in enumerate([*labels, agg.MISSING]):
                slot[codes == code] = k
            scopes.append((breakdown, [*labels.values(), agg.NO_ANSWER], slot))
        for breakdown, groups, slot in scopes:
            size = len(groups) + 1
            bases = np.bincount(slot, minlength=size)
            cells = [
                np.bincount(slot, weights=_chosen(ticked, answered, j), minlength=size)
                for j in range(len(answers))
            ]
            if w is not None:  # as aggregation.distribution: Σw, Σw², n with weight
                w_bases = np.bincount(slot, weights=w, minlength=size)
                w2_bases = np.bincount(slot, weights=w * w, minlength=size)
                w_counts = np.bincount(slot, weights=(w > 0).astype(np.float64), minlength=size)
                w_cells = [
                    np.bincount(slot, weights=w * _chosen(ticked, answered, j), minlength=size)
                    for j in range(len(answers))
                ]
            for k, group in enumerate(groups):
                base = int(bases[k])
                if base == 0:
                    continue
                for j, answer in enumerate(answers):
                    row: dict[str, Any] = {
                        "indicator": question["name"],
                        "breakdown": breakdown,
                        "group": group,
                        "answer": answer,
                        "city_n": int(cells[j][k]),
                        "city_base": base,
                    }
                    if w is not None:
                        row.update(
                            w_n=float(w_cells[j][k]),
                            w_base=float(w_bases[k]),
                            w2_base=float(w2_bases[k]),
                            w_count=float(w_counts[k]),
                        )
                    parts.append(row)
    if not parts:
        return []
    table = agg.compare_national(agg.add_wilson(pd.DataFrame(parts)), inputs.national)
    table = agg.add_weighted(table)
    table["suppressed"] = False
    if publish:
        hide, hide_base = _protect_multiple(table, threshold=threshold, hidden_sizes=hidden_sizes)
        suppressed_blank(table, hide, hide_base)
    return _records(table)


def _protect_multiple(
    table: pd.DataFrame, *, threshold: int, hidden_sizes: set[tuple[str, str]] | frozenset
) -> tuple[np.ndarray, np.ndarray]:
    """Publication masks (cells, bases) of the multiple-answer rows.

    For each option (and 無回答) the groups of a breakdown add up to the total: knowing the total
    and the shown groups, an attacker knows the sum S of the hidden cells (and, from the bases,
    the sum of the hidden "not ticked"). A cell is hidden when fewer than ``threshold`` people
    tick it or leave it unticked, or when its group's size is suppressed in the main tables;
    then, cheapest first (無回答 groups, then the smallest counts), more cells of the chain are
    hidden until every hidden cell's feasible interval is at least ``threshold`` wide; if that
    cannot be reached, the option is hidden in every breakdown and in the total.
    """
    n = table["city_n"].to_numpy(dtype=float)
    base = table["city_base"].to_numpy(dtype=float)
    hide = ((n < threshold) | (base - n < threshold)) & (base > 0)
    withheld = np.array(
        [
            b != "total" and (b, g or "") in hidden_sizes
            for b, g in zip(table["breakdown"], table["group"], strict=True)
        ]
    )
    hide |= withheld
    keys = ["indicator", "answer"]
    for _, option in table.groupby(keys, sort=False):
        total = option[option["breakdown"] == "total"]
        if not len(total):
            continue
        t = int(total.index[0])
        give_up = bool(hide[t])
        chains = [c for b, c in option.groupby("breakdown", sort=False) if b != "total"]
        for chain in chains:
            if give_up:
                break
            give_up = not _protect_chain(
                chain, n, base, hide, withheld, total_n=n[t], total_base=base[t],
                threshold=threshold,
            )  # fmt: skip
        if give_up:
            hide[option.index.to_numpy()] = True
    return hide, withheld


def _protect_chain(
    chain: pd.DataFrame,
    n: np.ndarray,
    base: np.ndarray,
    hide: np.ndarray,
    withheld: np.ndarray,
    *,
    total_n: float,
    total_base: float,
    threshold: int,
) -> bool:
    """Hide more cells of one chain (Σ cells = total) until every hidden cell keeps an interval
    of at least `threshold`; False when even hiding every cell does not (then the total goes)."""
    idx = [int(i) for i in chain.index]
    no_answer = {i for i in idx if chain.at[i, "group"] == agg.NO_ANSWER}
    while True:
        hidden = [i for i in idx if hide[i]]
        if not hidden:
            return True
        visible = [i for i in idx if not hide[i]]
        s = total_n - sum(n[i] for i in visible)
        s_not = (total_base - total_n) - sum(base[i] - n[i] for i in visible)
        bases_left = total_base - sum(base[i] for i in visible)
        known = [i for i in hidden if not withheld[i]]
        unknown_bases = bases_left - sum(base[i] for i in known)
        cap = {i: (base[i] if not withheld[i] else unknown_bases) for i in hidden}
        wide = len(hidden) >= 2
        for i in hidden if wide else []:
            upper = min(s, cap[i])
            lower = max(0.0, s - sum(cap[j] for j in hidden if j != i))
            if not withheld[i]:
                lower = max(lower, base[i] - s_not)
            if upper - lower < threshold:
                wide = False
                break
        if wide:
            return True
        if not visible:
            return False
        pick = min(visible, key=lambda i: (i not in no_answer, n[i], i))
        hide[pick] = True


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
    report = spec.get("report", {})
    key_answers = report.get("key_answers", {})
    totals = {(r["indicator"], r["answer"]): r for r in result["rows"] if r["breakdown"] == "total"}
    series = []
    # In the report's order (its lists), not the mapping's: a spec stored as PostgreSQL jsonb
    # keeps an object's keys sorted by length.
    listed = [
        *report.get("indicators", []),
        *report.get("extra_indicators", []),
        *(sub["indicator"] for sub in report.get("subtables", [])),
    ]
    order = [i for i in dict.fromkeys(listed) if i in key_answers]
    order += sorted(i for i in key_answers if i not in order)
    for indicator in order:
        code = key_answers[indicator]
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
            with contextlib.suppress(KeyError):  # on the same base as this fielding's share
                frame = _asked(frame, _var(spec, indicator))
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
    rows += result.pop("combined", [])
    hidden = hidden_sizes_of(rows) if publish else set()
    rows += subtable_rows(inputs, publish=publish, threshold=threshold, hidden_sizes=hidden)
    rows += multiple_answer_rows(inputs, publish=publish, threshold=threshold, hidden_sizes=hidden)
    order: dict[str, int] = {}
    for r in rows:
        order.setdefault(r["indicator"], len(order))
    result["rows"] = sorted(rows, key=lambda r: order[r["indicator"]])  # stable: grouped
    result["labels"] = labels_block(spec)
    result["findings_spec"] = findings_spec(spec)
    result["mode_table"] = mode_block(inputs, result, publish=publish)
    return result
