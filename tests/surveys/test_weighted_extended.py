"""With population margins every table of the report is weighted, not only the main ones:
items asked of part of the sample, multiple-answer options and sums of answers use the same
raking weights (each respondent's weight from the whole sample)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from surveys import aggregation as agg
from surveys import synthetic
from surveys.services.calculations import ReportInputs, report_compute
from surveys.services.extended import extend_result, extended_spec
from surveys.services.instruments import instrument_spec_read

NATIONAL = Path(__file__).resolve().parents[2] / "surveys" / "data" / "national_reference.csv"
MARGINS = {
    "sex": {1: 455_000.0, 2: 505_000.0},
    "age_group": {1: 38_000.0, 2: 92_000.0, 3: 98_000.0, 4: 118_000.0, 5: 125_000.0,
                  6: 140_000.0, 7: 170_000.0, 8: 179_000.0},
}  # fmt: skip


def _frame(n: int, seed: int) -> pd.DataFrame:
    raw = synthetic.tsunagari(n, seed=seed).drop(columns="resp_id")
    return raw.replace("", "-1").astype(int)


def _weighted(frame: pd.DataFrame, group: np.ndarray, answer: np.ndarray) -> float:
    """Independent raking (IPF to the margins) and the weighted share."""
    ok = frame["sex"].isin([1, 2]).to_numpy() & frame["age_group"].isin(range(1, 9)).to_numpy()
    w = ok.astype(float)
    for _ in range(500):
        for var, target in MARGINS.items():
            codes = frame[var].to_numpy()
            for code, count in target.items():
                sel = ok & (codes == code)
                w[sel] *= count / w[sel].sum()
    return 100 * w[group & answer].sum() / w[group].sum()


def test_every_table_carries_weighted_shares_with_margins() -> None:
    spec = extended_spec(instrument_spec_read("tsunagari-r3"))
    national = pd.read_csv(NATIONAL, dtype={"group": str}, keep_default_na=False)
    national = national[(national["survey"] == "tsunagari") & (national["wave"] == "R3")]
    national = national.assign(pct=national["pct"].astype(float))
    frame = _frame(1500, 7)
    inputs = ReportInputs(
        frame=frame,
        spec=spec,
        national=national,
        hikikomori_national=pd.DataFrame(),
        rule="H30",
        margins=MARGINS,
    )
    result = report_compute(inputs, publish=False, threshold=10)
    extend_result(result, inputs=inputs, publish=False, threshold=10)
    rows = {(r["indicator"], r["breakdown"], r["group"] or "", r["answer"]): r
            for r in result["rows"]}  # fmt: skip
    lonely = frame["lonely_direct"].to_numpy()
    everyone = np.ones(len(frame), dtype=bool)
    # a sum of answers
    r = rows[("lonely_direct", "total", "", "ある（計）")]
    assert r["weighted_pct"] is not None
    assert abs(r["weighted_pct"] - _weighted(frame, everyone, np.isin(lonely, [3, 4, 5]))) < 1e-6
    # an item asked of part of the sample (孤独感 2〜5)
    asked = np.isin(lonely, [2, 3, 4, 5])
    duration = frame["loneliness_duration"].to_numpy()
    r = rows[("loneliness_duration", "total", "", "5年以上")]
    assert r["weighted_pct"] is not None
    assert abs(r["weighted_pct"] - _weighted(frame, asked, duration == 4)) < 1e-6
    # a multiple-answer option
    r = rows[("triggers", "total", "", "一人暮らし")]
    assert r["weighted_pct"] is not None
    ticked = frame["trig_alone"].to_numpy() == 1
    assert abs(r["weighted_pct"] - _weighted(frame, everyone, ticked)) < 1e-6
    assert r["deff"] is not None and r["deff"] > 1
    assert agg.MISSING == -1


def test_a_fielding_compared_with_itself_shows_no_change() -> None:
    """The earlier fielding's share is taken on the same base as this one's: for 孤独感の継続期間
    (asked of 孤独感 2〜5) that is the people asked, not everyone."""
    from surveys.services.extended import trend_block

    spec = extended_spec(instrument_spec_read("tsunagari-r3"))
    frame = _frame(1500, 7)
    inputs = ReportInputs(
        frame=frame,
        spec=spec,
        national=pd.DataFrame(
            columns=[
                "indicator",
                "breakdown",
                "group",
                "answer",
                "pct",
                "base_n",
                "status",
                "source",
            ]
        ),
        hikikomori_national=pd.DataFrame(),
        rule="H30",
    )
    result = report_compute(inputs, publish=False, threshold=10)
    extend_result(result, inputs=inputs, publish=False, threshold=10)
    trend = trend_block(
        spec=spec,
        result=result,
        national_all=pd.DataFrame(
            columns=["wave", "indicator", "breakdown", "answer", "pct", "status", "source"]
        ),  # fmt: skip
        previous={"title": "前回", "period": "2022-01", "frame": frame},
        threshold=10,
        publish=False,
    )
    assert trend is not None
    changes = {s["indicator"]: s["change"]["diff"] for s in trend["series"]}
    assert "loneliness_duration" in changes
    assert all(abs(d) < 1e-9 for d in changes.values()), changes


def test_trend_series_follow_the_report_order_whatever_order_the_stored_spec_keeps() -> None:
    """PostgreSQL's jsonb keeps an object's keys sorted by length, not as written: the trend
    page listed 参加 before 孤独感 there. The series follow the report's indicator lists."""
    from surveys.services.extended import trend_block

    spec = extended_spec(instrument_spec_read("tsunagari-r3"))
    written = list(spec["report"]["key_answers"])
    as_jsonb = dict(
        sorted(spec["report"]["key_answers"].items(), key=lambda kv: (len(kv[0]), kv[0]))
    )
    assert list(as_jsonb) != written
    frame = _frame(1500, 7)
    national = pd.DataFrame(
        columns=["indicator", "breakdown", "group", "answer", "pct", "base_n", "status", "source"]
    )
    inputs = ReportInputs(
        frame=frame, spec=spec, national=national, hikikomori_national=pd.DataFrame(), rule="H30"
    )
    result = report_compute(inputs, publish=False, threshold=10)
    extend_result(result, inputs=inputs, publish=False, threshold=10)
    orders = []
    for key_answers in (spec["report"]["key_answers"], as_jsonb):
        stored = {**spec, "report": {**spec["report"], "key_answers": key_answers}}
        trend = trend_block(
            spec=stored,
            result=result,
            national_all=pd.DataFrame(
                columns=["wave", "indicator", "breakdown", "answer", "pct", "status", "source"]
            ),
            previous={"title": "前回", "period": "2022-01", "frame": frame},
            threshold=10,
            publish=False,
        )
        assert trend is not None
        orders.append([s["indicator"] for s in trend["series"]])
    assert orders[0] == orders[1] == [i for i in written if i in orders[0]]
