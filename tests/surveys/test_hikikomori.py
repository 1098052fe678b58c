"""Hikikomori: each age band under its own national wave's rule, 無回答 as an explicit choice."""

from __future__ import annotations

import pandas as pd
import pytest

from surveys import aggregation as agg
from surveys import synthetic
from surveys.services.calculations import hikikomori_section

BANDS = {1: "15〜39歳", 2: "40〜64歳"}
SPEC_DERIVED = [
    {"name": "age_band", "kind": "bands", "of": "age",
     "bands": [[15, 39, 1], [40, 64, 2], [10, 14, 3], [65, 110, 3]]},
]  # fmt: skip


def coded(raw: pd.DataFrame) -> pd.DataFrame:
    return agg.derive(raw.drop(columns="resp_id").replace("", "-1").astype(int), SPEC_DERIVED)


def row(table: pd.DataFrame, group: str, answer: str = "広義") -> pd.Series:
    return table[(table["group"] == group) & (table["answer"] == answer)].iloc[0]


def test_each_band_is_classified_under_its_own_waves_rule() -> None:
    # The 2,179-style demo file (seikatsu layout): as shown before, 15–39 was classified under
    # H30 (28 / 1021) but compared with H27's 1.57 %; under H27 it is 23 / 1021.
    frame = coded(synthetic.seikatsu())
    table, _ = agg.hikikomori_prevalence(frame, rule={1: "H27", 2: "H30"}, band_labels=BANDS)
    young = row(table, "15〜39歳")
    assert (young["city_n"], young["city_base"], young["rule"]) == (23, 1021, "H27")
    older = row(table, "40〜64歳")
    assert (older["city_n"], older["city_base"], older["rule"]) == (19, 930, "H30")
    total = row(table, "")
    assert total["city_n"] == 23 + 19 and total["city_base"] == 1021 + 930


def test_report_section_compares_like_with_like_and_states_the_rules() -> None:
    frame = coded(synthetic.seikatsu())
    national = pd.DataFrame(
        [
            {"wave": "H27", "indicator": "hikikomori", "breakdown": "age_band",
             "group": "15〜39歳", "answer": "広義", "pct": 1.57, "base_n": 3115,
             "status": "VERIFIED-S", "source": "x"},
            {"wave": "H30", "indicator": "hikikomori", "breakdown": "age_band",
             "group": "40〜64歳", "answer": "広義", "pct": 1.45, "base_n": 3248,
             "status": "VERIFIED-S", "source": "x"},
        ]
    )  # fmt: skip
    rows, section = hikikomori_section(frame, band_labels=BANDS, national=national)
    young = rows[(rows["indicator"] == "hikikomori") & (rows["group"] == "15〜39歳")
                 & (rows["answer"] == "広義")].iloc[0]  # fmt: skip
    assert young["city_n"] == 23 and young["national_wave"] == "H27"
    # 23/1021 against 1.57 % of 3,115 is not a significant difference (it was p = 0.016).
    assert young["p_value"] > 0.1
    assert section["rule_by_band"] == {"15〜39歳": "H27", "40〜64歳": "H30"}
    assert "H27" in section["note"] and "H30" in section["note"]


HIKI_BLANKS = pd.DataFrame(
    {
        # 0: blank duration; 1: blank trigger; 2: blank homemaker (H27 decides on it);
        # 3: blank "talked" with homemaker yes (H30 decides on it); 4: complete, counted;
        # 5: duration 3 months (6か月未満).
        "outing": [6, 6, 6, 6, 6, 6],
        "outing_duration_months": [-1, 12, 12, 12, 12, 3],
        "outing_reason": [5, -1, 5, 5, 5, 5],
        "homemaker": [3, 3, -1, 1, 3, 3],
        "talked_non_family_6m": [4, 4, 4, -1, 4, 4],
        "age_band": [1, 1, 1, 2, 2, 2],
    }
)


def test_blank_duration_is_not_called_under_six_months() -> None:
    _, excl = agg.hikikomori_prevalence(HIKI_BLANKS, rule="H30", band_labels=BANDS)
    removed = excl.set_index("step")["removed"]
    assert removed[agg.STEP_SHORT] == 1  # only the 3-month person
    assert removed[agg.STEP_SHORT_BLANK] == 1


@pytest.mark.parametrize(
    ("rule", "strict_n", "inclusive_n"),
    [("H27", 1, 4), ("H30", 2, 5)],
)
def test_strict_and_inclusive_missing_choices(rule: str, strict_n: int, inclusive_n: int) -> None:
    strict, _ = agg.hikikomori_prevalence(HIKI_BLANKS, rule=rule, band_labels=BANDS)
    inclusive, _ = agg.hikikomori_prevalence(
        HIKI_BLANKS, rule=rule, band_labels=BANDS, missing="inclusive"
    )
    assert row(strict, "")["city_n"] == strict_n
    assert row(inclusive, "")["city_n"] == inclusive_n


def test_section_shows_both_choices_and_how_many_each_moves() -> None:
    rows, section = hikikomori_section(HIKI_BLANKS, band_labels=BANDS, national=pd.DataFrame())
    effect = {e["group"]: e for e in section["missing_effect"]}
    # 15–39 (H27): blank duration, blank trigger, blank homemaker → 3 moved in by "inclusive".
    assert (effect["15〜39歳"]["strict"], effect["15〜39歳"]["inclusive"]) == (0, 3)
    assert effect["15〜39歳"]["moved"] == 3
    # 40–64 (H30): the blank "talked" of a homemaker moves one person.
    assert (effect["40〜64歳"]["strict"], effect["40〜64歳"]["inclusive"]) == (1, 2)
    inclusive = rows[rows["indicator"] == "hikikomori_inclusive"]
    assert len(inclusive) and inclusive["national_pct"].isna().all()  # not compared
