"""The report's statistics checked against independent computations (statsmodels, scipy, a dense
IPF written here, hand-worked values)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import chi2, chi2_contingency
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint

from surveys import aggregation as agg
from surveys import synthetic

ANSWERS = {1: "はい", 2: "いいえ"}


def test_wilson_matches_statsmodels() -> None:
    x, n = np.array([0, 3, 92, 500]), np.array([10, 40, 2179, 1000])
    low, high = agg.wilson_interval(x, n)
    ref_low, ref_high = proportion_confint(x, n, alpha=0.05, method="wilson")
    assert np.allclose(low, ref_low) and np.allclose(high, ref_high)


CASES = [(92, 2179, 534, 11867), (0, 50, 10, 100), (23, 1021, 49, 3115)]


@pytest.mark.parametrize(("x1", "n1", "x2", "n2"), CASES)
def test_newcombe_hybrid_score_matches_statsmodels(x1: int, n1: int, x2: int, n2: int) -> None:
    low, high = agg.newcombe_diff_ci(np.array([x1]), np.array([n1]), np.array([x2]), np.array([n2]))
    ref = confint_proportions_2indep(x1, n1, x2, n2, method="newcomb", compare="diff")
    assert low[0] == pytest.approx(ref[0], abs=1e-10)
    assert high[0] == pytest.approx(ref[1], abs=1e-10)


@pytest.mark.parametrize(("x1", "n1", "x2", "n2"), CASES)
def test_two_proportion_z_test_matches_statsmodels(x1: int, n1: int, x2: int, n2: int) -> None:
    from statsmodels.stats.proportion import proportions_ztest

    ours = agg.two_proportion_p(np.array([x1]), np.array([n1]), np.array([x2]), np.array([n2]))
    assert ours[0] == pytest.approx(proportions_ztest([x1, x2], [n1, n2])[1], rel=1e-9)


def test_holm_matches_statsmodels() -> None:
    p = np.array([0.01, 0.04, 0.03, 0.2, 0.001, 0.04])
    assert np.allclose(agg.holm(p), multipletests(p, method="holm")[1])


def test_newcombe_hand_value() -> None:
    # Newcombe (1998) table II example (a): 56/70 vs 48/80 → −0.0524 … +0.3339? No: that is
    # method 10 for 56/70 − 48/80 = 0.2000, interval 0.0524 to 0.3339.
    low, high = agg.newcombe_diff_ci(np.array([56]), np.array([70]), np.array([48]), np.array([80]))
    assert round(float(low[0]), 4) == 0.0524 and round(float(high[0]), 4) == 0.3339


def _table_with_nation() -> pd.DataFrame:
    rows = [("total", "", "はい", 30, 100), ("total", "", "いいえ", 65, 100),
            ("total", "", "無回答", 5, 100),
            ("sex", "男性", "はい", 10, 40), ("sex", "男性", "いいえ", 28, 40),
            ("sex", "男性", "無回答", 2, 40),
            ("sex", "女性", "はい", 20, 60), ("sex", "女性", "いいえ", 37, 60),
            ("sex", "女性", "無回答", 3, 60)]  # fmt: skip
    table = pd.DataFrame(rows, columns=["breakdown", "group", "answer", "city_n", "city_base"])
    table.insert(0, "indicator", "q")
    national = pd.DataFrame(
        [{"wave": "R3", "indicator": "q", "breakdown": b, "group": g, "answer": a, "pct": p,
          "base_n": 1000, "status": "VERIFIED-P", "source": "x"}
         for b, g, a, p in [("total", "", "はい", 20.0), ("total", "", "いいえ", 79.0),
                            ("total", "", "無回答", 1.0), ("sex", "男性", "はい", 18.0),
                            ("sex", "女性", "はい", 22.0), ("sex", "男性", "無回答", 1.0)]]
    )  # fmt: skip
    return agg.compare_national(agg.add_wilson(table), national)


def test_no_test_for_no_answer_rows_and_diff_interval() -> None:
    out = _table_with_nation()
    no_answer = out[out["answer"] == "無回答"]
    assert no_answer["p_value"].isna().all() and no_answer["diff_ci_low"].isna().all()
    head = out[(out["breakdown"] == "total") & (out["answer"] == "はい")].iloc[0]
    ref = confint_proportions_2indep(30, 100, 200, 1000, method="newcomb", compare="diff")
    assert head["diff_ci_low"] == pytest.approx(100 * ref[0])
    assert head["diff_ci_high"] == pytest.approx(100 * ref[1])


def test_holm_within_each_table() -> None:
    out = _table_with_nation()
    sex = out[out["breakdown"] == "sex"].dropna(subset=["p_value"])
    assert len(sex) == 2
    expected = multipletests(sex["p_value"], method="holm")[1]
    assert np.allclose(sex["p_adjusted"], expected)
    # Hand: Holm with two p-values: min → 2·p_min, max → max(2·p_min, p_max).
    p = sorted(sex["p_value"])
    assert sorted(sex["p_adjusted"]) == pytest.approx(
        [min(1, 2 * p[0]), min(1, max(2 * p[0], p[1]))]
    )
    total = out[(out["breakdown"] == "total") & out["p_value"].notna()]
    assert len(total) == 2  # a family of its own (はい, いいえ; 無回答 is not tested)
    assert np.allclose(total["p_adjusted"], multipletests(total["p_value"], method="holm")[1])


def test_chi_square_for_each_whole_distribution() -> None:
    results = agg.chi_square_by_distribution(_table_with_nation())
    assert [(r["breakdown"], r["group"]) for r in results] == [("total", "")]
    ref = chi2_contingency(np.array([[30, 65], [200, 790]]), correction=False)
    assert results[0]["chi2"] == pytest.approx(ref[0]) and results[0]["p_value"] == pytest.approx(
        ref[1]
    )
    assert results[0]["df"] == 1


# --- Raking ------------------------------------------------------------------------------------


def _dense_ipf(sample: np.ndarray, row_target: np.ndarray, col_target: np.ndarray) -> np.ndarray:
    """Classic IPF on the sample's two-way table (an independent implementation)."""
    fit = sample.astype(float).copy()
    for _ in range(1000):
        fit *= (row_target / fit.sum(axis=1))[:, None]
        fit *= (col_target / fit.sum(axis=0))[None, :]
    return fit


def _frame() -> pd.DataFrame:
    raw = synthetic.tsunagari(2179)
    return raw.drop(columns="resp_id").replace("", "-1").astype(int)


MARGINS = {
    "sex": {1: 420_000.0, 2: 470_000.0, 3: 4_000.0},
    "age_group": {1: 38_000.0, 2: 95_000.0, 3: 100_000.0, 4: 125_000.0, 5: 120_000.0,
                  6: 130_000.0, 7: 150_000.0, 8: 136_000.0},
}  # fmt: skip


def test_raking_meets_margins_and_matches_an_independent_ipf() -> None:
    frame = _frame()
    w, info = agg.rake(frame, MARGINS)
    assert info["converged"] and info["max_rel_error"] < 1e-8
    ok = (frame["sex"] != -1) & (frame["age_group"] != -1)
    assert info["excluded_blank"] == int((~ok).sum()) and (w[~ok] == 0).all()
    for var, target in MARGINS.items():
        got = pd.Series(w).groupby(frame[var].to_numpy()).sum()
        for code, count in target.items():
            assert got[code] == pytest.approx(count, rel=1e-7)
    # Independent: dense IPF of the sex × age table, weight = fitted / sample per cell.
    sub = frame[ok]
    sample = pd.crosstab(sub["sex"], sub["age_group"]).reindex(
        index=[1, 2, 3], columns=range(1, 9), fill_value=0).to_numpy()  # fmt: skip
    fit = _dense_ipf(sample, np.array(list(MARGINS["sex"].values())),
                     np.array(list(MARGINS["age_group"].values())))  # fmt: skip
    cell_w = fit / np.where(sample > 0, sample, 1)
    w_ref = cell_w[sub["sex"].to_numpy() - 1, sub["age_group"].to_numpy() - 1]
    lonely = sub["lonely_direct"].to_numpy() == 5
    ref_pct = 100 * w_ref[lonely].sum() / w_ref.sum()
    table = agg.add_weighted(
        agg.distribution(
            frame,
            indicator="lonely_direct",
            weights=w,
            answer_labels={1: "a", 2: "b", 3: "c", 4: "d", 5: "e"},
        )  # fmt: skip
    )
    ours = table[table["answer"] == "e"].iloc[0]
    assert abs(ours["weighted_pct"] - ref_pct) < 0.1
    assert ours["weighted_pct"] == pytest.approx(ref_pct, abs=1e-6)


def test_deff_is_kish_and_interval_uses_the_effective_n() -> None:
    frame = pd.DataFrame({"q": [1, 1, 2, 2, 2, 1], "sex": [1, 1, 1, 2, 2, 2]})
    w = np.array([1.0, 2.0, 3.0, 1.0, 1.0, 4.0])
    table = agg.add_weighted(
        agg.distribution(frame, indicator="q", answer_labels=ANSWERS, weights=w)
    )
    yes = table[table["answer"] == "はい"].iloc[0]
    n, sw, sw2 = 6, w.sum(), (w**2).sum()
    assert yes["deff"] == pytest.approx(n * sw2 / sw**2)
    assert yes["weighted_pct"] == pytest.approx(100 * 7 / 12)
    n_eff = sw**2 / sw2
    low, high = proportion_confint(7 / 12 * n_eff, n_eff, method="wilson")
    assert yes["weighted_ci_low"] == pytest.approx(100 * low)
    assert yes["weighted_ci_high"] == pytest.approx(100 * high)


def test_raking_with_bounds_trims_and_reports() -> None:
    w, info = agg.rake(_frame(), MARGINS, bounds=(0.5, 1.5))
    ok = w > 0
    mean = info["population"] / ok.sum()
    assert info["trimmed"] and w[ok].max() <= 1.5 * mean * (1 + 1e-9)
    assert w[ok].min() >= 0.5 * mean * (1 - 1e-9)


def test_raking_refuses_a_margin_with_no_respondent() -> None:
    frame = pd.DataFrame({"sex": [1, 1, 2]})
    w, info = agg.rake(frame, {"sex": {1: 10.0, 2: 10.0, 3: 5.0}})
    assert info["empty_cells"] == ["sex=3"] and not info["converged"]


# --- Age standardisation --------------------------------------------------------------------


def test_fay_feuer_with_one_stratum_is_the_exact_poisson_interval() -> None:
    x, n = 7, 200
    rate, low, high = agg.fay_feuer_interval(np.array([x]), np.array([n]), np.array([1.0]))
    assert rate == pytest.approx(x / n)
    assert low == pytest.approx(chi2.ppf(0.025, 2 * x) / 2 / n)
    assert high == pytest.approx(chi2.ppf(0.975, 2 * (x + 1)) / 2 / n)


def test_fay_feuer_matches_the_chi_square_form() -> None:
    x, n, w = np.array([3, 10, 25]), np.array([50, 120, 300]), np.array([0.2, 0.3, 0.5])
    rate, low, high = agg.fay_feuer_interval(x, n, w)
    y = (w * x / n).sum()
    v = (w**2 * x / n**2).sum()
    wm = (w / n).max()
    assert rate == pytest.approx(y)
    assert low == pytest.approx(v / (2 * y) * chi2.ppf(0.025, 2 * y**2 / v))
    assert high == pytest.approx((v + wm**2) / (2 * (y + wm))
                                 * chi2.ppf(0.975, 2 * (y + wm) ** 2 / (v + wm**2)))  # fmt: skip


def test_sex_by_age_standardisation_by_hand() -> None:
    frame = pd.DataFrame({"sex": [1, 1, 2, 2, 2, -1], "age_group": [1, 2, 1, 2, 2, 1],
                          "q": [5, 1, 5, 5, 1, 5]})  # fmt: skip
    weights = {(1, 1): 10.0, (1, 2): 30.0, (2, 1): 20.0, (2, 2): 40.0}
    out = agg.direct_standardised(frame, indicator="q", code=5, by=["sex", "age_group"],
                                  weights=weights)  # fmt: skip
    # 0.1·1 + 0.3·0 + 0.2·1 + 0.4·0.5 = 0.5
    assert out["rate_pct"] == pytest.approx(50.0)
    assert out["left_out"] == 1 and out["n"] == 5
