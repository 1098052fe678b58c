"""主な結果 (key findings): the headline figures as sentences an official can paste, flagged
against the nation like Fingertips (全国より高い / 差はみられない / 全国より低い).

The flag rests on the 95 % interval of the difference city − nation. A report row carries that
interval as ``diff_ci_low`` / ``diff_ci_high`` when the report computed it (Newcombe's method,
weighted where margins exist); ``difference_interval`` uses it and otherwise falls back to
Newcombe's hybrid score interval built from the two Wilson intervals (the nation without sampling
error when its base is unknown). Everything here reads a stored report result only, so the page
and the PDF say the same thing, and a suppressed cell never appears in a sentence.
"""

from __future__ import annotations

import math
from typing import Any

from django.utils import translation
from django.utils.translation import gettext, pgettext, pgettext_lazy

Z95 = 1.959963984540054
HIGHER, SAME, LOWER = "higher", "same", "lower"
FLAGS = {
    HIGHER: pgettext_lazy("flag against the nation", "higher than national"),
    SAME: pgettext_lazy("flag against the nation", "no significant difference"),
    LOWER: pgettext_lazy("flag against the nation", "lower than national"),
}
MIN_BASE_TO_RANK = 30
NO_ANSWER = "無回答"


def wilson(n: int, base: int) -> tuple[float, float, float]:
    """(pct, low, high) of n / base with the 95 % Wilson score interval, in percent."""
    if base <= 0:
        return math.nan, math.nan, math.nan
    p = n / base
    denom = 1 + Z95**2 / base
    centre = (p + Z95**2 / (2 * base)) / denom
    half = Z95 * math.sqrt(p * (1 - p) / base + Z95**2 / (4 * base**2)) / denom
    return 100 * p, 100 * max(centre - half, 0.0), 100 * min(centre + half, 1.0)


def _f(value: Any) -> float | None:
    if value is None or value == "":
        return None
    try:
        out = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(out) else out


def difference_interval(row: dict[str, Any]) -> tuple[float | None, float | None]:
    """95 % interval (percentage points) of city_pct − national_pct.

    Uses the row's own ``diff_ci_low`` / ``diff_ci_high`` when present. Otherwise Newcombe's
    method 10 from the Wilson intervals: the city's from the row, the nation's from
    ``national_ci_low`` / ``national_ci_high`` or from its percentage and base n, or none (a
    fixed value) when the base is unknown.
    """
    low, high = _f(row.get("diff_ci_low")), _f(row.get("diff_ci_high"))
    if low is not None and high is not None:
        return low, high
    p1, l1, u1 = _f(row.get("city_pct")), _f(row.get("city_ci_low")), _f(row.get("city_ci_high"))
    p2 = _f(row.get("national_pct"))
    if p1 is None or l1 is None or u1 is None or p2 is None:
        return None, None
    l2, u2 = _f(row.get("national_ci_low")), _f(row.get("national_ci_high"))
    if l2 is None or u2 is None:
        n2 = _f(row.get("national_n"))
        if n2:
            _, l2, u2 = wilson(round(p2 * n2 / 100), int(n2))
        else:
            l2 = u2 = p2
    d = p1 - p2
    return (
        d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2),
        d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2),
    )


def flag_of(low: float | None, high: float | None) -> str | None:
    if low is None or high is None:
        return None
    if low > 0:
        return HIGHER
    if high < 0:
        return LOWER
    return SAME


def weighted_view(row: dict[str, Any]) -> dict[str, Any]:
    """The figures a finding speaks of: where the report is weighted (population margins) the
    weighted share and its interval (Kish effective n), the difference interval then rebuilt
    from them by Newcombe's method; the unweighted figures otherwise."""
    w = _f(row.get("weighted_pct"))
    low, high = _f(row.get("weighted_ci_low")), _f(row.get("weighted_ci_high"))
    if w is None or low is None or high is None:
        return row
    out = {**row, "city_pct": w, "city_ci_low": low, "city_ci_high": high, "weighted": True}
    out.pop("diff_ci_low", None)
    out.pop("diff_ci_high", None)
    return out


def row_flag(row: dict[str, Any]) -> str | None:
    if row.get("suppressed") or row.get("national_pct") is None:
        return None
    return flag_of(*difference_interval(weighted_view(row)))


def flag_label(flag: str | None, language: str = "ja") -> str:
    if flag is None:
        return ""
    with translation.override(language):
        return str(FLAGS[flag])


def _pct(value: Any) -> str:
    return f"{float(value):.1f}"


def _nat(value: Any) -> str:
    v = float(value)
    return f"{v:.1f}" if abs(v * 10 - round(v * 10)) < 1e-9 else f"{v:g}"


def label_of(result: dict[str, Any], name: str, language: str = "ja") -> str:
    """The label of a variable (or multiple-answer question) in the interface language."""
    info = (result.get("labels") or {}).get(name)
    if not info:
        return name
    return info.get("label_en" if language == "en" else "label") or name


def value_label(result: dict[str, Any], variable: str, text: str, language: str = "ja") -> str:
    """A group or answer label (stored in Japanese) in the interface language."""
    if language != "en" or not text:
        return text
    if text == NO_ANSWER:
        return "No answer"
    labels = result.get("labels") or {}
    info = labels.get(variable) or {}
    for code, ja in (info.get("codes") or {}).items():
        if ja == text:
            return (info.get("codes_en") or {}).get(code) or text
    return (labels.get("_combined") or {}).get(text, text)


def _row(
    result: dict[str, Any], indicator: str, breakdown: str, group: str, answer: str
) -> dict[str, Any] | None:
    for r in result.get("rows", []):
        if (
            r["indicator"] == indicator
            and r["breakdown"] == breakdown
            and (r["group"] or "") == group
            and r["answer"] == answer
        ):
            return r
    return None


def _headline_sentence(
    result: dict[str, Any], item: dict[str, Any], row: dict[str, Any], area: str, language: str
) -> dict[str, Any]:
    """The headline sentence, in the active language (``findings`` sets it to ``language``)."""
    flag = row_flag(row)
    row = weighted_view(row)
    # the subject is the instrument's own wording (data, in each language), not a message
    subject = (item.get("subject_en") if language == "en" else item.get("subject")) or item[
        "indicator"
    ]
    if row.get("suppressed") or row.get("city_pct") is None:
        text = pgettext(
            "key finding",
            "The share of %(subject)s is not shown in the publication version "
            "(it rests on small cells).",
        ) % {"subject": subject}
    else:
        figures = {
            "area": area,
            "subject": subject,
            "pct": _pct(row["city_pct"]),
            "low": _pct(row["city_ci_low"]),
            "high": _pct(row["city_ci_high"]),
        }
        if row.get("weighted"):
            text = (
                pgettext(
                    "key finding, first half",
                    "In %(area)s, %(pct)s%% of respondents are %(subject)s "
                    "(weighted; 95%% CI %(low)s–%(high)s%%)",
                )
                % figures
            )
        else:
            text = (
                pgettext(
                    "key finding, first half",
                    "In %(area)s, %(pct)s%% of respondents are %(subject)s "
                    "(95%% CI %(low)s–%(high)s%%)",
                )
                % figures
            )
        if row.get("national_pct") is None:
            text += pgettext(
                "key finding, second half", "; there is no national figure to compare with."
            )
        else:
            national = {"national": _nat(row["national_pct"])}
            if flag == SAME:
                text += (
                    pgettext(
                        "key finding, second half",
                        ", not significantly different from the national figure (%(national)s%%).",
                    )
                    % national
                )
            elif flag == HIGHER:
                text += (
                    pgettext(
                        "key finding, second half",
                        ", higher than the national figure (%(national)s%%).",
                    )
                    % national
                )
            else:
                text += (
                    pgettext(
                        "key finding, second half",
                        ", lower than the national figure (%(national)s%%).",
                    )
                    % national
                )
    return {
        "kind": "headline",
        "indicator": item["indicator"],
        "text": text,
        "flag": flag,
        "flag_label": flag_label(flag, language),
        "national_wave": row.get("national_wave") or "",
        "national_status": row.get("national_status") or "",
        "suppressed": bool(row.get("suppressed")),
    }


def _breakdown_sentence(
    result: dict[str, Any], item: dict[str, Any], breakdown: str, language: str
) -> dict[str, Any] | None:
    """A breakdown's sentence, in the active language (``findings`` sets it to ``language``)."""
    answer = item["answer"]
    rows = [
        weighted_view(r)
        for r in result.get("rows", [])
        if r["indicator"] == item["indicator"]
        and r["breakdown"] == breakdown
        and r["answer"] == answer
        and (r["group"] or "") not in ("", NO_ANSWER)
    ]
    if any(r.get("weighted") for r in rows):  # weighted report: groups without weight drop out
        rows = [r for r in rows if r.get("weighted")]
    shown = [
        r
        for r in rows
        if not r.get("suppressed")
        and r.get("city_pct") is not None
        and int(r.get("city_base") or 0) >= MIN_BASE_TO_RANK
    ]
    if len(shown) < 2:
        return None
    shown.sort(key=lambda r: -float(r["city_pct"]))
    by = label_of(result, breakdown, language)
    if language == "en":  # an English label is capitalised; mid-sentence it is not
        by = by.lower()
    g = [value_label(result, breakdown, r["group"], language) for r in shown]
    if len(shown) == 2:
        a, b = shown
        low, high = difference_interval(
            {
                "city_pct": a["city_pct"], "city_ci_low": a["city_ci_low"],
                "city_ci_high": a["city_ci_high"], "national_pct": b["city_pct"],
                "national_ci_low": b["city_ci_low"], "national_ci_high": b["city_ci_high"],
            }
        )  # fmt: skip
        pair = {"by": by, "group_a": g[0], "pct_a": _pct(a["city_pct"]), "group_b": g[1],
                "pct_b": _pct(b["city_pct"])}  # fmt: skip
        if flag_of(low, high) == HIGHER:
            text = pgettext(
                "key finding",
                "By %(by)s: %(pct_a)s%% among “%(group_a)s” against %(pct_b)s%% among "
                "“%(group_b)s” (difference %(low)s to %(high)s points).",
            ) % {**pair, "low": _pct(low), "high": _pct(high)}
        else:
            text = (
                pgettext(
                    "key finding",
                    "By %(by)s: %(pct_a)s%% among “%(group_a)s” against %(pct_b)s%% among "
                    "“%(group_b)s” — not a significant difference.",
                )
                % pair
            )
        return {"kind": "breakdown", "indicator": item["indicator"], "breakdown": breakdown,
                "text": text, "flag": None, "flag_label": ""}  # fmt: skip
    top = shown[:2]
    overall = _row(result, item["indicator"], "total", "", answer)
    overall = weighted_view(overall) if overall else None
    groups = pgettext("key finding: joins the two highest groups", " and ").join(
        pgettext("key finding: one of the highest groups", "“%(group)s” (%(pct)s%%, 95%% CI "
                 "%(low)s–%(high)s%%)")
        % {"group": g[i], "pct": _pct(r["city_pct"]), "low": _pct(r["city_ci_low"]),
           "high": _pct(r["city_ci_high"])}
        for i, r in enumerate(top)
    )  # fmt: skip
    if overall and overall.get("city_pct") is not None and not overall.get("suppressed"):
        text = pgettext(
            "key finding",
            "By %(by)s, the share is highest among %(groups)s (all respondents %(overall)s%%).",
        ) % {"by": by, "groups": groups, "overall": _pct(overall["city_pct"])}
    else:
        text = pgettext("key finding", "By %(by)s, the share is highest among %(groups)s.") % {
            "by": by,
            "groups": groups,
        }
    return {"kind": "breakdown", "indicator": item["indicator"], "breakdown": breakdown,
            "text": text, "flag": None, "flag_label": ""}  # fmt: skip


def findings(
    result: dict[str, Any], *, language: str = "ja", area: str | None = None
) -> list[dict[str, Any]]:
    """The key findings, headline first, as sentences (publication-mode suppression honoured)."""
    spec = result.get("findings_spec") or {}
    out: list[dict[str, Any]] = []
    with translation.override(language):
        area = area or gettext("Kitakyushu City")
        for item in spec.get("items", []):
            row = _row(result, item["indicator"], "total", "", item["answer"])
            if row is None:
                continue
            out.append(_headline_sentence(result, item, row, area, language))
            for breakdown in item.get("breakdowns", []):
                sentence = _breakdown_sentence(result, item, breakdown, language)
                if sentence:
                    out.append(sentence)
    return out
