"""The tables of the extended questionnaire are linked to the main tables: what one hides, the
others must not give back (group bases, totals = Σ groups), and their derived figures follow
the same rules as the main tables (suppression, Holm families)."""

from __future__ import annotations

import io
from typing import Any

import numpy as np
import pytest

from surveys import services, synthetic
from surveys.models import Dataset, ReportJob

from .factories import load_dataset

pytestmark = pytest.mark.django_db

THRESHOLD = 10


def _report(dataset: Dataset, mode: str) -> dict[str, Any]:
    job = services.report_request(dataset=dataset, mode=mode, dispatch=False)
    return services.report_job_run(job=job).result


@pytest.fixture
def demo() -> Dataset:
    buffer = io.StringIO()
    synthetic.tsunagari(2179).to_csv(buffer, index=False)
    return load_dataset(buffer.getvalue().encode(), sample_size=7000)


def _hidden_main_bases(rows: list[dict[str, Any]]) -> set[tuple[str, str]]:
    """(breakdown, group) whose size the main tables do not publish."""
    indicators = {r["indicator"] for r in rows if r["breakdown"] == "total"}
    hidden = set()
    for r in rows:
        if r["breakdown"] == "total" and r["indicator"] in indicators and r.get("suppressed"):
            hidden.add((r["indicator"], r["answer"]))
        if r["breakdown"] != "total" and r.get("city_base") is None:
            hidden.add((r["breakdown"], r["group"] or ""))
    return hidden


def test_other_tables_do_not_publish_a_group_size_the_main_tables_suppress(
    demo: Dataset,
) -> None:
    result = _report(demo, ReportJob.Mode.PUBLISH)
    rows = result["rows"]
    main = [r for r in rows if r["indicator"] in {"lonely_direct", "ucla_band", "contact_freq"}]
    hidden = _hidden_main_bases(main)
    # the demo file hides 孤独感 「時々ある」 and 無回答 in its total distribution
    assert ("lonely_direct", "無回答") in hidden
    leaks = [
        (r["indicator"], r["breakdown"], r["group"], r["city_base"])
        for r in rows
        if (r["breakdown"], r["group"] or "") in hidden and r.get("city_base") is not None
    ]
    assert leaks == []
    # nor a total that adds a hidden group back (the duration table's base = Σ 孤独感 2–5)
    duration_total = [
        r for r in rows if r["indicator"] == "loneliness_duration" and r["breakdown"] == "total"
    ]
    assert all(r.get("city_base") is None for r in duration_total)


@pytest.mark.parametrize(("n", "seed"), [(1500, 3), (2179, 20211201), (600, 11)])
def test_a_multiple_answer_cell_is_not_the_total_minus_the_other_groups(n: int, seed: int) -> None:
    """Σ_g ticked(option, g) = ticked(option): the hidden cells of a chain must keep an interval
    of at least the threshold, and a small one must be able to reach the threshold."""
    buffer = io.StringIO()
    synthetic.tsunagari(n, seed=seed).to_csv(buffer, index=False)
    rows = _report(load_dataset(buffer.getvalue().encode()), ReportJob.Mode.PUBLISH)["rows"]
    for question in ("triggers", "activities"):
        sub = [r for r in rows if r["indicator"] == question]
        for breakdown in {r["breakdown"] for r in sub} - {"total"}:
            for answer in {r["answer"] for r in sub}:
                total = [r for r in sub if r["breakdown"] == "total" and r["answer"] == answer]
                cells = [r for r in sub if r["breakdown"] == breakdown and r["answer"] == answer]
                hidden = [r for r in cells if r["city_n"] is None]
                if not hidden or total[0]["city_n"] is None:
                    continue
                rest = total[0]["city_n"] - sum(
                    r["city_n"] for r in cells if r["city_n"] is not None
                )
                assert len(hidden) >= 2, (question, breakdown, answer, rest)
                assert rest >= THRESHOLD, (question, breakdown, answer, rest)


def test_a_suppressed_sum_of_answers_shows_no_difference_or_test(demo: Dataset) -> None:
    rows = _report(demo, ReportJob.Mode.PUBLISH)["rows"]
    hidden = [r for r in rows if r["answer"] == "ある（計）" and r["suppressed"]]
    assert hidden
    for r in hidden:
        for col in ("diff_ci_low", "diff_ci_high", "p_value", "p_adjusted"):
            assert r.get(col) is None, (r["group"], col, r.get(col))


def test_holm_family_is_every_test_of_the_table_sums_of_answers_included(demo: Dataset) -> None:
    from statsmodels.stats.multitest import multipletests

    rows = _report(demo, ReportJob.Mode.INTERNAL)["rows"]
    table = [
        r
        for r in rows
        if r["indicator"] == "lonely_direct"
        and r["breakdown"] == "total"
        and r.get("p_value") is not None
    ]
    assert any(r["answer"] == "ある（計）" for r in table)
    expected = multipletests([r["p_value"] for r in table], method="holm")[1]
    assert np.allclose([r["p_adjusted"] for r in table], expected)


def test_each_indicators_key_answer_is_not_the_complement_when_another_answer_can_be() -> None:
    """The key answer of every indicator (report.key_answers: what its findings and charts are
    about) is protected like the headline: 相談相手「いない」 (40 of 400) is not hidden to cover a
    small 無回答 while 「いる」 could be."""
    buffer = io.StringIO()
    synthetic.tsunagari(400, seed=5).to_csv(buffer, index=False)
    rows = _report(load_dataset(buffer.getvalue().encode()), ReportJob.Mode.PUBLISH)["rows"]
    total = {
        r["answer"]: r
        for r in rows
        if r["indicator"] == "has_confidant" and r["breakdown"] == "total"
    }
    assert total["無回答"]["suppressed"]
    assert not total["いない"]["suppressed"]
    assert total["いる"]["suppressed"]


def test_the_effect_of_the_no_answer_choice_does_not_give_back_a_hidden_prevalence() -> None:
    """「無回答の扱い」 repeats the 広義 counts of the prevalence table: what the table hides, the
    prose hides (the 2022 report's 15〜39歳 9 people were recoverable as 19 − 10)."""
    import pandas as pd

    from surveys.services.calculations import protect_hikikomori

    counts = {
        ("hikikomori", ""): (7, 12, 19),
        ("hikikomori", "15〜39歳"): (3, 6, 9),
        ("hikikomori", "40〜64歳"): (4, 6, 10),
        ("hikikomori_inclusive", ""): (12, 20, 32),
        ("hikikomori_inclusive", "15〜39歳"): (4, 7, 11),
        ("hikikomori_inclusive", "40〜64歳"): (8, 13, 21),
    }
    rows = pd.DataFrame(
        [
            {"indicator": ind, "breakdown": "total" if not g else "age_band", "group": g,
             "answer": a, "city_n": n, "city_base": 150}
            for (ind, g), ns in counts.items()
            for a, n in zip(("準", "狭義", "広義"), ns, strict=True)
        ]
    )  # fmt: skip
    section = {
        "steps": [],
        "missing_effect": [
            {"group": "", "strict": 19, "inclusive": 32, "moved": 13},
            {"group": "15〜39歳", "strict": 9, "inclusive": 11, "moved": 2},
            {"group": "40〜64歳", "strict": 10, "inclusive": 21, "moved": 11},
        ],
    }
    out, protected = protect_hikikomori(rows, section, threshold=THRESHOLD)
    hidden = {
        (r.indicator, r.group) for r in out.itertuples() if r.answer == "広義" and r.suppressed
    }
    assert ("hikikomori", "15〜39歳") in hidden
    for e in protected["missing_effect"]:
        for choice, ind in (("strict", "hikikomori"), ("inclusive", "hikikomori_inclusive")):
            if (ind, e["group"]) in hidden:
                assert e[choice] is None, (e, choice)
    effect = {e["group"]: e for e in protected["missing_effect"]}
    for choice in ("strict", "inclusive", "moved"):
        parts = [effect["15〜39歳"][choice], effect["40〜64歳"][choice], effect[""][choice]]
        assert parts.count(None) != 1, (choice, parts)  # total = Σ bands


def test_hidden_exclusion_steps_cannot_be_proved_small() -> None:
    """The steps add up (candidates − Σ removed = 広義): with the candidates and 広義 shown, the
    hidden steps' sum is known, so it must reach the threshold or each is proved to be under it
    (the 1,500-person file had 4 hidden steps summing to 9)."""
    import pandas as pd

    from surveys.services.calculations import protect_hikikomori

    rows = pd.DataFrame(
        [
            {"indicator": ind, "breakdown": "total", "group": "", "answer": a, "city_n": n,
             "city_base": 900}
            for ind in ("hikikomori", "hikikomori_inclusive")
            for a, n in (("準", 40), ("狭義", 63), ("広義", 103))
        ]
    )  # fmt: skip
    removed = [
        ("6か月未満", 30), ("継続期間が無回答", 0), ("病気", 14), ("妊娠", 3), ("自宅で仕事", 4),
        ("きっかけが無回答", 0), ("家事", 22), ("家事が無回答", 2),
    ]  # fmt: skip
    cand = 103 + sum(n for _, n in removed)
    steps = [{"group": "", "step": "候補", "strict": cand, "inclusive": cand,
              "is_count_of_candidates": True}]  # fmt: skip
    steps += [{"group": "", "step": s, "strict": n, "inclusive": n,
               "is_count_of_candidates": False} for s, n in removed]  # fmt: skip
    section = {"steps": steps, "missing_effect": []}
    _out, protected = protect_hikikomori(rows, section, threshold=THRESHOLD)
    for choice in ("strict", "inclusive"):
        shown = protected["steps"]
        assert shown[0][choice] == cand
        hidden_sum = cand - 103 - sum(s[choice] for s in shown[1:] if s[choice] is not None)
        assert any(s[choice] is None for s in shown[1:])
        assert hidden_sum >= THRESHOLD, (choice, hidden_sum)
