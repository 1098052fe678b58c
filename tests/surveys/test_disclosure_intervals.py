"""Protection intervals: an attacker who solves every published table as linear programmes
cannot narrow a suppressed cell to less than the threshold, nor prove a primary cell small;
the headline stays published. The previous rule (exact recovery only) is the control."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from surveys import aggregation as agg
from surveys.disclosure import apply_suppression, published_system, ranges, suppression_pattern

from .disclosure_legacy import legacy_suppression_pattern
from .test_disclosure import ANSWERS, GROUPS, frame_from_counts

THRESHOLD = 3


def table_of(counts: np.ndarray) -> pd.DataFrame:
    frame = frame_from_counts(counts)
    return pd.concat(
        [
            agg.distribution(frame, indicator="q", answer_labels=ANSWERS),
            agg.distribution(frame, indicator="q", answer_labels=ANSWERS, breakdown="grp",
                             group_labels=GROUPS),
        ],
        ignore_index=True,
    )  # fmt: skip


def attacker(published: pd.DataFrame) -> dict[tuple, tuple[float, float]]:
    """From the published table only: the blank quantities and their LP intervals."""
    seen, equations = published_system(published)
    hidden = {k for k, v in seen.items() if v is None}
    # The published values, and placeholders (never read) for the blank ones.
    values = {k: (v if v is not None else 0) for k, v in seen.items()}
    return ranges(hidden, values, equations)


def shortfalls(table: pd.DataFrame, hidden: set, values: dict, equations: list) -> list[tuple]:
    """Suppressed quantities whose interval is narrower than the threshold, or whose upper
    bound (for a primary one) stays below it — beyond what hiding everything would give."""
    spans = ranges(hidden, values, equations)
    short = [
        k
        for k, (lo, hi) in spans.items()
        if hi - lo < THRESHOLD - 1e-6 or (values[k] < THRESHOLD and hi < THRESHOLD - 1e-6)
    ]
    if not short:
        return []
    best = ranges({k for k in values if k != ("N",)}, values, equations)
    out = []
    for k in short:
        lo, hi = spans[k]
        b_lo, b_hi = best[k]  # as wide as hiding everything but N can make it
        need_width = min(THRESHOLD, b_hi - b_lo)
        if hi - lo < need_width - 1e-6:
            out.append(("narrow", k, lo, hi))
        if values[k] < THRESHOLD and hi < min(THRESHOLD, b_hi) - 1e-6:
            out.append(("small upper", k, lo, hi))
    return out


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.integers(min_value=0, max_value=9), min_size=6, max_size=6))
def test_lp_attacker_cannot_narrow_a_suppressed_cell(cells: list[int]) -> None:
    counts = np.array(cells).reshape(2, 3)
    if (counts.sum(axis=1) == 0).any():
        return
    table = table_of(counts)
    hidden, system = suppression_pattern(table, threshold=THRESHOLD)
    assert shortfalls(table, hidden, system["values"], system["equations"]) == []
    # What an outsider downloads is blank exactly there.
    out = apply_suppression(agg.add_wilson(table), threshold=THRESHOLD)
    seen, _ = published_system(out)
    assert {k for k, v in seen.items() if v is None} == hidden


def test_control_the_previous_rule_fails_the_protection_intervals() -> None:
    rng = np.random.default_rng(12)
    failed_old, failed_new = 0, 0
    for _ in range(30):
        counts = rng.integers(0, 10, size=(2, 3))
        if (counts.sum(axis=1) == 0).any():
            continue
        table = table_of(counts)
        old, system = legacy_suppression_pattern(table, threshold=THRESHOLD)
        failed_old += bool(shortfalls(table, old, system["values"], system["equations"]))
        new, system = suppression_pattern(table, threshold=THRESHOLD)
        failed_new += bool(shortfalls(table, new, system["values"], system["equations"]))
    assert failed_old > 0 and failed_new == 0


def test_the_headline_is_not_chosen_as_a_complement() -> None:
    # Three groups; the only small cell is A × 無回答 (1). Answers はい (the headline) / いいえ.
    counts = {"A": [20, 30, 1], "B": [25, 35, 4], "C": [15, 20, 6]}
    codes = {"A": 1, "B": 2, "C": 3}
    rows = [(codes[g], a) for g, c in counts.items() for a, n in zip([1, 2, -1], c, strict=True)
            for _ in range(n)]  # fmt: skip
    frame = pd.DataFrame(rows, columns=["grp", "q"])
    table = pd.concat(
        [
            agg.distribution(frame, indicator="q", answer_labels=ANSWERS),
            agg.distribution(frame, indicator="q", answer_labels=ANSWERS, breakdown="grp",
                             group_labels={1: "A", 2: "B", 3: "C"}),
        ],
        ignore_index=True,
    )  # fmt: skip
    hidden, system = suppression_pattern(table, threshold=THRESHOLD, protect_answers={"q": "はい"})
    assert ("x", "q", "grp", "A", "無回答") in hidden
    assert not [k for k in hidden if k[0] in ("T", "B") or k[-1] == "はい"]
    # The cheap complement is another group's 無回答 cell, not a larger answer.
    assert {k for k in hidden if k[-1] == "無回答"} >= {("x", "q", "grp", "A", "無回答")}
    assert len([k for k in hidden if k[-1] == "無回答"]) >= 2
    assert shortfalls(table, hidden, system["values"], system["equations"]) == []


@pytest.mark.django_db
def test_publication_report_of_the_2179_file_keeps_the_headline() -> None:
    from surveys import services
    from surveys.models import ReportJob

    from .factories import load_dataset, synthetic_csv

    dataset = load_dataset(synthetic_csv(2179))
    job = services.report_job_run(job=ReportJob.objects.get(dataset=dataset, mode="publish"))
    rows = job.result["rows"]
    head = next(r for r in rows if r["indicator"] == "lonely_direct" and r["breakdown"] == "total"
                and r["answer"] == "しばしばある・常にある")  # fmt: skip
    assert (head["city_n"], head["city_base"], round(head["city_pct"], 1)) == (92, 2179, 4.2)
    assert not head["suppressed"]
    std = job.result["standardised"]
    assert not std["suppressed"] and std["rate_pct"] > 0 and "R4" in std["weights_note"]
    # Fewer quantities hidden than the previous rule hid on the same file (577 of 1,054), counted
    # over the same tables (the extended questionnaire adds more breakdowns and items).
    same = [r for r in rows
            if r["indicator"] in ("lonely_direct", "ucla_band", "contact_freq", "participation",
                                  "has_confidant")
            and r["breakdown"] in ("total", "sex", "age_group", "household", "employment",
                                   "income", "has_confidant")
            # sums of published answers (ある（計）) add nothing and are not partition cells
            and r["answer"] not in ("ある（計）", "しばしばある・常にある＋時々ある")]  # fmt: skip
    assert sum(r["suppressed"] for r in same) < 577
    # The LP attacker, from the published rows alone.
    # (multiple-answer rows are not a partition of their base: not part of this linked system)
    dist = pd.DataFrame(same)
    dist["city_n"] = dist["city_n"].astype("Float64")
    dist["city_base"] = dist["city_base"].astype("Float64")
    spans = attacker(dist)
    assert spans and all(hi - lo >= 10 - 1e-6 for lo, hi in spans.values())
