"""Protection intervals: an attacker who solves every published table as linear programmes
cannot narrow a suppressed cell to less than the threshold, nor prove a primary cell small;
the headline stays published. The previous rule (exact recovery only) is the control."""

from __future__ import annotations

import io
import re
from typing import Any

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


# --- The age-standardised rate is one more published equation ---------------------------------

HEADLINE = "しばしばある・常にある"


def _report_inputs(frame_csv: bytes, *, age_mix_only: bool) -> Any:
    """The inputs the report job builds for a dataset loaded from `frame_csv`."""
    from surveys import services
    from surveys.services.calculations import ReportInputs
    from surveys.services.extended import extended_spec

    from .factories import load_dataset

    dataset = load_dataset(frame_csv)
    spec = dataset.instrument.spec
    profile = services.national_profile(survey="tsunagari")
    if age_mix_only:  # a national mix by age alone: the rate is Σ w_a x_a / n_a over age groups
        profile = profile[profile["breakdown"] == "age_group"].reset_index(drop=True)
    return ReportInputs(
        frame=services.microdata_frame(dataset),
        spec=extended_spec(spec),
        national=services._national_frame(survey="tsunagari", wave="R3"),
        hikikomori_national=services._national_frame(survey="seikatsu", wave="__none__"),
        rule=dataset.hikikomori_rule,
        national_profile=profile,
    )


def age_cells_with_rate(
    rows: list[dict[str, Any]], *, rate: float | None, weights: dict[str, float]
) -> dict[tuple, tuple[float, float]]:
    """An attacker of the published 孤独感 × 年齢 table and its total who also knows the
    standardised rate: rate = Σ_a w_a · x_a / n_a (w normalised over the age groups), with x_a
    the headline count and n_a the published base of age group a. LP intervals of every blank."""
    from scipy.optimize import linprog

    table = [r for r in rows if r["indicator"] == "lonely_direct"
             and r["breakdown"] in ("total", "age_group")]  # fmt: skip
    frame = pd.DataFrame(table)
    frame["city_n"] = frame["city_n"].astype("Float64")
    frame["city_base"] = frame["city_base"].astype("Float64")
    seen, equations = published_system(frame)
    hidden = sorted((k for k, v in seen.items() if v is None), key=str)
    index = {k: i for i, k in enumerate(hidden)}
    a_eq, b_eq = [], []
    for eq in equations:
        coeffs = np.zeros(len(hidden))
        rhs = 0.0
        for k, sign in [*((k, 1.0) for k in eq[:-1]), (eq[-1], -1.0)]:
            if k in index:
                coeffs[index[k]] += sign
            else:
                rhs -= sign * float(seen[k])  # type: ignore[arg-type]
        if coeffs.any():
            a_eq.append(coeffs)
            b_eq.append(rhs)
    if rate is not None:
        bases = {r["group"]: r["city_base"] for r in table if r["breakdown"] == "age_group"}
        total_w = sum(w for g, w in weights.items() if g in bases)
        coeffs = np.zeros(len(hidden))
        rhs = rate
        for g, w in weights.items():
            if g not in bases:
                continue
            key = ("x", "lonely_direct", "age_group", g, HEADLINE)
            c = w / total_w / bases[g]
            if key in index:
                coeffs[index[key]] += c
            else:
                rhs -= c * float(seen[key])  # type: ignore[arg-type]
        scale = 1.0 / np.abs(coeffs).max()
        a_eq.append(coeffs * scale)
        b_eq.append(rhs * scale)
    out = {}
    for k, i in index.items():
        c = np.zeros(len(hidden))
        c[i] = 1.0
        lo = linprog(c, A_eq=np.array(a_eq), b_eq=b_eq, bounds=(0, None), method="highs")
        hi = linprog(-c, A_eq=np.array(a_eq), b_eq=b_eq, bounds=(0, None), method="highs")
        out[k] = (lo.fun, -hi.fun)
    return out


@pytest.mark.django_db
def test_a_standardised_rate_that_would_reveal_a_suppressed_cell_is_not_published() -> None:
    from surveys import synthetic
    from surveys.renderers import summary_lines
    from surveys.services.calculations import report_compute

    # The demo file, standardised to the national mix by age alone (as when no sex × age mix is
    # known): the rate is then a known linear combination of the published age-group cells.
    buffer = io.StringIO()
    synthetic.tsunagari(2179).to_csv(buffer, index=False)
    inputs = _report_inputs(buffer.getvalue().encode(), age_mix_only=True)
    internal = report_compute(inputs, publish=False, threshold=10)
    published = report_compute(inputs, publish=True, threshold=10)
    rate = internal["standardised"]["rate_pct"] / 100
    profile = inputs.national_profile
    weights = dict(zip(profile["group"], profile["pct"].astype(float), strict=True))
    # The tables alone protect every blank; with the rate beside them one is pinned down.
    alone = age_cells_with_rate(published["rows"], rate=None, weights=weights)
    assert alone and all(hi - lo >= 10 - 1e-6 for lo, hi in alone.values())
    with_rate = age_cells_with_rate(published["rows"], rate=rate, weights=weights)
    assert any(hi - lo < 10 - 1e-6 for lo, hi in with_rate.values())
    # So the publication report does not publish the rate (and says why), and every count the
    # tables publish stays as it was.
    std = published["standardised"]
    assert std["suppressed"] and "rate_pct" not in std and "ci_low" not in std
    assert std["label"] == internal["standardised"]["label"]
    text = dict(summary_lines({**published, "meta": {"mode": "publish", "threshold": 10}}))
    assert "逆算できるため表示しません" in text[std["label"]]
    assert not re.search(r"\d+人は除いて", text["年齢調整の方法"])  # no count of those left out
    head = next(r for r in published["rows"] if r["indicator"] == "lonely_direct"
                and r["breakdown"] == "total" and r["answer"] == HEADLINE)  # fmt: skip
    assert head["city_n"] == 92 and not head["suppressed"]


@pytest.mark.django_db
def test_the_demo_files_headline_rate_stays_published() -> None:
    from surveys import synthetic
    from surveys.renderers import summary_lines
    from surveys.services.calculations import report_compute

    buffer = io.StringIO()
    synthetic.tsunagari(2179).to_csv(buffer, index=False)
    inputs = _report_inputs(buffer.getvalue().encode(), age_mix_only=False)
    published = report_compute(inputs, publish=True, threshold=10)
    internal = report_compute(inputs, publish=False, threshold=10)
    std = published["standardised"]
    assert not std["suppressed"] and std["mix"] == "性別×年齢" and std["mix_wave"] == "R4"
    assert round(std["rate_pct"], 1) == round(internal["standardised"]["rate_pct"], 1)
    assert std["ci_low"] < std["rate_pct"] < std["ci_high"]
    head = next(r for r in published["rows"] if r["indicator"] == "lonely_direct"
                and r["breakdown"] == "total" and r["answer"] == HEADLINE)  # fmt: skip
    assert (head["city_n"], round(head["city_pct"], 1)) == (92, 4.2)
    # Its companions are not: the crude rate times the respondents kept (N minus those left
    # out) is the headline count inside the strata, so beside the published total it would
    # prove the suppressed headline cells of 性別 無回答 / その他 and 年齢 無回答 small.
    full = internal["standardised"]
    inside = round(full["crude_pct"] * (2179 - full["left_out"]) / 100)
    assert head["city_n"] - inside == 1  # of 92, under the threshold of 10
    unknown = ("無回答", "その他・答えたくない")
    outside = [r for r in published["rows"] if r["indicator"] == "lonely_direct"
               and r["breakdown"] in ("sex", "age_group") and r["group"] in unknown
               and r["answer"] == HEADLINE]  # fmt: skip
    assert outside and all(r["suppressed"] for r in outside)
    assert std["companions_withheld"] and "crude_pct" not in std and "left_out" not in std
    text = dict(summary_lines({**published, "meta": {"mode": "publish", "threshold": 10}}))
    assert "粗率は秘匿したセルを逆算できるため表示しません" in text[std["label"]]
    assert f"{std['rate_pct']:.1f}%" in text[std["label"]]


def _rate_attack(
    published_table: pd.DataFrame, counts: np.ndarray, weights: np.ndarray
) -> dict[tuple, tuple[float, float]]:
    """From the published q × grp table: LP intervals of every blank when the rate over grp of
    「はい」 (weights per group), its variance and its crude rate are known exactly."""
    from scipy.optimize import linprog

    seen, equations = published_system(published_table)
    hidden = sorted((k for k, v in seen.items() if v is None), key=str)
    index = {k: i for i, k in enumerate(hidden)}
    rows, rhs = [], []
    for eq in equations:
        coeffs, b = np.zeros(len(hidden)), 0.0
        for k, sign in [*((k, 1.0) for k in eq[:-1]), (eq[-1], -1.0)]:
            if k in index:
                coeffs[index[k]] += sign
            else:
                b -= sign * float(seen[k])  # type: ignore[arg-type]
        if coeffs.any():
            rows.append(coeffs)
            rhs.append(b)
    n = counts.sum(axis=1)
    w = weights / weights.sum()
    for coeff in (w / n, (w / n) ** 2, np.ones(2)):
        coeffs, b = np.zeros(len(hidden)), float((coeff * counts[:, 0]).sum())
        for g, c in zip(GROUPS.values(), coeff, strict=True):
            key = ("x", "q", "grp", g, "はい")
            if key in index:
                coeffs[index[key]] += c
            else:
                b -= c * float(seen[key])  # type: ignore[arg-type]
        if coeffs.any():
            scale = 1 / np.abs(coeffs).max()
            rows.append(coeffs * scale)
            rhs.append(b * scale)
    out = {}
    for k, i in index.items():
        c = np.zeros(len(hidden))
        c[i] = 1
        lo = linprog(c, A_eq=np.array(rows), b_eq=rhs, bounds=(0, None), method="highs")
        hi = linprog(-c, A_eq=np.array(rows), b_eq=rhs, bounds=(0, None), method="highs")
        out[k] = (lo.fun, -hi.fun)
    return out


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.integers(min_value=1, max_value=9), min_size=6, max_size=6),
    st.floats(min_value=0.2, max_value=0.8),
)
def test_a_rate_shown_beside_a_small_table_never_narrows_a_blank(
    cells: list[int], share: float
) -> None:
    from surveys.disclosure import suppress
    from surveys.disclosure_rate import Shown, rate_protection, rate_terms

    counts = np.array(cells).reshape(2, 3)
    table = agg.add_wilson(table_of(counts))
    out, pattern = suppress(table, threshold=THRESHOLD, protect_answers={"q": "はい"})
    weights = np.array([share, 1 - share])
    n = counts.sum(axis=1)
    rate = rate_terms(
        indicator="q", answer="はい", breakdowns=("grp",),
        strata=[((g,), w, int(n[g - 1]), int(counts[g - 1, 0]))
                for g, w in zip((1, 2), weights / weights.sum(), strict=True)],
        labels=[GROUPS],
    )  # fmt: skip
    shown = rate_protection(pattern, rate, threshold=THRESHOLD)
    alone = attacker(out)
    if shown is not Shown.ALL:
        return  # (the report shows less; the rate alone is checked by the same LP)
    for key, (lo, hi) in _rate_attack(out, counts, weights).items():
        a_lo, a_hi = alone[key]
        assert hi - lo >= min(THRESHOLD, a_hi - a_lo) - 1e-6
        if pattern.values[key] < THRESHOLD:
            assert hi >= min(THRESHOLD, a_hi) - 1e-6


def test_control_a_small_table_where_the_rate_would_narrow_a_blank_withholds_it() -> None:
    from surveys.disclosure import suppress
    from surveys.disclosure_rate import Shown, rate_protection, rate_terms

    counts = np.array([[2, 9, 4], [7, 8, 5]])  # group A answers はい twice: a primary cell
    table = agg.add_wilson(table_of(counts))
    out, pattern = suppress(table, threshold=THRESHOLD, protect_answers={"q": "はい"})
    weights = np.array([0.3, 0.7])
    spans = _rate_attack(out, counts, weights)
    assert ("x", "q", "grp", "A", "はい") in spans
    assert min(hi - lo for lo, hi in spans.values()) < THRESHOLD  # the rate would narrow it
    n = counts.sum(axis=1)
    rate = rate_terms(
        indicator="q", answer="はい", breakdowns=("grp",),
        strata=[((1,), 0.3, int(n[0]), 2), ((2,), 0.7, int(n[1]), 7)], labels=[GROUPS],
    )  # fmt: skip
    assert rate_protection(pattern, rate, threshold=THRESHOLD) is Shown.NOTHING
