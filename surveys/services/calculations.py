"""Pure report calculations: microdata, instrument spec and national figures in, plain JSON out.

Nothing here reads the database or settings: the national figures and the national respondent
profile arrive as arguments (see ReportInputs)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from django.utils.translation import gettext, ngettext, pgettext

from .. import aggregation as agg
from ..disclosure import Pattern, suppress
from ..disclosure_rate import Shown, StandardisedRate, rate_protection, rate_terms


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
    # Population margins for raking: {variable: {code: count}}; None: unweighted report.
    margins: dict[str, dict[int, float]] | None = None
    # Trimming bounds (ratios to the mean weight) set by the analyst; None: no trimming.
    weight_bounds: tuple[float, float] | None = None
    # Weights already raked on the whole sample (tables of part of it); used as given.
    weights: np.ndarray | None = None
    # report_weights' answer, kept: the main, extended and multiple-answer tables share it.
    raked: tuple[np.ndarray | None, dict[str, Any] | None] | None = field(
        default=None, init=False, repr=False, compare=False
    )


def headline_answers(spec: dict[str, Any]) -> dict[str, str]:
    """Indicator → the answer label its breakdowns are read by (kept visible if possible): the
    headline, `report.headline_answers` and each indicator's key answer (`report.key_answers`,
    what its findings and charts are about)."""
    report = spec.get("report", {})
    codes = {**report.get("key_answers", {}), **report.get("headline_answers", {})}
    if report.get("headline"):
        codes.setdefault(report["headline"]["indicator"], report["headline"]["code"])
    out = {}
    for ind, code in codes.items():
        labels = _labels(spec, ind)
        if int(code) in labels:
            out[ind] = labels[int(code)]
    return out


def hikikomori_note(rule_by_band: dict[str, str]) -> str:
    """How hikikomori is judged in each age band, in the active language."""
    rules = pgettext("list separator in a sentence", ", ").join(
        gettext("%(band)s: %(rule)s rule") % {"band": b, "rule": r} for b, r in rule_by_band.items()
    )
    return gettext(
        "Each age band is judged by the same rule as the national survey it is compared with "
        "(%(rules)s). For no answer, “strict” (left out as not classifiable, the national "
        "convention) is compared with the nation, and “inclusive” (counted in the broad "
        "hikikomori group, as in the city's 2022 count) is shown beside it."
    ) % {"rules": rules}


def weighting_note(info: dict[str, Any] | None) -> str:
    """How the report was weighted, in the active language, from the stored weighting info
    (so a stored report can be described again in the reader's language)."""
    if not info:
        return ""
    variables = pgettext("list separator", ", ").join(info["variables"])
    if info.get("empty_cells"):
        return gettext(
            "The population margins (%(variables)s) have categories without respondents "
            "(%(cells)s), so the report could not be weighted."
        ) % {
            "variables": variables,
            "cells": pgettext("list separator in a sentence", ", ").join(info["empty_cells"]),
        }
    figures = {"iterations": info["iterations"], "error": f"{info['max_rel_error']:.1e}"}
    if info["converged"]:
        state = (
            ngettext(
                "converged in %(iterations)s iteration (largest relative error %(error)s)",
                "converged in %(iterations)s iterations (largest relative error %(error)s)",
                int(info["iterations"]),
            )
            % figures
        )
    else:
        state = (
            ngettext(
                "not converged after %(iterations)s iteration (largest relative error %(error)s)",
                "not converged after %(iterations)s iterations (largest relative error %(error)s)",
                int(info["iterations"]),
            )
            % figures
        )
    trimmed = (
        gettext(", weights bounded") if info.get("trimmed") else gettext(", weights not trimmed")
    )
    blank = int(info["excluded_blank"])
    return (
        gettext(
            "Raking (iterative proportional fitting) to the resident register counts "
            "(%(variables)s): %(state)s%(trimmed)s. "
        )
        % {"variables": variables, "state": state, "trimmed": trimmed}
        + ngettext(
            "%(blank)s person with a blank weighting variable is not in the weighted figures. ",
            "%(blank)s people with a blank weighting variable are not in the weighted figures. ",
            blank,
        )
        % {"blank": f"{blank:,}"}
        + gettext(
            "The 95%% intervals are Wilson intervals with Kish's effective sample size, "
            "deff = n·Σw²/(Σw)²."
        )
        % {}
    )


def report_weights(inputs: ReportInputs) -> tuple[np.ndarray | None, dict[str, Any] | None]:
    """The raking weights of the respondents (None: unweighted) and the weighting info."""
    if inputs.weights is not None:
        return inputs.weights, None
    if not inputs.margins:
        return None, None
    if inputs.raked is None:  # raked once per report
        weights, weighting = agg.rake(inputs.frame, inputs.margins, bounds=inputs.weight_bounds)
        usable = not weighting.get("empty_cells") and weighting["converged"]
        inputs.raked = (weights if usable else None, weighting)
    return inputs.raked


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
    weights, weighting = report_weights(inputs)
    tables = []
    indicators = report.get("indicators", [])
    breakdowns = report.get("breakdowns", [])
    steps = max(len(indicators) * (len(breakdowns) + 1), 1)
    done = 0
    for ind in indicators:
        answers = _labels(spec, ind)
        tables.append(
            agg.distribution(frame, indicator=ind, answer_labels=answers, weights=weights)
        )
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
                    weights=weights,
                )
            )
            progress(10 + int(60 * done / steps))
    hikikomori = None
    hik = pd.DataFrame()
    if report.get("hikikomori"):
        band_labels = _labels(spec, "age_band")
        band_labels = {k: v for k, v in band_labels.items() if v != "その他の年齢"}
        hik, hikikomori = hikikomori_section(
            frame, band_labels=band_labels, national=inputs.hikikomori_national
        )
        if publish:
            hik, hikikomori = protect_hikikomori(hik, hikikomori, threshold=threshold)
    progress(75)
    dist = pd.concat(tables, ignore_index=True) if tables else pd.DataFrame()
    parts = []
    chi_square: list[dict[str, Any]] = []
    pattern: Pattern | None = None
    combined = pd.DataFrame()
    if len(dist):
        dist = agg.add_weighted(agg.compare_national(agg.add_wilson(dist), inputs.national))
        combined = combined_table(dist, spec, inputs.national)
        if len(combined):
            # One Holm family per table: the sums of answers are tests of the same table.
            adjusted = agg.holm_within_tables(pd.concat([dist, combined], ignore_index=True))
            dist["p_adjusted"] = adjusted[: len(dist)]
            combined["p_adjusted"] = adjusted[len(dist) :]
        chi_square = agg.chi_square_by_distribution(dist)
        if publish:
            dist, pattern = suppress(
                dist, threshold=threshold, protect_answers=dict(headline_answers(spec))
            )
            hidden = {
                (r.indicator, r.breakdown, r.group) for r in dist.itertuples() if r.suppressed
            }
            chi_square = [
                c for c in chi_square if (c["indicator"], c["breakdown"], c["group"]) not in hidden
            ]
            combined = hide_combined(combined, dist, spec)
        parts.append(dist)
    if len(hik):
        parts.append(hik)
    progress(85)
    rows_frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    if "suppressed" not in rows_frame.columns:
        rows_frame["suppressed"] = False
    rows_frame["suppressed"] = rows_frame["suppressed"].fillna(False).astype(bool)
    standardised = None
    headline = report.get("headline")
    if headline and report.get("standardise_by"):
        found = _standardised(frame, inputs, headline, report["standardise_by"])
        if found is not None:
            blocks, terms = found
            standardised = blocks[Shown.ALL]
            # Publication: the rate, its interval, the crude rate and the number left out are
            # equations in the cells the tables suppress; shown only as far as the attacker's LP
            # stays as wide with them (disclosure_rate).
            if publish and pattern is not None:
                standardised = blocks[rate_protection(pattern, terms, threshold=threshold)]
    return {
        "rows": _records(rows_frame),
        # sums of answers (report.combined), tested in their table's Holm family and
        # suppressed with their parts; added to the rows by extend_result
        "combined": _records(combined) if len(combined) else [],
        "standardised": standardised,
        "hikikomori": hikikomori,
        "chi_square": chi_square,
        "weighting": {**weighting, "note": weighting_note(weighting)} if weighting else None,
    }


# Every figure derived from a published count: blanked with the count.
DERIVED_COLUMNS = (
    "city_pct", "city_ci_low", "city_ci_high", "diff_pt", "diff_ci_low", "diff_ci_high",
    "p_value", "p_adjusted", "weighted_pct", "weighted_ci_low", "weighted_ci_high", "deff",
)  # fmt: skip


def _combined_members(spec: dict[str, Any]) -> list[tuple[str, str, set[str]]]:
    """(indicator, label of the sum, labels of its answers) of `report.combined`."""
    out = []
    for indicator, sums in spec.get("report", {}).get("combined", {}).items():
        try:
            labels = _labels(spec, indicator)
        except KeyError:
            continue
        for definition in sums:
            members = {labels[int(c)] for c in definition["codes"] if int(c) in labels}
            out.append((indicator, definition["label"], members))
    return out


def combined_table(
    dist: pd.DataFrame, spec: dict[str, Any], national: pd.DataFrame
) -> pd.DataFrame:
    """Sums of answers the national reports print (ある（計） = 3+4+5 …), per group of every
    breakdown, from the unsuppressed distribution: counts, Wilson intervals, the comparison with
    the nation and, with weights, the weighted share (the group's Σw, Σw² and n are its parts')."""
    keys = ["indicator", "breakdown", "group"]
    weighted = "w_n" in dist.columns
    given = ["group_code", "city_base", *(["w_base", "w2_base", "w_count"] if weighted else [])]
    summed = ["city_n", *(["w_n"] if weighted else [])]
    tables: list[pd.DataFrame] = []
    for indicator, label, members in _combined_members(spec):
        sub = dist[dist["indicator"] == indicator]
        if not len(sub):
            continue
        # Each group of each breakdown once, in order, with its parts' sums (0 without any).
        groups = sub.drop_duplicates(keys)[keys + given]
        inside = sub[sub["answer"].isin(members)].groupby(keys, sort=False)[summed].sum()
        table = groups.merge(inside.reset_index(), on=keys, how="left")
        table[summed] = table[summed].fillna(0)
        table.insert(3, "answer", label)
        tables.append(table)
    if not tables:
        return pd.DataFrame()
    parts = pd.concat(tables, ignore_index=True)
    parts["city_n"] = parts["city_n"].astype(np.int64)
    parts["city_base"] = parts["city_base"].astype(np.int64)
    order = ["indicator", "breakdown", "group", "answer", "group_code", "city_n", "city_base"]
    if weighted:
        order += ["w_n", "w_base", "w2_base", "w_count"]
        parts[order[7:]] = parts[order[7:]].astype(float)
    return agg.add_weighted(agg.compare_national(agg.add_wilson(parts[order]), national))


def hide_combined(combined: pd.DataFrame, dist: pd.DataFrame, spec: dict[str, Any]) -> pd.DataFrame:
    """Publication: a sum with a suppressed part (or a suppressed base) is suppressed, and every
    figure derived from it (interval, difference, tests, weighted share) goes with it."""
    if not len(combined):
        return combined
    out = combined.copy()
    hidden_cells = {
        (r.indicator, r.breakdown, r.group, r.answer) for r in dist.itertuples() if r.suppressed
    }
    hidden_bases = {
        (r.indicator, r.breakdown, r.group) for r in dist.itertuples() if pd.isna(r.city_base)
    }
    members = {(ind, label): m for ind, label, m in _combined_members(spec)}
    mask = np.zeros(len(out), dtype=bool)
    base_mask = np.zeros(len(out), dtype=bool)
    for i, r in enumerate(out.itertuples()):
        scope = (r.indicator, r.breakdown, r.group)
        base_mask[i] = scope in hidden_bases
        parts = members.get((r.indicator, r.answer), set())
        mask[i] = base_mask[i] or any((*scope, a) in hidden_cells for a in parts)
    return suppressed_blank(out, mask, base_mask)


def suppressed_blank(table: pd.DataFrame, hide: Any, hide_base: Any) -> pd.DataFrame:
    """Mark the rows ``hide`` suppressed and blank their count and every figure derived from it;
    blank the base of the rows ``hide_base`` (in place; returns the table)."""
    table["suppressed"] = hide
    table["city_n"] = table["city_n"].astype("Int64")
    table["city_base"] = table["city_base"].astype("Int64")
    table.loc[hide, "city_n"] = pd.NA
    table.loc[hide_base, "city_base"] = pd.NA
    for col in DERIVED_COLUMNS:
        if col in table.columns:
            table.loc[hide, col] = np.nan
    return table


def hikikomori_section(
    frame: pd.DataFrame, *, band_labels: dict[int, str], national: pd.DataFrame
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Prevalence by age band, each band under the rule of the national wave it is compared
    with (15〜39歳: H27, 40〜64歳: H30), with 無回答 strict (compared with the nation) and
    inclusive (shown beside it, not compared), and the exclusion steps of both."""
    rule = {code: agg.WAVE_RULE_BY_BAND.get(label, "H30") for code, label in band_labels.items()}
    strict, excl_strict = agg.hikikomori_prevalence(
        frame, rule=rule, band_labels=band_labels, missing="strict"
    )
    inclusive, excl_inclusive = agg.hikikomori_prevalence(
        frame, rule=rule, band_labels=band_labels, missing="inclusive"
    )
    compared = agg.compare_national(agg.add_wilson(strict), national) if len(strict) else strict
    beside = agg.add_wilson(inclusive).assign(indicator="hikikomori_inclusive")
    rows = pd.concat([compared, beside], ignore_index=True)
    steps = []
    for s, i in zip(excl_strict.to_dict("records"), excl_inclusive.to_dict("records"), strict=True):
        steps.append(
            {"group": s["group"], "rule": s["rule"], "step": s["step"],
             "strict": _int_or_none(s["removed"] if s["remaining"] is None
                                    or pd.isna(s["remaining"]) else s["remaining"]),
             "inclusive": _int_or_none(i["removed"] if i["remaining"] is None
                                       or pd.isna(i["remaining"]) else i["remaining"]),
             "is_count_of_candidates": s["step"] == agg.STEP_CANDIDATE}
        )  # fmt: skip
    effect = []
    for group in ["", *band_labels.values()]:
        a = strict[(strict["group"] == group) & (strict["answer"] == "広義")]
        b = inclusive[(inclusive["group"] == group) & (inclusive["answer"] == "広義")]
        if len(a) and len(b):
            sn, inn = int(a["city_n"].iloc[0]), int(b["city_n"].iloc[0])
            effect.append({"group": group, "strict": sn, "inclusive": inn, "moved": inn - sn})
    rule_by_band = {band_labels[c]: r for c, r in rule.items()}
    note = hikikomori_note(rule_by_band)
    return rows, {
        "rule_by_band": rule_by_band,
        "rule": "・".join(f"{b} {r}" for b, r in rule_by_band.items()),
        "steps": steps,
        "missing_effect": effect,
        "note": note,
    }


def _int_or_none(v: Any) -> int | None:
    return None if v is None or (isinstance(v, float) and np.isnan(v)) else int(v)


def _hide_linked(
    counts: list[int | None], threshold: int, *, forced: set[int] | None = None
) -> set[int]:
    """Indices to hide in one additive chain (Σ parts = whole): every count below the
    threshold, then the smallest others until the hidden ones are at least two (a single one
    could be subtracted) and add up to the threshold (their sum is known from the rest, so a
    smaller sum would prove each of them small). `forced`: parts hidden elsewhere."""
    present = [i for i, c in enumerate(counts) if c is not None]
    hidden = {i for i in present if counts[i] < threshold} | (forced or set())  # type: ignore[operator]
    while hidden and (len(hidden) == 1 or sum(counts[i] for i in hidden) < threshold):  # type: ignore[misc]
        others = [i for i in present if i not in hidden]
        if not others:
            break
        hidden.add(min(others, key=lambda i: counts[i]))  # type: ignore[arg-type,return-value]
    return hidden


def protect_hikikomori(
    rows: pd.DataFrame, section: dict[str, Any], *, threshold: int
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Publication mode: the same small-count rule for the prevalence cells and for the counts
    in prose (exclusion steps, the effect of the 無回答 choice).

    準 + 狭義 = 広義 in each scope, and the total is the sum of the bands: a cell below the
    threshold hides its scope's 準 and 狭義 (and 広義 if it is small too), and a hidden band
    hides the total in the same place.
    """
    out = rows.copy()
    out["suppressed"] = False
    for ind in ("hikikomori", "hikikomori_inclusive"):
        sel = out["indicator"] == ind
        hidden_groups: dict[str, set[str]] = {}
        for group, sub in out[sel].groupby("group", sort=False):
            n = dict(zip(sub["answer"], sub["city_n"], strict=True))
            hide: set[str] = set()
            if any(v < threshold for v in n.values()):
                hide |= {"準", "狭義"}
                if n.get("広義", threshold) < threshold:
                    hide.add("広義")
            hidden_groups[str(group)] = hide
        band_hidden: set[str] = set().union(*(h for g, h in hidden_groups.items() if g != ""))
        if band_hidden:
            hidden_groups[""] = hidden_groups.get("", set()) | band_hidden
        for group, hide in hidden_groups.items():
            mask = sel & (out["group"] == group) & out["answer"].isin(hide)
            out.loc[mask, "suppressed"] = True
    mask = out["suppressed"].to_numpy()
    out["city_n"] = out["city_n"].astype("Int64")
    out.loc[mask, "city_n"] = pd.NA
    for col in ("city_pct", "city_ci_low", "city_ci_high", "diff_pt", "diff_ci_low",
                "diff_ci_high", "p_value", "p_adjusted"):  # fmt: skip
        if col in out.columns:
            out.loc[mask, col] = np.nan
    section = {**section, "threshold": threshold}
    steps: list[dict[str, Any]] = [dict(s) for s in section["steps"]]
    for choice, ind in (("strict", "hikikomori"), ("inclusive", "hikikomori_inclusive")):
        for group in dict.fromkeys(s["group"] for s in steps):
            chain = [i for i, s in enumerate(steps) if s["group"] == group]
            counts = [steps[i][choice] for i in chain]
            # candidates − Σ removed = 広義: a 広義 the table hides is one more hidden part
            broad = rows[(rows["indicator"] == ind) & (rows["group"] == group)
                         & (rows["answer"] == "広義")]  # fmt: skip
            sel = (out["indicator"] == ind) & (out["group"] == group) & (out["answer"] == "広義")
            forced: set[int] = set()
            if len(broad) and bool(out.loc[sel, "suppressed"].any()):
                counts.append(int(broad["city_n"].iloc[0]))
                forced = {len(counts) - 1}
            hidden_idx = _hide_linked(counts, threshold, forced=forced)
            for j in hidden_idx - forced:
                steps[chain[j]][choice] = None
    section["steps"] = steps
    section["missing_effect"] = _protect_effect(section["missing_effect"], out, threshold)
    return out, section


def _protect_effect(
    items: list[dict[str, Any]], table: pd.DataFrame, threshold: int
) -> list[dict[str, Any]]:
    """The effect of the 無回答 choice (strict, inclusive, moved = inclusive − strict, per scope;
    the total scope = Σ age bands) under the table's rule. Strict and inclusive are the 広義
    counts of the prevalence table, so whatever the table hides is hidden here too; then no
    relation may leave a single value hidden (it would be the difference of the others)."""
    keys = ("strict", "inclusive", "moved")
    hidden_broad = {
        (ind, str(g))
        for ind, g, a, hid in zip(
            table["indicator"], table["group"], table["answer"], table["suppressed"], strict=True
        )
        if a == "広義" and hid
    }
    effect = [dict(item) for item in items]
    for e in effect:
        hide = _hide_linked([e[k] for k in keys], threshold)
        hide |= {0} if ("hikikomori", e["group"]) in hidden_broad else set()
        hide |= {1} if ("hikikomori_inclusive", e["group"]) in hidden_broad else set()
        for j in hide:
            e[keys[j]] = None
    for _ in range(len(effect) * len(keys) + 1):
        changed = False
        for e in effect:  # moved = inclusive − strict
            if sum(e[k] is None for k in keys) == 1:
                j = min((j for j, k in enumerate(keys) if e[k] is not None),
                        key=lambda j: e[keys[j]])  # fmt: skip
                e[keys[j]] = None
                changed = True
        for k in keys:  # total = Σ bands
            if len(effect) > 1 and sum(e[k] is None for e in effect) == 1:
                shown = [e for e in effect if e[k] is not None]
                min(shown, key=lambda e: (e["group"] == "", e[k]))[k] = None
                changed = True
        if not changed:
            break
    return effect


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
) -> tuple[dict[Shown, dict[str, Any]], StandardisedRate] | None:
    """Direct standardisation of the headline to the national respondent mix: the block to
    show for each level of disclosure (everything; the rate and its interval without the crude
    rate and the number left out; nothing but what it is), and the strata for the disclosure
    check (never stored: they are counts).

    The sex × age mix (breakdown sex_age_group, groups 「男性・16〜19歳」) is used when the
    national profile has it, the age mix (breakdown `by`) otherwise; the earliest wave with the
    mix is used and named in the note.
    """
    profile = inputs.national_profile
    if not len(profile):
        return None
    sex_age = profile[profile["breakdown"] == "sex_age_group"].sort_values("wave", kind="stable")
    age_only = profile[profile["breakdown"] == by].sort_values("wave", kind="stable")
    use = sex_age if len(sex_age) and "sex" in frame.columns else age_only
    if not len(use):
        return None
    wave = use.iloc[0]["wave"]
    same_wave = use[use["wave"] == wave]
    age_code = {v: k for k, v in _labels(inputs.spec, by).items()}
    weights: dict[tuple[int, ...], float] = {}
    if use is sex_age:
        sex_code = {v: k for k, v in _labels(inputs.spec, "sex").items()}
        for g, p in zip(same_wave["group"], same_wave["pct"], strict=True):
            sex, _, age = str(g).partition("・")
            if sex in sex_code and age in age_code:
                weights[(sex_code[sex], age_code[age])] = float(p)
        strata = ["sex", by]
        mix = "性別×年齢"
    else:
        for g, p in zip(same_wave["group"], same_wave["pct"], strict=True):
            if g in age_code:
                weights[(age_code[g],)] = float(p)
        strata = [by]
        mix = "年齢"
    if not weights:
        return None
    source = same_wave.iloc[0]
    counts = agg.standardisation_strata(
        frame, indicator=headline["indicator"], code=headline["code"], by=strata, weights=weights
    )
    result = agg.strata_standardised(counts, respondents=len(frame), keys=list(weights))
    answer = _labels(inputs.spec, headline["indicator"])[headline["code"]]
    terms = rate_terms(
        indicator=headline["indicator"],
        answer=answer,
        breakdowns=tuple(strata),
        strata=counts,
        labels=[_labels(inputs.spec, col) for col in strata],
    )
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
    method = gettext(
        "Direct method with the %(mix)s mix of the national survey's (%(wave)s) respondents "
        "(%(status)s, source: %(source)s). The 95%% interval is Fay–Feuer's gamma interval. "
        "The respondent mix of %(spec_wave)s was not found, so %(wave)s is used instead."
    ) % {
        "mix": mix,
        "wave": wave,
        "status": source["status"],
        "source": source["source"],
        "spec_wave": inputs.spec["wave"],
    }
    described = {"label": gettext("Age-standardised share of “%(answer)s”") % {"answer": answer},
                 "mix_wave": wave, "mix": mix, "national": national}  # fmt: skip
    left_out = gettext(
        "People whose sex or age is blank or “other / prefer not to say” are left out."
    )
    counted = ngettext(
        "%(count)s person whose sex or age is blank or “other / prefer not to say” is left out.",
        "%(count)s people whose sex or age is blank or “other / prefer not to say” are left out.",
        int(result["left_out"]),
    ) % {"count": f"{result['left_out']:,}"}
    rate = {k: result[k] for k in ("rate_pct", "ci_low", "ci_high", "strata", "strata_missing")}
    blocks = {
        Shown.ALL: {**result, **described, "weights_note": method + counted, "suppressed": False},
        Shown.RATE: {**rate, **described, "weights_note": method + left_out, "suppressed": False,
                     "companions_withheld": True},
        Shown.NOTHING: {**described, "weights_note": method + left_out, "suppressed": True},
    }  # fmt: skip
    return blocks, terms
