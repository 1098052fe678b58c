"""With population margins the key findings speak of the weighted figures (issue: 主な結果 are
flagged from the difference interval, weighted where margins exist)."""

from __future__ import annotations

from surveys import findings

HEADLINE = "しばしばある・常にある"


def _result(**weighted: float) -> dict:
    row = {
        "indicator": "lonely_direct", "breakdown": "total", "group": "", "answer": HEADLINE,
        "city_n": 92, "city_base": 2179, "city_pct": 4.22, "city_ci_low": 3.46,
        "city_ci_high": 5.15, "national_pct": 4.5, "national_n": 11867,
        "diff_ci_low": -1.2, "diff_ci_high": 0.8, "suppressed": False, **weighted,
    }  # fmt: skip
    return {
        "rows": [row],
        "findings_spec": {"items": [{"indicator": "lonely_direct", "answer": HEADLINE,
                                     "subject": "孤独感が「しばしばある・常にある」と答えた人"}]},
    }  # fmt: skip


def test_without_weights_the_sentence_and_flag_use_the_unweighted_figures() -> None:
    (sentence,) = findings.findings(_result())
    assert "4.2%（95%信頼区間 3.5〜5.2%）" in sentence["text"]
    assert sentence["flag"] == findings.SAME


def test_with_weights_the_sentence_and_flag_use_the_weighted_figures() -> None:
    # weighted 6.9 % (5.6–8.5, Kish n_eff ≈ 1,100): clearly above the nation's 4.5 %
    result = _result(weighted_pct=6.9, weighted_ci_low=5.6, weighted_ci_high=8.5, deff=1.9)
    (sentence,) = findings.findings(result)
    assert "6.9%" in sentence["text"] and "5.6〜8.5%" in sentence["text"]
    assert "重み付け" in sentence["text"]
    assert sentence["flag"] == findings.HIGHER
    assert findings.row_flag(result["rows"][0]) == findings.HIGHER
