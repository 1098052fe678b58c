"""The statistics of a survey report as pure pandas functions: DataFrame in, DataFrame out.

Respondent frames hold integer codes with -1 for 無回答 (a blank answer). Every percentage uses
all respondents of the group as its base, 無回答 included, as the national report does.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

MISSING = -1
NO_ANSWER = "無回答"
TIDY_COLUMNS = [
    "indicator",
    "breakdown",
    "group",
    "answer",
    "city_n",
    "city_base",
    "city_pct",
    "city_ci_low",
    "city_ci_high",
    "national_pct",
    "national_n",
    "diff_pt",
    "p_value",
    "suppressed",
]


def labels_of(codes: dict[Any, str]) -> dict[int, str]:
    return {int(k): v for k, v in codes.items()}


def derive(frame: pd.DataFrame, derived: list[dict[str, Any]]) -> pd.DataFrame:
    """Add derived variables (sums and bands) as new integer columns; -1 stays 無回答."""
    out = frame.copy()
    for rule in derived:
        if rule["kind"] == "sum":
            items = out[rule["of"]].astype(np.int16)
            total = items.sum(axis=1)
            total[(items == MISSING).any(axis=1)] = MISSING
            out[rule["name"]] = total.astype(np.int16)
        elif rule["kind"] == "bands":
            source = out[rule["of"]].to_numpy()
            band = np.full(len(out), MISSING, dtype=np.int8)
            for lo, hi, code in rule["bands"]:
                band[(source >= lo) & (source <= hi)] = code
            out[rule["name"]] = band
    return out


def distribution(
    frame: pd.DataFrame,
    *,
    indicator: str,
    answer_labels: dict[int, str],
    breakdown: str | None = None,
    group_labels: dict[int, str] | None = None,
) -> pd.DataFrame:
    """Counts of each answer (無回答 included) per group; groups with nobody are left out."""
    answers = [*answer_labels, MISSING]
    if breakdown is None:
        counts = frame[indicator].value_counts()
        table = pd.DataFrame({"total": counts}).T.reindex(columns=answers, fill_value=0)
        table.index = pd.Index([MISSING - 1])
    else:
        grouped = frame.groupby([breakdown, indicator], sort=False).size()
        table = grouped.unstack(fill_value=0).reindex(columns=answers, fill_value=0)
        order = [g for g in [*(group_labels or {}), MISSING] if g in table.index]
        table = table.reindex(index=order)
    table = table.fillna(0).astype(np.int64)
    base = table.sum(axis=1)
    long = table.stack().rename("city_n").reset_index()
    long.columns = ["group_code", "answer_code", "city_n"]
    long["city_base"] = long["group_code"].map(base).astype(np.int64)
    long = long[long["city_base"] > 0]
    glabels = {**(group_labels or {}), MISSING: NO_ANSWER, MISSING - 1: ""}
    alabels = {**answer_labels, MISSING: NO_ANSWER}
    return pd.DataFrame(
        {
            "indicator": indicator,
            "breakdown": breakdown or "total",
            "group": long["group_code"].map(glabels).to_numpy(),
            "answer": long["answer_code"].map(alabels).to_numpy(),
            "group_code": long["group_code"].to_numpy(),
            "answer_code": long["answer_code"].to_numpy(),
            "city_n": long["city_n"].to_numpy(),
            "city_base": long["city_base"].to_numpy(),
        }
    )


def add_wilson(table: pd.DataFrame) -> pd.DataFrame:
    """Percentages and 95% Wilson score intervals (0–100) from city_n / city_base."""
    from statsmodels.stats.proportion import proportion_confint

    out = table.copy()
    n = out["city_n"].to_numpy(dtype=float)
    base = out["city_base"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["city_pct"] = np.where(base > 0, 100 * n / base, np.nan)
    low, high = proportion_confint(n, np.where(base > 0, base, 1), alpha=0.05, method="wilson")
    out["city_ci_low"] = np.where(base > 0, 100 * np.asarray(low), np.nan)
    out["city_ci_high"] = np.where(base > 0, 100 * np.asarray(high), np.nan)
    return out


def compare_national(table: pd.DataFrame, national: pd.DataFrame) -> pd.DataFrame:
    """Join national figures (pct, base_n, status, source) and test city vs nation.

    The z-test needs the national count, recovered as round(pct × n / 100) from the published
    percentage and base; where the nation has no base n there is no test.
    """
    from statsmodels.stats.proportion import proportions_ztest

    keys = ["indicator", "breakdown", "group", "answer"]
    nat = national.rename(
        columns={
            "pct": "national_pct",
            "base_n": "national_n",
            "status": "national_status",
            "source": "national_source",
            "wave": "national_wave",
        }
    )
    cols = [*keys, "national_pct", "national_n", "national_status", "national_source"]
    cols += ["national_wave"] if "national_wave" in nat.columns else []
    out = table.merge(nat[cols], on=keys, how="left")
    out["national_pct"] = out["national_pct"].astype(float)
    out["national_n"] = pd.to_numeric(out["national_n"], errors="coerce")
    out["diff_pt"] = out["city_pct"] - out["national_pct"]
    p_values = np.full(len(out), np.nan)
    testable = out["national_pct"].notna() & out["national_n"].notna() & (out["city_base"] > 0)
    for i in np.flatnonzero(testable.to_numpy()):
        row = out.iloc[i]
        nat_n = int(row["national_n"])
        nat_count = int(round(row["national_pct"] * nat_n / 100))
        counts = np.array([int(row["city_n"]), nat_count])
        nobs = np.array([int(row["city_base"]), nat_n])
        if counts.sum() == 0 or counts.sum() == nobs.sum():
            continue
        _, p = proportions_ztest(counts, nobs)
        p_values[i] = float(p)
    out["p_value"] = p_values
    return out


def age_standardised_rate(
    frame: pd.DataFrame,
    *,
    indicator: str,
    code: int,
    by: str,
    weights: dict[int, float],
) -> dict[str, float]:
    """Direct standardisation: Σ w_a · p_a over age groups, weights normalised to 1.

    Respondents with no age are left out. The interval uses the usual normal approximation of
    Var = Σ w_a² p_a (1 − p_a) / n_a.
    """
    known = frame[frame[by] != MISSING]
    grouped = known.groupby(by)[indicator]
    n_a = grouped.size()
    x_a = grouped.apply(lambda s: int((s == code).sum()))
    w = pd.Series(weights, dtype=float)
    w = w[w.index.isin(n_a.index)]
    w = w / w.sum()
    p_a = (x_a / n_a).reindex(w.index)
    rate = float((w * p_a).sum())
    var = float((w**2 * p_a * (1 - p_a) / n_a.reindex(w.index)).sum())
    crude = float((known[indicator] == code).mean()) if len(known) else float("nan")
    half = 1.959963984540054 * var**0.5
    return {
        "rate_pct": 100 * rate,
        "ci_low": 100 * max(rate - half, 0.0),
        "ci_high": 100 * min(rate + half, 1.0),
        "crude_pct": 100 * crude,
        "n": int(n_a.sum()),
    }


HIKIKOMORI_GROUPS = {"準": [5], "狭義": [6, 7, 8], "広義": [5, 6, 7, 8]}
_ILLNESS, _PREGNANCY, _HOUSEWORK, _HOMEWORK = 1, 2, 3, 4


def hikikomori_flags(frame: pd.DataFrame, *, rule: str) -> pd.DataFrame:
    """Classify each respondent; returns the frame with `hikikomori` (0 none, 5 準, 6 狭義) and
    one boolean column per exclusion step (True = removed at that step)."""
    out = frame.copy()
    outing = out["outing"].to_numpy()
    months = out["outing_duration_months"].to_numpy()
    reason = out["outing_reason"].to_numpy()
    homemaker = out["homemaker"].to_numpy()
    talked = out["talked_non_family_6m"].to_numpy()
    candidate = (outing >= 5) & (outing <= 8)
    long_enough = months >= 6
    out["step_short"] = candidate & ~long_enough
    alive = candidate & long_enough
    out["excl_illness"] = alive & (reason == _ILLNESS)
    alive &= ~out["excl_illness"].to_numpy()
    out["excl_pregnancy"] = alive & (reason == _PREGNANCY)
    alive &= ~out["excl_pregnancy"].to_numpy()
    out["excl_homework"] = alive & (reason == _HOMEWORK)
    alive &= ~out["excl_homework"].to_numpy()
    housework = (reason == _HOUSEWORK) | np.isin(homemaker, [1, 2])
    if rule == "H27":
        excl = alive & housework
    elif rule == "H30":
        excl = alive & housework & np.isin(talked, [1, 2])
    else:
        raise ValueError(f"unknown rule version {rule}")
    out["excl_housework"] = excl
    alive &= ~excl
    out["hikikomori"] = np.where(alive, np.where(outing == 5, 5, 6), 0).astype(np.int8)
    return out


def hikikomori_prevalence(
    frame: pd.DataFrame, *, rule: str, band_labels: dict[int, str]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(prevalence table in the tidy shape, exclusion counts) under one rule version."""
    flagged = hikikomori_flags(frame, rule=rule)
    rows = []
    scopes: list[tuple[str, str, pd.Series]] = [("total", "", pd.Series(True, index=flagged.index))]
    for code, label in band_labels.items():
        scopes.append(("age_band", label, flagged["age_band"] == code))
    for breakdown, group, mask in scopes:
        sub = flagged[mask]
        base = len(sub)
        if base == 0:
            continue
        for answer in ("準", "狭義", "広義"):
            if answer == "準":
                n = int((sub["hikikomori"] == 5).sum())
            elif answer == "狭義":
                n = int((sub["hikikomori"] == 6).sum())
            else:
                n = int((sub["hikikomori"] > 0).sum())
            rows.append(
                {
                    "indicator": "hikikomori",
                    "breakdown": breakdown,
                    "group": group,
                    "answer": answer,
                    "city_n": n,
                    "city_base": base,
                }
            )
    exclusions = pd.DataFrame(
        [
            {"step": "外出頻度 5〜8 に該当", "removed": None,
             "remaining": int(((flagged["outing"] >= 5) & (flagged["outing"] <= 8)).sum())},
            {"step": "6か月未満", "removed": int(flagged["step_short"].sum())},
            {"step": "病気（統合失調症・身体の病気）",
             "removed": int(flagged["excl_illness"].sum())},
            {"step": "妊娠", "removed": int(flagged["excl_pregnancy"].sum())},
            {"step": "自宅で仕事", "removed": int(flagged["excl_homework"].sum())},
            {
                "step": "家事・育児・介護・専業主婦（主夫）・家事手伝い"
                + ("（一律に除外）" if rule == "H27" else "（家族以外と会話した人のみ除外）"),
                "removed": int(flagged["excl_housework"].sum()),
            },
        ]
    )  # fmt: skip
    exclusions["rule"] = rule
    return pd.DataFrame(rows), exclusions


def tidy(table: pd.DataFrame) -> pd.DataFrame:
    """The exact published column set, in order."""
    out = table.copy()
    for col in TIDY_COLUMNS:
        if col not in out.columns:
            out[col] = np.nan if col != "suppressed" else False
    return out[TIDY_COLUMNS]
