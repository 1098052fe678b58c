"""The statistics of a survey report as pure pandas functions: DataFrame in, DataFrame out.

Respondent frames hold integer codes with -1 for 無回答 (a blank answer). Every percentage uses
all respondents of the group as its base, 無回答 included, as the national report does.
"""

from __future__ import annotations

import weakref
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
    "diff_ci_low",
    "diff_ci_high",
    "p_value",
    "p_adjusted",
    "weighted_pct",
    "weighted_ci_low",
    "weighted_ci_high",
    "deff",
    "suppressed",
]
Z95 = 1.959963984540054


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


_WEIGHT_TERMS: list[tuple[weakref.ref, tuple[np.ndarray, np.ndarray, np.ndarray]]] = []


def _forget_weight_terms(_ref: weakref.ref, kept: list = _WEIGHT_TERMS) -> None:
    kept.clear()  # bound at definition: still there while the interpreter shuts down


def _weight_terms(weights: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(w, w², 1 where w > 0) as float arrays, kept while the weights array lives: a report
    asks for every table with the same weights."""
    for source, terms in _WEIGHT_TERMS:
        if source() is weights:
            return terms
    w = np.asarray(weights, dtype=float)
    terms = (w, w * w, (w > 0).astype(float))
    try:
        source = weakref.ref(weights, _forget_weight_terms)
    except TypeError:  # not weakly referenceable (a list): nothing to keep
        return terms
    _WEIGHT_TERMS[:] = [(source, terms)]
    return terms


def distribution(
    frame: pd.DataFrame,
    *,
    indicator: str,
    answer_labels: dict[int, str],
    breakdown: str | None = None,
    group_labels: dict[int, str] | None = None,
    weights: np.ndarray | None = None,
) -> pd.DataFrame:
    """Counts of each answer (無回答 included) per group; groups with nobody are left out.

    With `weights` the table also carries w_n (Σw of the cell), w_base (Σw of the group),
    w2_base (Σw² of the group) and w_count (respondents of the group with a positive weight).
    Counted with one bincount over (group, answer) codes (small integers).
    """
    answers = np.array([*answer_labels, MISSING], dtype=np.int64)
    ans_src = frame[indicator].to_numpy()
    if breakdown is None:
        grp_src = np.full(len(frame), MISSING - 1, dtype=np.int8)
        groups = np.array([MISSING - 1], dtype=np.int64)
    else:
        grp_src = frame[breakdown].to_numpy()
        groups = np.array([*(group_labels or {}), MISSING], dtype=np.int64)
    # Ranges on the stored (small) integer columns, the flat index in 32 bits: one pass each.
    lo_a = int(min(ans_src.min(), answers.min())) if len(ans_src) else int(answers.min())
    hi_a = int(max(ans_src.max(), answers.max())) if len(ans_src) else int(answers.max())
    lo_g = int(min(grp_src.min(), groups.min())) if len(grp_src) else int(groups.min())
    hi_g = int(max(grp_src.max(), groups.max())) if len(grp_src) else int(groups.max())
    n_a, n_g = hi_a - lo_a + 1, hi_g - lo_g + 1
    flat = grp_src.astype(np.int32)
    flat -= lo_g
    flat *= n_a
    flat += ans_src.astype(np.int32, copy=False)
    flat -= lo_a
    counts = np.bincount(flat, minlength=n_g * n_a).reshape(n_g, n_a)
    seen = counts.sum(axis=1) > 0
    groups = groups[seen[groups - lo_g]]
    table = counts[np.ix_(groups - lo_g, answers - lo_a)]
    base = table.sum(axis=1)
    keep_g = base > 0
    groups, table, base = groups[keep_g], table[keep_g], base[keep_g]
    g_col = np.repeat(groups, len(answers))
    a_col = np.tile(answers, len(groups))
    glabels = {**(group_labels or {}), MISSING: NO_ANSWER, MISSING - 1: ""}
    alabels = {**answer_labels, MISSING: NO_ANSWER}
    extra: dict[str, np.ndarray] = {}
    if weights is not None:
        w, w2, positive = _weight_terms(weights)
        cell = np.bincount(flat, weights=w, minlength=n_g * n_a).reshape(n_g, n_a)
        # Σw², and the respondents with a positive weight, per group: summed over its answers.
        cell2 = np.bincount(flat, weights=w2, minlength=n_g * n_a).reshape(n_g, n_a)
        cell_pos = np.bincount(flat, weights=positive, minlength=n_g * n_a).reshape(n_g, n_a)
        w_base, w2_base, w_count = cell.sum(axis=1), cell2.sum(axis=1), cell_pos.sum(axis=1)
        extra = {
            "w_n": cell[np.ix_(groups - lo_g, answers - lo_a)].ravel(),
            "w_base": np.repeat(w_base[groups - lo_g], len(answers)),
            "w2_base": np.repeat(w2_base[groups - lo_g], len(answers)),
            "w_count": np.repeat(w_count[groups - lo_g], len(answers)),
        }
    return pd.DataFrame(
        {
            **extra,
            "indicator": indicator,
            "breakdown": breakdown or "total",
            "group": [glabels[int(g)] for g in g_col],
            "answer": [alabels[int(a)] for a in a_col],
            "group_code": g_col,
            "answer_code": a_col,
            "city_n": table.ravel().astype(np.int64),
            "city_base": np.repeat(base, len(answers)).astype(np.int64),
        }
    )


def add_wilson(table: pd.DataFrame) -> pd.DataFrame:
    """Percentages and 95% Wilson score intervals (0–100) from city_n / city_base."""
    out = table.copy()
    n = out["city_n"].to_numpy(dtype=float)
    base = out["city_base"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["city_pct"] = np.where(base > 0, 100 * n / base, np.nan)
    low, high = wilson_interval(n, np.where(base > 0, base, 1))
    out["city_ci_low"] = np.where(base > 0, 100 * np.asarray(low), np.nan)
    out["city_ci_high"] = np.where(base > 0, 100 * np.asarray(high), np.nan)
    return out


def compare_national(table: pd.DataFrame, national: pd.DataFrame) -> pd.DataFrame:
    """Join national figures (pct, base_n, status, source) and test city vs nation.

    The z-test needs the national count, recovered as round(pct × n / 100) from the published
    percentage and base; where the nation has no base n there is no test.
    """
    keys = ["indicator", "breakdown", "group", "answer"]
    wanted = [*keys, "pct", "base_n", "status", "source", "wave"]
    absent = [c for c in wanted if c not in national.columns]
    national = national.reindex(columns=[*national.columns, *absent])
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
    n1 = out["city_base"].to_numpy(dtype=float)
    x1 = out["city_n"].to_numpy(dtype=float)
    n2 = out["national_n"].to_numpy(dtype=float)
    x2 = np.round(out["national_pct"].to_numpy(dtype=float) * n2 / 100)
    testable = (
        out["national_pct"].notna().to_numpy()
        & out["national_n"].notna().to_numpy()
        & (n1 > 0)
        & (out["answer"] != NO_ANSWER).to_numpy()  # 無回答 is not an answer to compare
    )
    p_values = np.full(len(out), np.nan)
    low = np.full(len(out), np.nan)
    high = np.full(len(out), np.nan)
    if testable.any():
        idx = np.flatnonzero(testable)
        lo, hi = newcombe_diff_ci(x1[idx], n1[idx], x2[idx], n2[idx])
        low[idx], high[idx] = 100 * lo, 100 * hi
        p_values[idx] = two_proportion_p(x1[idx], n1[idx], x2[idx], n2[idx])
    out["diff_ci_low"] = low
    out["diff_ci_high"] = high
    out["p_value"] = p_values
    out["p_adjusted"] = holm_within_tables(out)
    return out


def two_proportion_p(x1: np.ndarray, n1: np.ndarray, x2: np.ndarray, n2: np.ndarray) -> np.ndarray:
    """Two-sided p-value of the pooled two-proportion z-test (as statsmodels'
    proportions_ztest); NaN where both proportions are 0 or both 1."""
    from scipy.special import ndtr

    x1, n1, x2, n2 = (np.asarray(v, dtype=float) for v in (x1, n1, x2, n2))
    pooled = (x1 + x2) / (n1 + n2)
    with np.errstate(invalid="ignore", divide="ignore"):
        se = np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
        z = (x1 / n1 - x2 / n2) / se
    p = 2 * ndtr(-np.abs(z))
    return np.where(se > 0, p, np.nan)


def wilson_interval(x: np.ndarray, n: np.ndarray, z: float = Z95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for x / n (proportions 0–1); n may be fractional (effective n)."""
    x = np.asarray(x, dtype=float)
    n = np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = x / n
        denom = 1 + z**2 / n
        centre = (p + z**2 / (2 * n)) / denom
        half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / denom
    low = np.minimum(np.clip(centre - half, 0, 1), p)  # never above p (rounding at p = 0)
    high = np.maximum(np.clip(centre + half, 0, 1), p)
    return low, high


def newcombe_diff_ci(
    x1: np.ndarray, n1: np.ndarray, x2: np.ndarray, n2: np.ndarray, z: float = Z95
) -> tuple[np.ndarray, np.ndarray]:
    """95 % interval for p1 − p2 by Newcombe's hybrid score method (1998, method 10).

    L = d − √((p1 − l1)² + (u2 − p2)²),  U = d + √((u1 − p1)² + (p2 − l2)²), with (l, u) the
    Wilson intervals of each proportion. Returns proportions (0–1).
    """
    x1, n1, x2, n2 = (np.asarray(v, dtype=float) for v in (x1, n1, x2, n2))
    p1, p2 = x1 / n1, x2 / n2
    l1, u1 = wilson_interval(x1, n1, z)
    l2, u2 = wilson_interval(x2, n2, z)
    d = p1 - p2
    return (
        d - np.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2),
        d + np.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2),
    )


def holm(p: np.ndarray) -> np.ndarray:
    """Holm's step-down adjusted p-values."""
    p = np.asarray(p, dtype=float)
    m = len(p)
    order = np.argsort(p, kind="stable")
    stepped = np.maximum.accumulate((m - np.arange(m)) * p[order])
    out = np.empty(m)
    out[order] = np.minimum(stepped, 1.0)
    return out


def holm_within_tables(table: pd.DataFrame) -> np.ndarray:
    """Holm-adjusted p-values, one family per table (indicator × breakdown)."""
    out = np.full(len(table), np.nan)
    p = table["p_value"].to_numpy(dtype=float)
    keys = table["indicator"].astype(str) + "\x00" + table["breakdown"].astype(str)
    for _, idx in pd.Series(np.arange(len(table))).groupby(keys.to_numpy()):
        rows = idx.to_numpy()
        rows = rows[~np.isnan(p[rows])]
        if len(rows):
            out[rows] = holm(p[rows])
    return out


def chi_square_by_distribution(table: pd.DataFrame) -> list[dict[str, Any]]:
    """Chi-square test of homogeneity (city vs nation) for each whole distribution.

    Only where the nation publishes every answer of the group with its base n; 無回答 is left
    out on both sides. National counts are round(pct × n / 100).
    """
    from scipy.special import chdtrc

    results = []
    keys = ["indicator", "breakdown", "group"]
    for (ind, b, g), sub in table[table["answer"] != NO_ANSWER].groupby(keys, sort=False):
        if len(sub) < 2 or sub["national_pct"].isna().any() or sub["national_n"].isna().any():
            continue
        city = sub["city_n"].to_numpy(dtype=float)
        nat = np.round(sub["national_pct"].to_numpy(dtype=float) * sub["national_n"].to_numpy(
            dtype=float) / 100)  # fmt: skip
        observed = np.vstack([city, nat])
        keep = observed.sum(axis=0) > 0
        if keep.sum() < 2 or city.sum() == 0:
            continue
        obs = observed[:, keep]
        expected = obs.sum(axis=1, keepdims=True) * obs.sum(axis=0, keepdims=True) / obs.sum()
        chi2 = float(((obs - expected) ** 2 / expected).sum())
        dof = obs.shape[1] - 1
        p = float(chdtrc(dof, chi2))
        results.append(
            {"indicator": ind, "breakdown": b, "group": g, "chi2": float(chi2), "df": int(dof),
             "p_value": float(p), "answers": int(keep.sum())}
        )  # fmt: skip
    return results


# --- Weighting (raking) -----------------------------------------------------------------------


def rake(
    frame: pd.DataFrame,
    margins: dict[str, dict[int, float]],
    *,
    bounds: tuple[float, float] | None = None,
    tolerance: float = 1e-8,
    max_iterations: int = 200,
) -> tuple[np.ndarray, dict[str, Any]]:
    """Raking weights (iterative proportional fitting) to population margins.

    `margins` maps a variable to {code: population count}. Respondents with a blank (or a code
    without a margin) in any weighting variable get weight 0 and are left out of weighted
    figures; the others are raked until every margin is met to `tolerance` (relative). With
    `bounds` (low, high) — ratios to the mean weight — weights are trimmed after each cycle and
    raked again. Returns (weights, info) with iterations, convergence and counts.
    """
    n = len(frame)
    variables = list(margins)
    index = {}
    ok = np.ones(n, dtype=bool)
    for var in variables:
        codes = np.array(sorted(margins[var]), dtype=np.int64)
        values = frame[var].to_numpy().astype(np.int64)
        pos = np.searchsorted(codes, values)
        pos = np.clip(pos, 0, len(codes) - 1)
        known = codes[pos] == values
        ok &= known
        index[var] = (pos, codes, np.array([margins[var][int(c)] for c in codes], dtype=float))
    total = float(np.mean([t.sum() for _, _, t in index.values()])) if variables else 0.0
    w = np.where(ok, total / max(int(ok.sum()), 1), 0.0)
    info: dict[str, Any] = {"variables": variables, "excluded_blank": int(n - ok.sum()),
                            "converged": False, "iterations": 0, "max_rel_error": None,
                            "population": total, "trimmed": bounds is not None}  # fmt: skip
    empty = []
    for var, (pos, codes, target) in index.items():
        have = np.bincount(pos[ok], minlength=len(codes))
        empty += [f"{var}={int(c)}" for c, h, t in zip(codes, have, target, strict=True)
                  if h == 0 and t > 0]  # fmt: skip
    info["empty_cells"] = empty
    if not variables or not ok.any() or empty:
        return w, info
    error = np.inf
    for iteration in range(1, max_iterations + 1):
        for pos, codes, target in index.values():
            current = np.bincount(pos[ok], weights=w[ok], minlength=len(codes))
            factor = np.divide(target, current, out=np.zeros_like(target), where=current > 0)
            w[ok] *= factor[pos[ok]]
        if bounds is not None:
            mean = total / int(ok.sum())  # raking keeps Σw at the population
            w[ok] = np.clip(w[ok], bounds[0] * mean, bounds[1] * mean)
        error = 0.0
        for pos, codes, target in index.values():
            current = np.bincount(pos[ok], weights=w[ok], minlength=len(codes))
            with np.errstate(invalid="ignore", divide="ignore"):
                rel = np.abs(current - target) / np.where(target > 0, target, 1)
            error = max(error, float(rel.max()))
        info["iterations"] = iteration
        if error < tolerance:
            info["converged"] = True
            break
    info["max_rel_error"] = error
    return w, info


def add_weighted(table: pd.DataFrame) -> pd.DataFrame:
    """Weighted percentages with 95 % Wilson intervals on Kish's effective n, and the design
    effect deff = n · Σw² / (Σw)² of each group (n = respondents with a positive weight)."""
    out = table.copy()
    if "w_n" not in out.columns:
        for col in ("weighted_pct", "weighted_ci_low", "weighted_ci_high", "deff"):
            out[col] = np.nan
        return out
    wn = out["w_n"].to_numpy(dtype=float)
    wb = out["w_base"].to_numpy(dtype=float)
    w2 = out["w2_base"].to_numpy(dtype=float)
    npos = out["w_count"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = np.where(wb > 0, wn / wb, np.nan)
        n_eff = np.where(w2 > 0, wb**2 / w2, np.nan)
        deff = np.where(wb > 0, npos * w2 / wb**2, np.nan)
    low, high = wilson_interval(p * n_eff, n_eff)
    out["weighted_pct"] = 100 * p
    out["weighted_ci_low"] = 100 * low
    out["weighted_ci_high"] = 100 * high
    out["deff"] = deff
    out["n_eff"] = n_eff
    return out


def fay_feuer_interval(
    x: np.ndarray, n: np.ndarray, w: np.ndarray, *, alpha: float = 0.05
) -> tuple[float, float, float]:
    """Directly standardised rate Σ w_s x_s / n_s (w summing to 1) with the gamma interval of
    Fay & Feuer (1997). Returns (rate, low, high) as proportions."""
    from scipy.special import gammaincinv

    def gamma_ppf(q: float, shape: float, scale: float) -> float:
        return float(gammaincinv(shape, q) * scale)

    x, n, w = (np.asarray(v, dtype=float) for v in (x, n, w))
    rate = float((w * x / n).sum())
    var = float((w**2 * x / n**2).sum())
    wm = float((w / n).max())
    low = 0.0 if rate == 0 else gamma_ppf(alpha / 2, rate**2 / var, var / rate)
    high = gamma_ppf(1 - alpha / 2, (rate + wm) ** 2 / (var + wm**2), (var + wm**2) / (rate + wm))
    return rate, low, high


def direct_standardised(
    frame: pd.DataFrame,
    *,
    indicator: str,
    code: int,
    by: list[str],
    weights: dict[tuple[int, ...], float],
) -> dict[str, Any]:
    """Direct standardisation over strata (the columns `by`): Σ w_s · p_s, weights normalised
    over the strata that have respondents; Fay–Feuer gamma interval.

    Respondents with a blank in a stratum variable, or in a stratum without a standard weight,
    are left out (counted in `left_out`).
    """
    strata = standardisation_strata(frame, indicator=indicator, code=code, by=by, weights=weights)
    return strata_standardised(strata, respondents=len(frame), keys=list(weights))


def strata_standardised(
    strata: list[tuple[tuple[int, ...], float, int, int]],
    *,
    respondents: int,
    keys: list[tuple[int, ...]],
) -> dict[str, Any]:
    """direct_standardised from the strata (standardisation_strata) of `respondents` people;
    `keys` are every stratum with a standard weight."""
    keys = [tuple(int(v) for v in k) for k in keys]
    present = [k for k, *_ in strata]
    w = np.array([s[1] for s in strata], dtype=float)
    n = np.array([s[2] for s in strata], dtype=float)
    x = np.array([s[3] for s in strata], dtype=float)
    rate, low, high = fay_feuer_interval(x, n, w)
    used = int(n.sum())
    crude = float(x.sum() / n.sum()) if used else float("nan")
    return {
        "rate_pct": 100 * rate,
        "ci_low": 100 * low,
        "ci_high": 100 * high,
        "crude_pct": 100 * crude,
        "n": used,
        "left_out": int(respondents - used),
        "strata": len(present),
        "strata_missing": [list(k) for k in keys if k not in present],
    }


def standardisation_strata(
    frame: pd.DataFrame,
    *,
    indicator: str,
    code: int,
    by: list[str],
    weights: dict[tuple[int, ...], float],
) -> list[tuple[tuple[int, ...], float, int, int]]:
    """The strata with respondents: (codes, weight normalised over them, n_s, x_s), x_s the
    respondents answering `code`. Blanks in a stratum variable are left out."""
    keys = [tuple(int(v) for v in k) for k in weights]
    known = np.ones(len(frame), dtype=bool)
    for col in by:
        known &= frame[col].to_numpy() != MISSING
    sub = frame[known]
    grouped = sub.groupby(by)[indicator]
    n_s = grouped.size()
    x_s = grouped.apply(lambda s: int((s == code).sum()))
    if len(by) == 1:
        n_s.index = pd.Index([(int(i),) for i in n_s.index])
    else:
        n_s.index = pd.Index([tuple(int(v) for v in i) for i in n_s.index])
    x_s.index = n_s.index
    present = [k for k in keys if k in n_s.index]
    total = sum(float(weights[k]) for k in present)
    if not present or total <= 0:
        return []
    return [(k, float(weights[k]) / total, int(n_s[k]), int(x_s[k])) for k in present]


def age_standardised_rate(
    frame: pd.DataFrame,
    *,
    indicator: str,
    code: int,
    by: str,
    weights: dict[int, float],
) -> dict[str, Any]:
    """Direct standardisation by one variable (see direct_standardised)."""
    return direct_standardised(
        frame,
        indicator=indicator,
        code=code,
        by=[by],
        weights={(k,): v for k, v in weights.items()},
    )


HIKIKOMORI_GROUPS = {"準": [5], "狭義": [6, 7, 8], "広義": [5, 6, 7, 8]}
_ILLNESS, _PREGNANCY, _HOUSEWORK, _HOMEWORK = 1, 2, 3, 4
MISSING_CHOICES = ("strict", "inclusive")
# The national figure each age band is compared with was classified under this rule.
WAVE_RULE_BY_BAND = {"15〜39歳": "H27", "40〜64歳": "H30"}

STEP_CANDIDATE = "外出頻度 5〜8 に該当"
STEP_SHORT = "6か月未満"
STEP_SHORT_BLANK = "継続期間が無回答"
STEP_ILLNESS = "病気（統合失調症・身体の病気）"
STEP_PREGNANCY = "妊娠"
STEP_HOMEWORK = "自宅で仕事"
STEP_REASON_BLANK = "きっかけが無回答"
STEP_HOUSEWORK_BLANK = "家事・専業主婦等の判定に必要な項目が無回答"


def _housework_label(rule: str) -> str:
    return "家事・育児・介護・専業主婦（主夫）・家事手伝い" + (
        "（一律に除外）" if rule == "H27" else "（家族以外と会話した人のみ除外）"
    )


def hikikomori_flags(frame: pd.DataFrame, *, rule: str, missing: str = "strict") -> pd.DataFrame:
    """Classify each respondent; returns the frame with `hikikomori` (0 none, 5 準, 6 狭義) and
    one boolean column per exclusion step (True = removed at that step).

    A blank (無回答) at a step is handled by `missing`: "strict" removes the person at a
    separate 無回答 step (the national convention: an unknown is not counted), "inclusive" keeps
    the person in the group (the city's 2022 count). A blank duration is never called 6か月未満.
    """
    if missing not in MISSING_CHOICES:
        raise ValueError(f"unknown missing choice {missing}")
    if rule not in ("H27", "H30"):
        raise ValueError(f"unknown rule version {rule}")
    strict = missing == "strict"
    out = frame.copy()
    outing = out["outing"].to_numpy()
    months = out["outing_duration_months"].to_numpy()
    reason = out["outing_reason"].to_numpy()
    homemaker = out["homemaker"].to_numpy()
    talked = out["talked_non_family_6m"].to_numpy()
    alive = (outing >= 5) & (outing <= 8)

    def step(name: str, mask: np.ndarray) -> None:
        nonlocal alive
        removed = alive & mask
        out[name] = removed
        alive = alive & ~removed

    step("step_short", (months != MISSING) & (months < 6))
    step("step_short_blank", np.full(len(out), strict) & (months == MISSING))
    step("excl_illness", reason == _ILLNESS)
    step("excl_pregnancy", reason == _PREGNANCY)
    step("excl_homework", reason == _HOMEWORK)
    step("step_reason_blank", np.full(len(out), strict) & (reason == MISSING))
    # Housework: known yes / known no / unknown (a blank item decides it).
    hw_yes = (reason == _HOUSEWORK) | np.isin(homemaker, [1, 2])
    hw_unknown = ~hw_yes & ((homemaker == MISSING) | (reason == MISSING))
    if rule == "H27":
        excl = hw_yes
        unknown = hw_unknown
    else:
        talked_yes = np.isin(talked, [1, 2])
        talked_unknown = talked == MISSING
        excl = hw_yes & talked_yes
        unknown = (hw_yes & talked_unknown) | (hw_unknown & (talked_yes | talked_unknown))
    step("excl_housework", excl)
    step("step_housework_blank", np.full(len(out), strict) & unknown)
    out["hikikomori"] = np.where(alive, np.where(outing == 5, 5, 6), 0).astype(np.int8)
    return out


def _rule_of(rule: str | dict[int, str], code: int) -> str:
    return rule if isinstance(rule, str) else rule[code]


def hikikomori_prevalence(
    frame: pd.DataFrame,
    *,
    rule: str | dict[int, str],
    band_labels: dict[int, str],
    missing: str = "strict",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(prevalence table in the tidy shape, exclusion counts).

    `rule` is one rule version for everybody, or a rule per age-band code: each band is then
    classified under its own rule and the total is the sum over the bands (respondents outside
    every band are left out of it). The prevalence table carries the rule in `rule`.
    """
    codes = list(band_labels)
    if isinstance(rule, str):
        flagged = hikikomori_flags(frame, rule=rule, missing=missing)
        in_scope = pd.Series(True, index=flagged.index)
        total_rule = rule
    else:
        parts = []
        for code in codes:
            sub = frame[frame["age_band"] == code]
            parts.append(hikikomori_flags(sub, rule=rule[code], missing=missing))
        flagged = pd.concat(parts) if parts else hikikomori_flags(frame.iloc[:0], rule="H30")
        in_scope = pd.Series(True, index=flagged.index)
        total_rule = "・".join(f"{band_labels[c]} {rule[c]}" for c in codes)
    rows = []
    scopes: list[tuple[str, str, pd.Series, str]] = [("total", "", in_scope, total_rule)]
    for code, label in band_labels.items():
        scopes.append(("age_band", label, flagged["age_band"] == code, _rule_of(rule, code)))
    step_rows = []
    for breakdown, group, mask, rule_used in scopes:
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
                    "rule": rule_used,
                    "missing": missing,
                }
            )
        housework = (
            _housework_label(rule_used)
            if rule_used in ("H27", "H30")
            else ("家事・育児・介護・専業主婦（主夫）・家事手伝い（各年齢区分の基準）")
        )
        steps = [
            (STEP_CANDIDATE, None, int(((sub["outing"] >= 5) & (sub["outing"] <= 8)).sum())),
            (STEP_SHORT, int(sub["step_short"].sum()), None),
            (STEP_SHORT_BLANK, int(sub["step_short_blank"].sum()), None),
            (STEP_ILLNESS, int(sub["excl_illness"].sum()), None),
            (STEP_PREGNANCY, int(sub["excl_pregnancy"].sum()), None),
            (STEP_HOMEWORK, int(sub["excl_homework"].sum()), None),
            (STEP_REASON_BLANK, int(sub["step_reason_blank"].sum()), None),
            (housework, int(sub["excl_housework"].sum()), None),
            (STEP_HOUSEWORK_BLANK, int(sub["step_housework_blank"].sum()), None),
        ]
        for name, removed, remaining in steps:
            step_rows.append(
                {"group": group, "step": name, "removed": removed, "remaining": remaining,
                 "rule": rule_used, "missing": missing}
            )  # fmt: skip
    exclusions = pd.DataFrame(step_rows)
    if isinstance(rule, str) and len(exclusions):
        # One rule for everybody: the exclusions of the whole file (the total scope).
        exclusions = exclusions[exclusions["group"] == ""].reset_index(drop=True)
    return pd.DataFrame(rows), exclusions


def tidy(table: pd.DataFrame) -> pd.DataFrame:
    """The exact published column set, in order."""
    out = table.copy()
    for col in TIDY_COLUMNS:
        if col not in out.columns:
            out[col] = np.nan if col != "suppressed" else False
    return out[TIDY_COLUMNS]
