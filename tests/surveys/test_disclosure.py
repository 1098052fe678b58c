"""Disclosure control: no suppressed cell can be recomputed from what is published."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from surveys import aggregation as agg
from surveys.disclosure import apply_suppression, disclosed, ranges, suppression_pattern
from surveys.renderers import tidy_rows

from .disclosure_check import feasible_values

ANSWERS = {1: "はい", 2: "いいえ"}
GROUPS = {1: "A", 2: "B"}


def frame_from_counts(counts: np.ndarray) -> pd.DataFrame:
    """counts[g, a] with g in (1, 2) and a in (1, 2, 無回答)."""
    rows = []
    for gi, g in enumerate([1, 2]):
        for ai, a in enumerate([1, 2, -1]):
            rows += [(g, a)] * int(counts[gi, ai])
    return pd.DataFrame(rows, columns=["grp", "q"])


def published(frame: pd.DataFrame, *, threshold: int, complementary: bool = True) -> list[dict]:
    table = pd.concat(
        [
            agg.distribution(frame, indicator="q", answer_labels=ANSWERS),
            agg.distribution(
                frame, indicator="q", answer_labels=ANSWERS, breakdown="grp", group_labels=GROUPS
            ),
        ],
        ignore_index=True,
    )
    table = agg.add_wilson(table)
    if complementary:
        out = apply_suppression(table, threshold=threshold)
    else:  # control: primary suppression only
        out = table.copy()
        out["suppressed"] = out["city_n"] < threshold
        out["city_n"] = out["city_n"].astype("Int64")
        out.loc[out["suppressed"], "city_n"] = pd.NA
    rows = []
    for r in out.to_dict("records"):
        rows.append(
            {
                **r,
                "city_n": None if pd.isna(r["city_n"]) else int(r["city_n"]),
                "city_base": None if pd.isna(r["city_base"]) else int(r["city_base"]),
            }
        )
    return rows


def recomputable(rows: list[dict[str, Any]]) -> list[tuple]:
    return [k for k, values in feasible_values(rows).items() if len(values) < 2]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.integers(min_value=0, max_value=7), min_size=6, max_size=6))
def test_no_suppressed_cell_can_be_recomputed_from_published_margins(cells: list[int]) -> None:
    counts = np.array(cells).reshape(2, 3)
    if counts.sum() == 0 or (counts.sum(axis=1) == 0).any():
        return
    rows = published(frame_from_counts(counts), threshold=3)
    suppressed = [r for r in rows if r["suppressed"]]
    assert recomputable(rows) == []
    # Every cell under the threshold is hidden (primary suppression).
    truth = {(g, a): int(counts[gi, ai]) for gi, g in enumerate(["A", "B"])
             for ai, a in enumerate(["はい", "いいえ", "無回答"])}  # fmt: skip
    for r in rows:
        key = (r["group"], r["answer"])
        if r["breakdown"] == "grp" and key in truth and truth[key] < 3:
            assert r["suppressed"] and r["city_n"] is None
    assert all(r["city_pct"] is None or np.isnan(r["city_pct"]) for r in suppressed)


def test_control_primary_suppression_alone_leaks() -> None:
    # Group A answers 1/4/5: the single small cell follows from its row total.
    counts = np.array([[1, 4, 5], [5, 6, 4]])
    leaky = published(frame_from_counts(counts), threshold=3, complementary=False)
    assert recomputable(leaky) != []
    safe = published(frame_from_counts(counts), threshold=3)
    assert recomputable(safe) == []
    assert sum(r["suppressed"] for r in safe) > sum(r["suppressed"] for r in leaky)


def test_lp_check_agrees_on_a_realistic_report() -> None:
    from surveys import synthetic

    raw = synthetic.tsunagari(400, seed=3)
    frame = raw.drop(columns="resp_id").replace("", "-1").astype(int)
    labels = {i: f"g{i}" for i in range(1, 9)}
    answers = {i: f"a{i}" for i in range(1, 6)}
    table = pd.concat(
        [agg.distribution(frame, indicator="lonely_direct", answer_labels=answers)]
        + [
            agg.distribution(frame, indicator="lonely_direct", answer_labels=answers,
                             breakdown=b, group_labels=labels)
            for b in ("sex", "age_group", "income")
        ],
        ignore_index=True,
    )  # fmt: skip
    hidden, system = suppression_pattern(table, threshold=10)
    assert hidden
    assert disclosed(hidden, system["values"], system["equations"]) == []
    # Independent check with two LPs per hidden quantity: every range is wider than one person.
    spans = ranges(hidden, system["values"], system["equations"])
    assert all(hi - lo >= 1 for lo, hi in spans.values())


def test_suppressed_cells_are_blank_in_tidy_rows() -> None:
    counts = np.array([[1, 4, 5], [5, 6, 4]])
    rows = published(frame_from_counts(counts), threshold=3)
    result = {"rows": [{**r, "national_pct": None, "national_n": None, "diff_pt": None,
                        "p_value": None} for r in rows]}  # fmt: skip
    col = agg.TIDY_COLUMNS.index("suppressed")
    for row in tidy_rows(result):
        if row[col]:
            assert row[4] == "" and row[6] == "" and row[7] == "" and row[8] == ""


def test_small_sample_is_protected_as_well_as_hiding_everything() -> None:
    from surveys import synthetic

    raw = synthetic.tsunagari(60, seed=1)
    frame = raw.drop(columns="resp_id").replace("", "-1").astype(int)
    labels = {i: f"g{i}" for i in range(1, 9)}
    answers = {i: f"a{i}" for i in range(1, 6)}
    parts = []
    for ind in ("lonely_direct", "has_confidant"):
        parts.append(agg.distribution(frame, indicator=ind, answer_labels=answers))
        for b in ("sex", "age_group", "income", "has_confidant"):
            if b != ind:
                groups = answers if b == "has_confidant" else labels  # its bases are its totals
                parts.append(
                    agg.distribution(frame, indicator=ind, answer_labels=answers, breakdown=b,
                                     group_labels=groups)
                )  # fmt: skip
    table = pd.concat(parts, ignore_index=True)
    hidden, system = suppression_pattern(table, threshold=10)
    values, equations = system["values"], system["equations"]
    assert all(k in hidden for k, v in values.items() if k != ("N",) and v < 10)
    # What is still determined is determined even with everything but N hidden: the layout
    # (a group with nobody is left out) reveals it, not the choice of complements.
    everything = {k for k in values if k != ("N",)}
    left = disclosed(hidden, values, equations)
    assert set(left) <= set(disclosed(everything, values, equations))
    assert all(values[k] == 0 for k in left)
    # Tiny groups: every cell of lonely_direct by age group is blank.
    by_age = [k for k in values if k[:3] == ("x", "lonely_direct", "age_group")]
    assert by_age and all(k in hidden for k in by_age)
