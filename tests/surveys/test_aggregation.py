"""The statistics against hand-computed values on small literal frames."""

from __future__ import annotations

import pandas as pd
import pytest

from surveys import aggregation as agg

ANSWERS = {1: "いいえ", 2: "はい"}
GROUPS = {1: "男性", 2: "女性"}


def test_distribution_keeps_no_answer_and_uses_all_respondents_as_base() -> None:
    frame = pd.DataFrame({"q": [1, 2, 2, -1], "sex": [1, 1, 2, -1]})
    total = agg.distribution(frame, indicator="q", answer_labels=ANSWERS)
    assert total[["answer", "city_n", "city_base"]].values.tolist() == [
        ["いいえ", 1, 4], ["はい", 2, 4], ["無回答", 1, 4],
    ]  # fmt: skip
    by_sex = agg.distribution(
        frame, indicator="q", answer_labels=ANSWERS, breakdown="sex", group_labels=GROUPS
    )
    assert by_sex[["group", "answer", "city_n", "city_base"]].values.tolist() == [
        ["男性", "いいえ", 1, 2], ["男性", "はい", 1, 2], ["男性", "無回答", 0, 2],
        ["女性", "いいえ", 0, 1], ["女性", "はい", 1, 1], ["女性", "無回答", 0, 1],
        ["無回答", "いいえ", 0, 1], ["無回答", "はい", 0, 1], ["無回答", "無回答", 1, 1],
    ]  # fmt: skip


def test_wilson_interval_matches_hand_computation() -> None:
    # p = 3/10, z = 1.959964: centre 0.35551, half-width 0.24772 → 10.78 % to 60.32 %.
    table = pd.DataFrame({"city_n": [3, 0], "city_base": [10, 20]})
    out = agg.add_wilson(table)
    assert out.loc[0, "city_pct"] == pytest.approx(30.0)
    assert out.loc[0, "city_ci_low"] == pytest.approx(10.779, abs=0.01)
    assert out.loc[0, "city_ci_high"] == pytest.approx(60.322, abs=0.01)
    # 0/20: the Wilson interval does not collapse to a point (upper z²/(n+z²) = 16.11 %).
    assert out.loc[1, "city_ci_low"] == pytest.approx(0.0, abs=1e-9)
    assert out.loc[1, "city_ci_high"] == pytest.approx(16.11, abs=0.01)


def test_national_comparison_difference_and_z_test() -> None:
    table = agg.add_wilson(
        pd.DataFrame(
            {"indicator": ["q", "q"], "breakdown": ["total", "sex"], "group": ["", "男性"],
             "answer": ["はい", "はい"], "city_n": [50, 5], "city_base": [1000, 100]}
        )
    )  # fmt: skip
    national = pd.DataFrame(
        {"indicator": ["q", "q"], "breakdown": ["total", "sex"], "group": ["", "男性"],
         "answer": ["はい", "はい"], "pct": [4.0, 4.9], "base_n": [10000, None],
         "status": ["VERIFIED-P", "VERIFIED-S"], "source": ["s1", "s2"], "wave": ["R3", "R3"]}
    )  # fmt: skip
    out = agg.compare_national(table, national)
    assert out.loc[0, "diff_pt"] == pytest.approx(1.0)
    # Pooled p = 450/11000; z = (0.05-0.04)/sqrt(p(1-p)(1/1000+1/10000)) = 1.5222 → p = 0.1280
    assert out.loc[0, "p_value"] == pytest.approx(0.1280, abs=0.0002)
    assert pd.isna(out.loc[1, "p_value"])  # no national base n → no test
    assert out.loc[1, "diff_pt"] == pytest.approx(0.1)


def test_derived_ucla_score_and_band() -> None:
    frame = pd.DataFrame({"ucla_1": [1, 4, 2, -1], "ucla_2": [1, 4, 2, 1], "ucla_3": [1, 4, 3, 1]})
    rules = [
        {"name": "ucla_score", "kind": "sum", "of": ["ucla_1", "ucla_2", "ucla_3"]},
        {"name": "ucla_band", "kind": "bands", "of": "ucla_score",
         "bands": [[3, 3, 1], [4, 6, 2], [7, 9, 3], [10, 12, 4]]},
    ]  # fmt: skip
    out = agg.derive(frame, rules)
    assert out["ucla_score"].tolist() == [3, 12, 7, -1]
    assert out["ucla_band"].tolist() == [1, 4, 3, -1]


def test_direct_age_standardisation() -> None:
    # Group 1: 1 of 4 lonely (25 %), group 2: 1 of 2 (50 %); weights 25/75 → 43.75 %.
    frame = pd.DataFrame({"age_group": [1, 1, 1, 1, 2, 2, -1], "lonely": [5, 1, 1, 1, 5, 2, 5]})
    out = agg.age_standardised_rate(
        frame, indicator="lonely", code=5, by="age_group", weights={1: 25.0, 2: 75.0}
    )
    assert out["rate_pct"] == pytest.approx(43.75)
    assert out["crude_pct"] == pytest.approx(100 * 2 / 6)
    assert out["n"] == 6
    # Fay–Feuer: y = .4375, v = .0625·1/16 + .5625·1/4 = .14453, wm = .75/2 = .375.
    from scipy.stats import chi2

    y, v, wm = 0.4375, 0.0625 / 16 + 0.5625 / 4, 0.375
    assert out["ci_low"] == pytest.approx(100 * v / (2 * y) * chi2.ppf(0.025, 2 * y * y / v))
    high = (v + wm**2) / (2 * (y + wm)) * chi2.ppf(0.975, 2 * (y + wm) ** 2 / (v + wm**2))
    assert out["ci_high"] == pytest.approx(100 * high)


HIKI = pd.DataFrame(
    {
        "outing": [6, 5, 7, 6, 8, 1],
        "outing_duration_months": [12, 12, 12, 3, 24, -1],
        "outing_reason": [5, 3, 5, 5, 1, -1],
        "homemaker": [3, 3, 1, 3, 3, 3],
        "talked_non_family_6m": [4, 4, 1, 4, 4, 1],
        "age_band": [1, 2, 1, 2, 2, 1],
    }
)


def test_hikikomori_rule_h27_excludes_housework_outright() -> None:
    prevalence, exclusions = agg.hikikomori_prevalence(
        HIKI, rule="H27", band_labels={1: "15〜39歳", 2: "40〜64歳"}
    )
    total = prevalence[prevalence["breakdown"] == "total"].set_index("answer")["city_n"]
    assert total.to_dict() == {"準": 0, "狭義": 1, "広義": 1}
    removed = exclusions.set_index("step")["removed"]
    assert removed["6か月未満"] == 1
    assert removed["病気（統合失調症・身体の病気）"] == 1
    assert removed[agg._housework_label("H27")] == 2  # rows 2 and 3


def test_hikikomori_rule_h30_excludes_only_those_who_talked_with_non_family() -> None:
    prevalence, exclusions = agg.hikikomori_prevalence(
        HIKI, rule="H30", band_labels={1: "15〜39歳", 2: "40〜64歳"}
    )
    total = prevalence[prevalence["breakdown"] == "total"].set_index("answer")["city_n"]
    assert total.to_dict() == {"準": 1, "狭義": 1, "広義": 2}
    band2 = prevalence[prevalence["group"] == "40〜64歳"].set_index("answer")
    assert band2.loc["広義", "city_n"] == 1 and band2.loc["広義", "city_base"] == 3
    removed = exclusions.set_index("step")["removed"]
    assert removed[agg._housework_label("H30")] == 1  # only row 3, who talked with non-family


def test_tidy_has_exactly_the_published_columns() -> None:
    out = agg.tidy(pd.DataFrame({"indicator": ["q"], "city_n": [1]}))
    assert list(out.columns) == agg.TIDY_COLUMNS


def test_weighted_distribution_follows_the_weights_of_each_call() -> None:
    """The weight terms kept between tables are those of the array passed: other weights (a
    report after a margin change) give their own sums, never the previous ones."""
    import numpy as np

    frame = pd.DataFrame({"q": [1, 1, 2, -1], "sex": [1, 2, 1, 2]})
    labels = {1: "はい", 2: "いいえ"}
    results = []
    for weights in (np.array([1.0, 2.0, 3.0, 4.0]), np.array([2.0, 0.0, 1.0, 1.0])):
        table = agg.distribution(
            frame, indicator="q", answer_labels=labels, breakdown="sex",
            group_labels={1: "男性", 2: "女性"}, weights=weights,
        )  # fmt: skip
        by = {(r.group, r.answer): r for r in table.itertuples()}
        results.append(
            (by[("男性", "はい")].w_n, by[("男性", "はい")].w_base, by[("女性", "はい")].w2_base,
             by[("女性", "はい")].w_count)
        )  # fmt: skip
    assert results == [(1.0, 4.0, 20.0, 2.0), (2.0, 3.0, 1.0, 1.0)]
